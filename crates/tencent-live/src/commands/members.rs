//! Moderation: bans (out of the room) and mutes (in the room, silent).

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::Stream;
use serde::Serialize;

use crate::client::LIVE;
use crate::commands::rooms::{RoomIdBody, check_room_id};
use crate::generated::envelope::Envelope;
use crate::generated::get_banned_member_list_response::GetBannedMemberListResponse;
use crate::generated::get_muted_member_list_response::GetMutedMemberListResponse;
use crate::model::{BannedMember, BannedMemberPage, MutedMember};
use crate::{Error, TencentClient};

/// The most members one ban or unban names.
pub const MAX_MEMBERS_PER_BAN: usize = 20;

/// The largest page of `get_banned_member_list`.
pub const MAX_BANNED_PER_PAGE: u32 = 100;

/// The body of `ban_member`.
#[derive(Debug, Clone, Serialize)]
#[must_use = "a request does nothing until it is sent"]
pub struct BanMembers {
    #[serde(rename = "RoomId")]
    room_id: String,
    #[serde(rename = "MemberList_Account")]
    members: Vec<String>,
    #[serde(rename = "Duration")]
    duration: u64,
    #[serde(rename = "Reason", skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

impl BanMembers {
    /// Bans `members` (at most 20) from `room_id` for `duration` (whole seconds).
    pub fn new(
        room_id: impl Into<String>,
        members: impl IntoIterator<Item = impl Into<String>>,
        duration: Duration,
    ) -> Self {
        BanMembers {
            room_id: room_id.into(),
            members: members.into_iter().map(Into::into).collect(),
            duration: duration.as_secs(),
            reason: None,
        }
    }

    /// `Reason` (at most 200 bytes).
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
}

#[derive(Serialize)]
struct MembersBody<'a> {
    #[serde(rename = "RoomId")]
    room_id: &'a str,
    #[serde(rename = "MemberList_Account")]
    members: &'a [&'a str],
}

#[derive(Serialize)]
struct MuteBody<'a> {
    #[serde(rename = "RoomId")]
    room_id: &'a str,
    #[serde(rename = "MemberList_Account")]
    members: &'a [&'a str],
    #[serde(rename = "MuteTime")]
    mute_time: u64,
}

#[derive(Serialize)]
struct BannedPageBody<'a> {
    #[serde(rename = "RoomId")]
    room_id: &'a str,
    #[serde(rename = "Offset")]
    offset: i64,
    #[serde(rename = "Limit")]
    limit: u32,
}

fn check_members(command: &str, count: usize) -> Result<(), Error> {
    if count == 0 {
        return Err(Error::InvalidRequest(format!("{command}: no member named")));
    }
    if count > MAX_MEMBERS_PER_BAN {
        return Err(Error::InvalidRequest(format!(
            "{command}: {count} members, at most {MAX_MEMBERS_PER_BAN} per call"
        )));
    }
    Ok(())
}

impl TencentClient {
    /// `ban_member`.
    pub async fn ban_members(&self, ban: BanMembers) -> Result<(), Error> {
        const COMMAND: &str = "ban_member";
        check_room_id(COMMAND, &ban.room_id)?;
        check_members(COMMAND, ban.members.len())?;
        let _: Envelope = self.call(LIVE, COMMAND, &ban).await?;
        Ok(())
    }

    /// `unban_member`.
    pub async fn unban_members(&self, room_id: &str, members: &[&str]) -> Result<(), Error> {
        const COMMAND: &str = "unban_member";
        check_room_id(COMMAND, room_id)?;
        check_members(COMMAND, members.len())?;
        let _: Envelope = self
            .call(LIVE, COMMAND, &MembersBody { room_id, members })
            .await?;
        Ok(())
    }

    /// One page of `get_banned_member_list`: start at offset 0, continue at the page's
    /// `next_offset` until it is 0. `limit` is clamped to 1..=100.
    pub async fn banned_members_page(
        &self,
        room_id: &str,
        offset: i64,
        limit: u32,
    ) -> Result<BannedMemberPage, Error> {
        const COMMAND: &str = "get_banned_member_list";
        check_room_id(COMMAND, room_id)?;
        let body = BannedPageBody {
            room_id,
            offset,
            limit: limit.clamp(1, MAX_BANNED_PER_PAGE),
        };
        let reply: GetBannedMemberListResponse = self.call(LIVE, COMMAND, &body).await?;
        Ok(reply.response)
    }

    /// Every banned member of a room, following `NextOffset` page by page (100 per page).
    /// The stream ends after the first error.
    pub fn banned_members(
        &self,
        room_id: &str,
    ) -> impl Stream<Item = Result<BannedMember, Error>> + Send + 'static {
        let walk = BanWalk {
            client: self.clone(),
            room_id: room_id.to_owned(),
            offset: 0,
            buffered: VecDeque::new(),
            done: false,
        };
        futures_util::stream::unfold(walk, |mut walk| async move {
            let item = walk.next_member().await?;
            Some((item, walk))
        })
    }

    /// `mute_member`: silences `members` for `duration` (whole seconds; zero unmutes).
    pub async fn mute_members(
        &self,
        room_id: &str,
        members: &[&str],
        duration: Duration,
    ) -> Result<(), Error> {
        const COMMAND: &str = "mute_member";
        check_room_id(COMMAND, room_id)?;
        if members.is_empty() {
            return Err(Error::InvalidRequest(format!("{COMMAND}: no member named")));
        }
        let body = MuteBody {
            room_id,
            members,
            mute_time: duration.as_secs(),
        };
        let _: Envelope = self.call(LIVE, COMMAND, &body).await?;
        Ok(())
    }

    /// `mute_member` with a mute time of 0.
    pub async fn unmute_members(&self, room_id: &str, members: &[&str]) -> Result<(), Error> {
        self.mute_members(room_id, members, Duration::ZERO).await
    }

    /// `get_muted_member_list`.
    pub async fn muted_members(&self, room_id: &str) -> Result<Vec<MutedMember>, Error> {
        const COMMAND: &str = "get_muted_member_list";
        check_room_id(COMMAND, room_id)?;
        let reply: GetMutedMemberListResponse =
            self.call(LIVE, COMMAND, &RoomIdBody { room_id }).await?;
        Ok(reply.response.muted_account_list)
    }
}

struct BanWalk {
    client: TencentClient,
    room_id: String,
    offset: i64,
    buffered: VecDeque<BannedMember>,
    done: bool,
}

impl BanWalk {
    async fn next_member(&mut self) -> Option<Result<BannedMember, Error>> {
        loop {
            if let Some(member) = self.buffered.pop_front() {
                return Some(Ok(member));
            }
            if self.done {
                return None;
            }
            let page = match self
                .client
                .banned_members_page(&self.room_id, self.offset, MAX_BANNED_PER_PAGE)
                .await
            {
                Ok(page) => page,
                Err(error) => {
                    self.done = true;
                    return Some(Err(error));
                }
            };
            if page.next_offset != 0 && page.next_offset <= self.offset {
                self.done = true;
                return Some(Err(Error::Protocol {
                    command: "get_banned_member_list".to_owned(),
                    reason: format!("NextOffset {} did not advance", page.next_offset),
                }));
            }
            self.done = page.next_offset == 0;
            self.offset = page.next_offset;
            self.buffered.extend(page.banned_account_list);
        }
    }
}
