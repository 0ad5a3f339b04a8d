//! The unified live event (DESIGN.md §3.2) and the payload of each kind.
//!
//! Every payload type is `#[non_exhaustive]` so fields can be added without breaking callers;
//! build them with their `new` constructors and `with_*` setters.

mod kind;
mod payloads;

use serde::{Deserialize, Serialize};

pub use kind::EventKind;
pub use payloads::{
    Ban, Chat, Gift, GiftedSubscriptions, Host, Lifecycle, Like, MessageDeleted, Other, Pin, Poll,
    PollEnd, PollOption, RawPayload, ReplyTo, Subscription, Unban, Unpin, ViewerCount,
};

use crate::{Platform, Timestamp, User};

/// One event of a live room, in the shape shared by every platform.
///
/// Serialised with [`LiveEvent::to_json_line`] (or serde) it is exactly one NDJSON line of the
/// `live` tool: `platform`, `room`, `kind`, `time`, `id` (when the platform has one), `user`
/// (when someone acts), the fields of the kind, and `raw` when it was asked for.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveEvent {
    /// Where the event happened.
    pub platform: Platform,
    /// The watched target as the user gave it, without the platform prefix (`xqc` for `kick:xqc`).
    pub room: String,
    /// What happened, with the fields of that kind.
    #[serde(flatten)]
    pub kind: EventKind,
    /// The platform's timestamp when it sent one, otherwise the time the SDK received the event.
    pub time: Timestamp,
    /// The platform's message id, exact, as a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The acting user (chatter, gifter, moderator, host...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// The platform's own payload, kept when the caller asked for it (`live watch --all`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<serde_json::Value>,
}

impl LiveEvent {
    /// An event with no id, no user and no raw payload.
    pub fn new(
        platform: Platform,
        room: impl Into<String>,
        time: Timestamp,
        kind: impl Into<EventKind>,
    ) -> Self {
        LiveEvent {
            platform,
            room: room.into(),
            kind: kind.into(),
            time,
            id: None,
            user: None,
            raw: None,
        }
    }

    /// Sets the platform's message id.
    #[must_use]
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Sets the acting user.
    #[must_use]
    pub fn with_user(mut self, user: User) -> Self {
        self.user = Some(user);
        self
    }

    /// Attaches the platform's own payload.
    #[must_use]
    pub fn with_raw(mut self, raw: serde_json::Value) -> Self {
        self.raw = Some(raw);
        self
    }

    /// True for `connected`, `disconnected` and `reconnecting`: events about the connection,
    /// not the room (`live watch --limit` does not count them).
    pub fn is_lifecycle(&self) -> bool {
        self.kind.is_lifecycle()
    }

    /// The event as one line of NDJSON, without the trailing newline.
    pub fn to_json_line(&self) -> String {
        // Serialising these types cannot fail: every map key is a string and no value errors.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads an event back from one NDJSON line.
    pub fn from_json_line(line: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(line)
    }
}
