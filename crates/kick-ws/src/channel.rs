//! Naming a channel to watch (ids first, slug lookup optional) and what the lookup returns.

use live_model::Timestamp;
use serde::{Deserialize, Serialize};

use crate::frame::WatchRecord;
use crate::lenient;

/// A Kick channel to watch: by slug (looked up on kick.com) or by ids (no lookup, so no
/// Cloudflare in the way).
///
/// ```
/// use kick_ws::ChannelRef;
/// let by_slug = ChannelRef::slug("xqc");
/// let by_ids = ChannelRef::ids(668, 676).room("xqc").livestream(55_000_001);
/// assert_eq!(by_slug.room_name(), "xqc");
/// assert_eq!(by_ids.room_name(), "xqc");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelRef {
    /// The slug to look up (`None` when the ids are given).
    pub slug: Option<String>,
    /// The chatroom id (`chatrooms.{id}.v2`...).
    pub chatroom_id: Option<u64>,
    /// The channel id (`channel.{id}`..., and the transport negotiation).
    pub channel_id: Option<u64>,
    /// The current livestream, for viewer counts.
    pub livestream_id: Option<u64>,
    /// The room name stamped on the events (default: the slug, or the chatroom id).
    pub room: Option<String>,
}

impl ChannelRef {
    /// A channel by slug (`kick.com/SLUG`); a leading `@` is dropped.
    pub fn slug(slug: impl AsRef<str>) -> Self {
        ChannelRef {
            slug: Some(slug.as_ref().trim().trim_start_matches('@').to_owned()),
            chatroom_id: None,
            channel_id: None,
            livestream_id: None,
            room: None,
        }
    }

    /// A channel by its chatroom id and channel id: no lookup is made.
    pub fn ids(chatroom_id: u64, channel_id: u64) -> Self {
        ChannelRef {
            slug: None,
            chatroom_id: Some(chatroom_id),
            channel_id: Some(channel_id),
            livestream_id: None,
            room: None,
        }
    }

    /// Sets the room name stamped on the events.
    #[must_use]
    pub fn room(mut self, room: impl Into<String>) -> Self {
        self.room = Some(room.into());
        self
    }

    /// Sets the current livestream id (viewer counts are polled for it).
    #[must_use]
    pub fn livestream(mut self, livestream_id: u64) -> Self {
        self.livestream_id = Some(livestream_id);
        self
    }

    /// The room name: as set, else the slug, else the chatroom id.
    pub fn room_name(&self) -> String {
        self.room
            .clone()
            .or_else(|| self.slug.clone())
            .or_else(|| self.chatroom_id.map(|id| id.to_string()))
            .unwrap_or_default()
    }

    /// The watch record when the ids are known (no lookup needed).
    pub fn to_record(&self) -> Option<WatchRecord> {
        let record = WatchRecord::new(self.room_name(), self.chatroom_id?, self.channel_id?);
        Some(match self.livestream_id {
            Some(id) => record.with_livestream(id, None),
            None => record,
        })
    }
}

/// What `GET /api/v2/channels/{slug}` says about a channel.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelInfo {
    /// The channel id.
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    /// The broadcaster's user id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub user_id: Option<String>,
    /// The slug.
    #[serde(default, deserialize_with = "lenient::string")]
    pub slug: String,
    /// The chatroom.
    pub chatroom: ChatroomInfo,
    /// The current livestream (`null` when offline).
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub livestream: Option<LivestreamInfo>,
    /// The broadcaster.
    #[serde(default, deserialize_with = "lenient::opt_object")]
    pub user: Option<ChannelUser>,
    /// Followers.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub followers_count: Option<u64>,
}

/// The chatroom part of [`ChannelInfo`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatroomInfo {
    /// The chatroom id.
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
}

/// The livestream part of [`ChannelInfo`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivestreamInfo {
    /// The livestream id.
    #[serde(deserialize_with = "lenient::id")]
    pub id: String,
    /// Live now.
    #[serde(default, deserialize_with = "lenient::bool_or_false")]
    pub is_live: bool,
    /// Viewers now.
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub viewer_count: Option<u64>,
    /// The title.
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub session_title: Option<String>,
    /// When it started.
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub start_time: Option<Timestamp>,
    /// When it was created.
    #[serde(default, deserialize_with = "lenient::opt_timestamp")]
    pub created_at: Option<Timestamp>,
}

/// The broadcaster part of [`ChannelInfo`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelUser {
    /// User id.
    #[serde(default, deserialize_with = "lenient::opt_id")]
    pub id: Option<String>,
    /// Username.
    #[serde(default, deserialize_with = "lenient::string")]
    pub username: String,
}

impl ChannelInfo {
    /// The chatroom id as a number.
    pub fn chatroom_id(&self) -> Option<u64> {
        self.chatroom.id.parse().ok()
    }

    /// The channel id as a number.
    pub fn channel_id(&self) -> Option<u64> {
        self.id.parse().ok()
    }

    /// The live stream, if the channel is live now.
    pub fn live(&self) -> Option<&LivestreamInfo> {
        self.livestream.as_ref().filter(|l| l.is_live)
    }

    /// The watch record for `room`, with the livestream and its viewers when live.
    pub fn to_record(&self, room: impl Into<String>) -> Option<WatchRecord> {
        let record = WatchRecord::new(room, self.chatroom_id()?, self.channel_id()?);
        Some(match self.live() {
            Some(live) => match live.id.parse() {
                Ok(id) => record.with_livestream(id, live.viewer_count),
                Err(_) => record,
            },
            None => record,
        })
    }

    /// A JSON summary with every id as a string (what `live kick channel` prints).
    pub fn summary(&self) -> serde_json::Value {
        serde_json::json!({
            "slug": self.slug,
            "username": self.user.as_ref().map(|u| u.username.clone()),
            "channel_id": self.id,
            "user_id": self.user_id,
            "chatroom_id": self.chatroom.id,
            "followers": self.followers_count,
            "is_live": self.live().is_some(),
            "livestream": self.live().map(|l| serde_json::json!({
                "id": l.id,
                "title": l.session_title,
                "viewers": l.viewer_count,
                "started_at": l.start_time.or(l.created_at).map(|t| t.to_string()),
            })),
        })
    }
}
