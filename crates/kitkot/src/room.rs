//! The room payload of `live/join` and `live/chat/send_message`, and the accessors for what
//! people use of it.
//!
//! The model itself is generated from `fixtures/kitkot/*.json` by `cargo xtask codegen`
//! ([`crate::generated::room`]); every field is public and nothing is lost (unknown fields land
//! in `extra`). Ids are [`StringOrNumber`] because kitkot sends both forms; the accessors here
//! return them as exact strings, preferring the `*_str` fields.

use std::collections::BTreeMap;

use live_model::lenient::StringOrNumber;
use serde::{Deserialize, Serialize};

pub use crate::generated::room::{
    FollowInfo, Image, JoinResponse as Room, LinkedMic, OwnRoom, RoomAuth, RoomExtra, Stats,
    StreamUrl, TopFan, User,
};

/// A non-empty id other than `0`, as text.
pub(crate) fn id_text(value: &StringOrNumber) -> Option<String> {
    let text = value.as_str();
    let text = text.trim();
    (!text.is_empty() && text != "0").then(|| text.to_owned())
}

/// The first id that is set.
fn first_id<'a>(candidates: impl IntoIterator<Item = &'a StringOrNumber>) -> Option<String> {
    candidates.into_iter().find_map(id_text)
}

fn non_negative(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Room {
    /// Decodes a room payload (the body of `live/join` or `live/chat/send_message`).
    pub fn from_json_slice(body: &[u8]) -> Result<Room, crate::Error> {
        crate::decode::decode_slice(body).map_err(crate::Error::Http)
    }

    /// The room id: `room_id`, else the stats' or the stream's id.
    pub fn id(&self) -> Option<String> {
        first_id([&self.room_id, &self.stats.id_str, &self.stats.id])
    }

    /// The anchor (streamer) id: `anchor_id`, else the owner's id.
    pub fn anchor(&self) -> Option<String> {
        first_id([&self.anchor_id]).or_else(|| self.owner.user_id())
    }

    /// The room's title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Viewers now (`viewers`).
    pub fn viewer_count(&self) -> u64 {
        non_negative(self.viewers)
    }

    /// The streamer.
    pub fn owner(&self) -> &User {
        &self.owner
    }

    /// The room's counters.
    pub fn counts(&self) -> RoomCounts {
        let s = &self.stats;
        RoomCounts {
            viewers: self.viewer_count(),
            total_user: non_negative(s.total_user),
            like_count: non_negative(s.like_count),
            share_count: non_negative(s.share_count),
            enter_count: non_negative(s.enter_count),
            follow_count: non_negative(s.follow_count),
            digg_count: non_negative(s.digg_count),
            gift_uv_count: non_negative(s.gift_uv_count),
            fan_ticket: non_negative(s.fan_ticket),
        }
    }

    /// The FLV pull streams, one per resolution that has a URL: in the order of
    /// `candidate_resolution` (lowest to highest quality, as TikTok lists them), then any other
    /// resolution by name.
    pub fn streams(&self) -> Vec<StreamVariant> {
        let s = &self.stream_url;
        let mut keys: Vec<&str> = s
            .candidate_resolution
            .iter()
            .map(String::as_str)
            .filter(|k| s.flv_pull_url.contains_key(*k))
            .collect();
        for key in s.flv_pull_url.keys() {
            if !keys.contains(&key.as_str()) {
                keys.push(key);
            }
        }
        keys.into_iter()
            .filter_map(|key| self.stream(key))
            .collect()
    }

    /// The FLV stream of one resolution (`"FULL_HD1"`, `"HD1"`, `"SD1"`...), when it has a URL.
    pub fn stream(&self, resolution: &str) -> Option<StreamVariant> {
        let s = &self.stream_url;
        let url = s.flv_pull_url.get(resolution).filter(|u| !u.is_empty())?;
        Some(StreamVariant {
            resolution: resolution.to_owned(),
            name: s.resolution_name.get(resolution).cloned(),
            flv_url: url.clone(),
            params: s
                .flv_pull_url_params
                .get(resolution)
                .filter(|p| !p.is_empty())
                .cloned(),
        })
    }

    /// The stream of `default_resolution`, else the best one listed.
    pub fn default_stream(&self) -> Option<StreamVariant> {
        self.stream(&self.stream_url.default_resolution)
            .or_else(|| self.streams().pop())
    }

    /// The HLS pull URL, when there is one.
    pub fn hls_url(&self) -> Option<&str> {
        Some(self.stream_url.hls_pull_url.as_str()).filter(|u| !u.is_empty())
    }

    /// Resolution keys and their display names (`"HD1"` → `"720p"`).
    pub fn resolution_names(&self) -> &BTreeMap<String, String> {
        &self.stream_url.resolution_name
    }

    /// The top fans, highest first as kitkot sends them.
    pub fn top_fans(&self) -> &[TopFan] {
        &self.top_fans
    }

    /// What most users read of a room, flat and serialisable.
    pub fn summary(&self) -> RoomSummary {
        RoomSummary {
            room_id: self.id(),
            anchor_id: self.anchor(),
            title: self.title.clone(),
            owner: UserSummary::of(&self.owner),
            counts: self.counts(),
            default_resolution: Some(self.stream_url.default_resolution.clone())
                .filter(|r| !r.is_empty()),
            streams: self.streams(),
            hls_url: self.hls_url().map(str::to_owned),
            top_fans: self
                .top_fans
                .iter()
                .map(|f| FanSummary {
                    fan_ticket: non_negative(f.fan_ticket),
                    user: UserSummary::of(&f.user),
                })
                .collect(),
        }
    }
}

impl User {
    /// The user id: `id_str`, else `id`.
    pub fn user_id(&self) -> Option<String> {
        first_id([&self.id_str, &self.id])
    }

    /// The handle (TikTok unique id, `display_id`), e.g. `sunny.bakes`.
    pub fn unique_id(&self) -> &str {
        &self.display_id
    }

    /// The smallest avatar's first URL, else the medium or large one's.
    pub fn avatar_url(&self) -> Option<&str> {
        [&self.avatar_thumb, &self.avatar_medium, &self.avatar_large]
            .into_iter()
            .find_map(|image| image.url_list.iter().find(|u| !u.is_empty()))
            .map(String::as_str)
    }

    /// Followers (`follow_info.follower_count`).
    pub fn follower_count(&self) -> u64 {
        non_negative(self.follow_info.follower_count)
    }

    /// The user as the unified model has it: id, handle, nickname.
    pub fn to_live_user(&self) -> live_model::User {
        let nickname = self.nickname.clone();
        let user =
            live_model::User::new(self.user_id().unwrap_or_default(), self.display_id.clone());
        if nickname.is_empty() {
            user
        } else {
            user.with_display_name(nickname)
        }
    }
}

/// One FLV pull stream of a room.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamVariant {
    /// TikTok's resolution key (`FULL_HD1`, `HD1`, `SD2`, `SD1`...).
    pub resolution: String,
    /// Its display name from `resolution_name` (`1080p`), when listed.
    pub name: Option<String>,
    /// The FLV URL.
    pub flv_url: String,
    /// The stream's parameters (a JSON text: codec, bitrate...), when given.
    pub params: Option<String>,
}

/// A room's counters, negative values read as 0.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomCounts {
    /// Viewers now (`viewers`).
    pub viewers: u64,
    /// Viewers since the start (`stats.total_user`).
    pub total_user: u64,
    /// Likes (`stats.like_count`).
    pub like_count: u64,
    /// Shares (`stats.share_count`).
    pub share_count: u64,
    /// Entries (`stats.enter_count`).
    pub enter_count: u64,
    /// New follows (`stats.follow_count`).
    pub follow_count: u64,
    /// Taps (`stats.digg_count`).
    pub digg_count: u64,
    /// Distinct gifters (`stats.gift_uv_count`).
    pub gift_uv_count: u64,
    /// Fan tickets (`stats.fan_ticket`).
    pub fan_ticket: u64,
}

/// A user, flat.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    /// The user id.
    pub id: Option<String>,
    /// The handle (`display_id`).
    pub unique_id: String,
    /// The nickname.
    pub nickname: String,
    /// An avatar URL.
    pub avatar_url: Option<String>,
    /// Followers.
    pub follower_count: u64,
}

impl UserSummary {
    fn of(user: &User) -> UserSummary {
        UserSummary {
            id: user.user_id(),
            unique_id: user.display_id.clone(),
            nickname: user.nickname.clone(),
            avatar_url: user.avatar_url().map(str::to_owned),
            follower_count: user.follower_count(),
        }
    }
}

/// A top fan, flat.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FanSummary {
    /// The fan's tickets (gift value) in this room.
    pub fan_ticket: u64,
    /// The fan.
    pub user: UserSummary,
}

/// The parts of a room most users read ([`Room::summary`]).
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomSummary {
    /// The room id.
    pub room_id: Option<String>,
    /// The anchor (streamer) id.
    pub anchor_id: Option<String>,
    /// The title.
    pub title: String,
    /// The streamer.
    pub owner: UserSummary,
    /// The counters.
    pub counts: RoomCounts,
    /// The default resolution key.
    pub default_resolution: Option<String>,
    /// FLV streams, lowest quality first.
    pub streams: Vec<StreamVariant>,
    /// The HLS URL.
    pub hls_url: Option<String>,
    /// The top fans.
    pub top_fans: Vec<FanSummary>,
}
