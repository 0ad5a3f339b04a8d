//! Rooms: create, destroy, read, update, statistics, and the paged list of every live room.

use std::collections::{HashSet, VecDeque};
use std::time::Duration;

use futures_util::Stream;
use serde::Serialize;

use crate::classify::CommandCodes;
use crate::client::{LIVE, decode};
use crate::generated::create_room_response::CreateRoomResponse;
use crate::generated::destroy_room_response::DestroyRoomResponse;
use crate::generated::envelope::Envelope;
use crate::generated::get_room_info_response::GetRoomInfoResponse;
use crate::generated::get_room_list_response::GetRoomListResponse;
use crate::generated::get_room_stats_response::GetRoomStatsResponse;
use crate::model::{RoomInfo, RoomListPage, RoomStatistic, RoomStats, RoomSummary, TakeSeatMode};
use crate::{Error, TencentClient};

/// The most rooms `get_room_list` returns per page.
pub const MAX_ROOMS_PER_PAGE: u32 = 20;

/// create_room: 100010 means "exists with this owner" (use it as is); 100012 means "this id
/// was created less than a second ago": wait a second and try again.
const CREATE_ROOM_CODES: CommandCodes = CommandCodes {
    success: &[100_010],
    wait: &[(100_012, Duration::from_secs(1))],
};

/// The body of `create_room`: a `RoomInfo` object. Only the room id is required; the type is
/// `Live` unless told otherwise.
#[derive(Debug, Clone, Serialize)]
#[must_use = "a request does nothing until it is sent"]
pub struct CreateRoom {
    #[serde(rename = "RoomInfo")]
    info: CreateRoomInfo,
}

#[derive(Debug, Clone, Serialize)]
struct CreateRoomInfo {
    #[serde(rename = "RoomId")]
    room_id: String,
    #[serde(rename = "RoomType")]
    room_type: String,
    #[serde(rename = "Owner_Account", skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(rename = "RoomName", skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(rename = "MaxMemberCount", skip_serializing_if = "Option::is_none")]
    max_members: Option<u32>,
    #[serde(rename = "CoverURL", skip_serializing_if = "Option::is_none")]
    cover_url: Option<String>,
    #[serde(rename = "IsMessageDisabled", skip_serializing_if = "Option::is_none")]
    message_disabled: Option<bool>,
    #[serde(rename = "Category", skip_serializing_if = "Option::is_none")]
    category: Option<Vec<i64>>,
    #[serde(rename = "IsPublicVisible", skip_serializing_if = "Option::is_none")]
    public: Option<bool>,
    #[serde(rename = "IsSeatEnabled", skip_serializing_if = "Option::is_none")]
    seats_enabled: Option<bool>,
    #[serde(rename = "TakeSeatMode", skip_serializing_if = "Option::is_none")]
    take_seat_mode: Option<&'static str>,
    #[serde(rename = "MaxSeatCount", skip_serializing_if = "Option::is_none")]
    max_seats: Option<u32>,
    #[serde(rename = "ActivityStatus", skip_serializing_if = "Option::is_none")]
    activity_status: Option<i64>,
    #[serde(rename = "SeatTemplate", skip_serializing_if = "Option::is_none")]
    seat_template: Option<String>,
    #[serde(
        rename = "IsUnlimitedRoomEnabled",
        skip_serializing_if = "Option::is_none"
    )]
    unlimited: Option<bool>,
}

impl CreateRoom {
    /// A `Live` room with this id (at most 48 bytes).
    pub fn new(room_id: impl Into<String>) -> Self {
        CreateRoom {
            info: CreateRoomInfo {
                room_id: room_id.into(),
                room_type: "Live".to_owned(),
                owner: None,
                name: None,
                max_members: None,
                cover_url: None,
                message_disabled: None,
                category: None,
                public: None,
                seats_enabled: None,
                take_seat_mode: None,
                max_seats: None,
                activity_status: None,
                seat_template: None,
                unlimited: None,
            },
        }
    }

    /// The room id.
    pub fn room_id(&self) -> &str {
        &self.info.room_id
    }

    /// `RoomType` (default `Live`, the only type the live-room service documents).
    pub fn room_type(mut self, room_type: impl Into<String>) -> Self {
        self.info.room_type = room_type.into();
        self
    }

    /// `Owner_Account`: the host (an imported account; default: the calling admin).
    pub fn owner(mut self, account: impl Into<String>) -> Self {
        self.info.owner = Some(account.into());
        self
    }

    /// `RoomName` (at most 100 bytes; default: the room id).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.info.name = Some(name.into());
        self
    }

    /// `MaxMemberCount`.
    pub fn max_members(mut self, count: u32) -> Self {
        self.info.max_members = Some(count);
        self
    }

    /// `CoverURL` (at most 200 bytes).
    pub fn cover_url(mut self, url: impl Into<String>) -> Self {
        self.info.cover_url = Some(url.into());
        self
    }

    /// `IsMessageDisabled`: mute everyone.
    pub fn message_disabled(mut self, disabled: bool) -> Self {
        self.info.message_disabled = Some(disabled);
        self
    }

    /// `Category`: up to three tags of your own.
    pub fn category(mut self, tags: impl IntoIterator<Item = i64>) -> Self {
        self.info.category = Some(tags.into_iter().collect());
        self
    }

    /// `IsPublicVisible`: listed by `get_room_list` (default true).
    pub fn public(mut self, public: bool) -> Self {
        self.info.public = Some(public);
        self
    }

    /// `IsSeatEnabled`.
    pub fn seats_enabled(mut self, enabled: bool) -> Self {
        self.info.seats_enabled = Some(enabled);
        self
    }

    /// `TakeSeatMode`.
    pub fn take_seat_mode(mut self, mode: TakeSeatMode) -> Self {
        self.info.take_seat_mode = Some(mode.as_str());
        self
    }

    /// `MaxSeatCount`.
    pub fn max_seats(mut self, count: u32) -> Self {
        self.info.max_seats = Some(count);
        self
    }

    /// `ActivityStatus`: a status of your own.
    pub fn activity_status(mut self, status: i64) -> Self {
        self.info.activity_status = Some(status);
        self
    }

    /// `SeatTemplate` (a layout name; required by the newest revision of the service).
    pub fn seat_template(mut self, template: impl Into<String>) -> Self {
        self.info.seat_template = Some(template.into());
        self
    }

    /// `IsUnlimitedRoomEnabled`.
    pub fn unlimited(mut self, enabled: bool) -> Self {
        self.info.unlimited = Some(enabled);
        self
    }
}

/// The result of `create_room`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomCreated {
    /// The room id.
    pub room_id: String,
    /// The room already existed with the same owner (code 100010): it is usable as is.
    pub already_existed: bool,
    /// The service's request id.
    pub request_id: String,
}

/// The body of `update_room_info`: only the fields set are changed.
#[derive(Debug, Clone, Serialize)]
#[must_use = "a request does nothing until it is sent"]
pub struct UpdateRoom {
    #[serde(rename = "RoomInfo")]
    info: UpdateRoomInfo,
}

#[derive(Debug, Clone, Serialize)]
struct UpdateRoomInfo {
    #[serde(rename = "RoomId")]
    room_id: String,
    #[serde(rename = "RoomName", skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(rename = "MaxMemberCount", skip_serializing_if = "Option::is_none")]
    max_members: Option<u32>,
    #[serde(rename = "IsMessageDisabled", skip_serializing_if = "Option::is_none")]
    message_disabled: Option<bool>,
    #[serde(rename = "CoverURL", skip_serializing_if = "Option::is_none")]
    cover_url: Option<String>,
    #[serde(rename = "Category", skip_serializing_if = "Option::is_none")]
    category: Option<Vec<i64>>,
    #[serde(rename = "ActivityStatus", skip_serializing_if = "Option::is_none")]
    activity_status: Option<i64>,
    #[serde(rename = "IsPublicVisible", skip_serializing_if = "Option::is_none")]
    public: Option<bool>,
    #[serde(rename = "TakeSeatMode", skip_serializing_if = "Option::is_none")]
    take_seat_mode: Option<&'static str>,
    #[serde(rename = "Notice", skip_serializing_if = "Option::is_none")]
    notice: Option<String>,
}

impl UpdateRoom {
    /// Changes to the room `room_id`.
    pub fn new(room_id: impl Into<String>) -> Self {
        UpdateRoom {
            info: UpdateRoomInfo {
                room_id: room_id.into(),
                name: None,
                max_members: None,
                message_disabled: None,
                cover_url: None,
                category: None,
                activity_status: None,
                public: None,
                take_seat_mode: None,
                notice: None,
            },
        }
    }

    /// The room id.
    pub fn room_id(&self) -> &str {
        &self.info.room_id
    }

    /// `RoomName`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.info.name = Some(name.into());
        self
    }

    /// `MaxMemberCount`.
    pub fn max_members(mut self, count: u32) -> Self {
        self.info.max_members = Some(count);
        self
    }

    /// `IsMessageDisabled`.
    pub fn message_disabled(mut self, disabled: bool) -> Self {
        self.info.message_disabled = Some(disabled);
        self
    }

    /// `CoverURL`.
    pub fn cover_url(mut self, url: impl Into<String>) -> Self {
        self.info.cover_url = Some(url.into());
        self
    }

    /// `Category` (up to three tags).
    pub fn category(mut self, tags: impl IntoIterator<Item = i64>) -> Self {
        self.info.category = Some(tags.into_iter().collect());
        self
    }

    /// `ActivityStatus`.
    pub fn activity_status(mut self, status: i64) -> Self {
        self.info.activity_status = Some(status);
        self
    }

    /// `IsPublicVisible`.
    pub fn public(mut self, public: bool) -> Self {
        self.info.public = Some(public);
        self
    }

    /// `TakeSeatMode`.
    pub fn take_seat_mode(mut self, mode: TakeSeatMode) -> Self {
        self.info.take_seat_mode = Some(mode.as_str());
        self
    }

    /// `Notice` (at most 100 bytes).
    pub fn notice(mut self, notice: impl Into<String>) -> Self {
        self.info.notice = Some(notice.into());
        self
    }
}

/// How [`TencentClient::rooms`] pages through `get_room_list`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoomListOptions {
    /// Rooms per page, clamped to 1..=20 (default 20).
    pub count: u32,
    /// Stop after this many rooms; no page is fetched that this limit does not need.
    pub limit: Option<u64>,
}

impl Default for RoomListOptions {
    fn default() -> Self {
        RoomListOptions {
            count: MAX_ROOMS_PER_PAGE,
            limit: None,
        }
    }
}

impl RoomListOptions {
    /// Every room, 20 per page.
    pub fn new() -> Self {
        RoomListOptions::default()
    }

    /// Rooms per page (clamped to 1..=20).
    #[must_use]
    pub fn count(mut self, count: u32) -> Self {
        self.count = count;
        self
    }

    /// At most this many rooms.
    #[must_use]
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }
}

pub(crate) fn check_room_id(command: &str, room_id: &str) -> Result<(), Error> {
    if room_id.is_empty() {
        return Err(Error::InvalidRequest(format!(
            "{command}: the room id is empty"
        )));
    }
    Ok(())
}

#[derive(Serialize)]
pub(crate) struct RoomIdBody<'a> {
    #[serde(rename = "RoomId")]
    pub(crate) room_id: &'a str,
}

#[derive(Serialize)]
struct RoomListBody<'a> {
    #[serde(rename = "Next")]
    next: &'a str,
    #[serde(rename = "Count")]
    count: u32,
}

impl TencentClient {
    /// `create_room`. A room that already exists with the same owner (100010) counts as
    /// created (`already_existed` says so); 100012 (the id was created less than a second ago)
    /// is waited out and retried.
    pub async fn create_room(&self, room: CreateRoom) -> Result<RoomCreated, Error> {
        const COMMAND: &str = "create_room";
        check_room_id(COMMAND, room.room_id())?;
        let response = self.send(LIVE, COMMAND, &room, CREATE_ROOM_CODES).await?;
        let reply: CreateRoomResponse = decode(COMMAND, &response)?;
        let already_existed = reply.error_code == 100_010;
        let room_id = reply
            .response
            .map(|r| r.room_id)
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| room.info.room_id.clone());
        Ok(RoomCreated {
            room_id,
            already_existed,
            request_id: reply.request_id,
        })
    }

    /// `destroy_room`: the room's final statistics, when the service sends them (its newest
    /// revision does).
    pub async fn destroy_room(&self, room_id: &str) -> Result<Option<RoomStatistic>, Error> {
        const COMMAND: &str = "destroy_room";
        check_room_id(COMMAND, room_id)?;
        let reply: DestroyRoomResponse = self.call(LIVE, COMMAND, &RoomIdBody { room_id }).await?;
        Ok(reply.response.map(|r| r.statistic))
    }

    /// `get_room_info`.
    pub async fn room_info(&self, room_id: &str) -> Result<RoomInfo, Error> {
        const COMMAND: &str = "get_room_info";
        check_room_id(COMMAND, room_id)?;
        let reply: GetRoomInfoResponse = self.call(LIVE, COMMAND, &RoomIdBody { room_id }).await?;
        Ok(reply.response.room_info)
    }

    /// `update_room_info`.
    pub async fn update_room_info(&self, update: UpdateRoom) -> Result<(), Error> {
        const COMMAND: &str = "update_room_info";
        check_room_id(COMMAND, update.room_id())?;
        let _: Envelope = self.call(LIVE, COMMAND, &update).await?;
        Ok(())
    }

    /// `get_room_stats`: cumulative viewers, gifts, likes and messages.
    pub async fn room_stats(&self, room_id: &str) -> Result<RoomStats, Error> {
        const COMMAND: &str = "get_room_stats";
        check_room_id(COMMAND, room_id)?;
        let reply: GetRoomStatsResponse = self.call(LIVE, COMMAND, &RoomIdBody { room_id }).await?;
        Ok(reply.response)
    }

    /// One page of `get_room_list`: pass `""` first, then the page's `next`; a page whose
    /// `next` is empty is the last. `count` is clamped to 1..=20.
    pub async fn room_list_page(&self, next: &str, count: u32) -> Result<RoomListPage, Error> {
        const COMMAND: &str = "get_room_list";
        let body = RoomListBody {
            next,
            count: count.clamp(1, MAX_ROOMS_PER_PAGE),
        };
        let reply: GetRoomListResponse = self.call(LIVE, COMMAND, &body).await?;
        reply.response.ok_or_else(|| Error::Protocol {
            command: COMMAND.to_owned(),
            reason: "a successful reply without `Response`".to_owned(),
        })
    }

    /// Every live room, most viewed first, following the `Next` cursor page by page (paced
    /// at the command's 10 calls per second). A room the service repeats on a later page
    /// (view counts change while paging) is yielded once. With a limit, no page beyond the
    /// limit is fetched, and the last page asks only for the rooms still needed. The stream
    /// ends after the first error.
    pub fn rooms(
        &self,
        options: RoomListOptions,
    ) -> impl Stream<Item = Result<RoomSummary, Error>> + Send + 'static {
        let state = RoomWalk {
            client: self.clone(),
            count: options.count.clamp(1, MAX_ROOMS_PER_PAGE),
            remaining: options.limit,
            next: String::new(),
            buffered: VecDeque::new(),
            seen: HashSet::new(),
            done: false,
            pending_error: None,
        };
        futures_util::stream::unfold(state, |mut walk| async move {
            let item = walk.next_room().await?;
            Some((item, walk))
        })
    }
}

/// The state of a walk over `get_room_list`.
struct RoomWalk {
    client: TencentClient,
    count: u32,
    remaining: Option<u64>,
    next: String,
    buffered: VecDeque<RoomSummary>,
    seen: HashSet<String>,
    done: bool,
    /// An error found with a page whose rooms are yielded first.
    pending_error: Option<Error>,
}

impl RoomWalk {
    async fn next_room(&mut self) -> Option<Result<RoomSummary, Error>> {
        loop {
            if self.remaining == Some(0) {
                return None;
            }
            if let Some(room) = self.buffered.pop_front() {
                if let Some(remaining) = self.remaining.as_mut() {
                    *remaining -= 1;
                }
                return Some(Ok(room));
            }
            if self.done {
                return self.pending_error.take().map(Err);
            }
            let count = match self.remaining {
                Some(remaining) => self.count.min(u32::try_from(remaining).unwrap_or(u32::MAX)),
                None => self.count,
            };
            let page = match self.client.room_list_page(&self.next, count).await {
                Ok(page) => page,
                Err(error) => {
                    self.done = true;
                    return Some(Err(error));
                }
            };
            if !page.next.is_empty() && page.next == self.next {
                // Following it would loop forever: keep this page's rooms, then stop.
                self.pending_error = Some(Error::Protocol {
                    command: "get_room_list".to_owned(),
                    reason: format!("the Next cursor did not advance ({:?})", page.next),
                });
            }
            self.done = page.next.is_empty() || self.pending_error.is_some();
            self.next = page.next;
            for room in page.room_list {
                if self.seen.insert(room.room_id.clone()) {
                    self.buffered.push_back(room);
                } else {
                    tracing::debug!(room_id = %room.room_id, "room repeated on a later page; skipped");
                }
            }
        }
    }
}
