//! The fields each kind of event carries.

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::User;

/// Builds a `#[non_exhaustive]` payload with a constructor taking every field.
macro_rules! payload {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$fmeta:meta])* $field:ident : $ty:ty ),* $(,)? }
    ) => {
        $(#[$meta])*
        #[non_exhaustive]
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl $name {
            #[doc = concat!("A `", stringify!($name), "` with every field given.")]
            #[allow(clippy::new_without_default)]
            pub fn new($($field: impl Into<$ty>),*) -> Self {
                $name { $($field: $field.into()),* }
            }
        }
    };
}

/// A chat message.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chat {
    /// The message text (Kick emotes stay inline as `[emote:ID:NAME]`).
    pub text: String,
    /// The message this one answers, when it is a reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<ReplyTo>,
}

impl Chat {
    /// A chat message that is not a reply.
    pub fn new(text: impl Into<String>) -> Self {
        Chat {
            text: text.into(),
            reply_to: None,
        }
    }

    /// Marks the message as a reply.
    #[must_use]
    pub fn with_reply_to(mut self, reply_to: ReplyTo) -> Self {
        self.reply_to = Some(reply_to);
        self
    }
}

payload! {
    /// The message a chat reply answers.
    ReplyTo {
        /// Id of the original message.
        id: String,
        /// Text of the original message.
        text: String,
        /// Author of the original message.
        user: User,
    }
}

/// A gift. `value` is the gift's total worth in the platform's unit: TikTok coins
/// (diamonds per unit times `count`), Kick "Kicks".
///
/// On the NDJSON line it sits under a `gift` key: `"gift":{"id":..,"name":..,"count":..,"value":..}`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "GiftLine", from = "GiftLine")]
pub struct Gift {
    /// The platform's gift id (`5655` on TikTok, `rage_quit` on Kick).
    pub id: String,
    /// The gift's name.
    pub name: String,
    /// How many were given (a TikTok streak's final count; 1 for Kick).
    pub count: u64,
    /// Total worth in the platform's currency unit.
    pub value: u64,
}

impl Gift {
    /// A gift with every field given.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        count: impl Into<u64>,
        value: impl Into<u64>,
    ) -> Self {
        Gift {
            id: id.into(),
            name: name.into(),
            count: count.into(),
            value: value.into(),
        }
    }
}

/// The wire form of [`Gift`]: its fields nest under `gift` so its `id` cannot meet the event's.
#[derive(Clone, Serialize, Deserialize)]
struct GiftLine {
    gift: GiftFields,
}

#[derive(Clone, Serialize, Deserialize)]
struct GiftFields {
    id: String,
    name: String,
    count: u64,
    value: u64,
}

impl From<Gift> for GiftLine {
    fn from(g: Gift) -> Self {
        GiftLine {
            gift: GiftFields {
                id: g.id,
                name: g.name,
                count: g.count,
                value: g.value,
            },
        }
    }
}

impl From<GiftLine> for Gift {
    fn from(line: GiftLine) -> Self {
        let g = line.gift;
        Gift {
            id: g.id,
            name: g.name,
            count: g.count,
            value: g.value,
        }
    }
}

payload! {
    /// Likes.
    Like {
        /// Likes in this event.
        count: u64,
        /// The room's total, never decreasing.
        total: u64,
    }
}

payload! {
    /// A subscription or a renewal.
    Subscription {
        /// Months subscribed so far.
        months: u32,
    }
}

payload! {
    /// Subscriptions gifted to other viewers.
    GiftedSubscriptions {
        /// Number of subscriptions gifted.
        count: u32,
        /// Handles of the recipients, where the platform names them.
        recipients: Vec<String>,
    }
}

payload! {
    /// The number of people watching.
    ViewerCount {
        /// Current viewers.
        viewers: u64,
    }
}

payload! {
    /// A deleted chat message.
    MessageDeleted {
        /// Id of the removed message.
        message_id: String,
    }
}

payload! {
    /// A pinned message.
    Pin {
        /// Id of the pinned message.
        message_id: String,
        /// Its text.
        text: String,
    }
}

payload! {
    /// The end of a pin.
    Unpin {
        /// Id of the message that was pinned, when known (Kick does not send it; the SDK
        /// remembers the last pin it saw).
        message_id: Option<String>,
    }
}

payload! {
    /// One answer of a poll.
    PollOption {
        /// The answer's text.
        label: String,
        /// Votes so far.
        votes: u64,
    }
}

payload! {
    /// A poll that started or changed.
    Poll {
        /// The question.
        title: String,
        /// The answers with their votes.
        options: Vec<PollOption>,
    }
}

payload! {
    /// A poll that ended or was removed.
    PollEnd {
        /// The question, when known.
        title: Option<String>,
    }
}

/// A ban or a timeout.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ban {
    /// Who was banned.
    pub target: User,
    /// True for a permanent ban, false for a timeout.
    pub permanent: bool,
    /// Length of a timeout in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_s: Option<u64>,
}

impl Ban {
    /// A permanent ban.
    pub fn permanent(target: User) -> Self {
        Ban {
            target,
            permanent: true,
            duration_s: None,
        }
    }

    /// A timeout of `duration_s` seconds.
    pub fn timeout(target: User, duration_s: u64) -> Self {
        Ban {
            target,
            permanent: false,
            duration_s: Some(duration_s),
        }
    }
}

payload! {
    /// A lifted ban or timeout.
    Unban {
        /// Who was unbanned.
        target: User,
    }
}

payload! {
    /// A host or raid arriving.
    Host {
        /// Viewers brought along.
        viewers: u64,
    }
}

/// Details of a connection lifecycle event.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifecycle {
    /// Why, where known (a close code, an error, "stream ended"...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Which reconnection attempt this is (reconnecting only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    /// Milliseconds until the next attempt (reconnecting only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_in_ms: Option<u64>,
}

impl Lifecycle {
    /// No details.
    pub fn new() -> Self {
        Lifecycle::default()
    }

    /// With a reason.
    pub fn because(reason: impl Into<String>) -> Self {
        Lifecycle {
            reason: Some(reason.into()),
            ..Lifecycle::default()
        }
    }

    /// Sets the attempt number and the delay before it.
    #[must_use]
    pub fn with_retry(mut self, attempt: u32, retry_in_ms: u64) -> Self {
        self.attempt = Some(attempt);
        self.retry_in_ms = Some(retry_in_ms);
        self
    }
}

/// A platform's own payload: JSON (Kick) or bytes (TikTok protobuf).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum RawPayload {
    /// A JSON payload.
    Json(serde_json::Value),
    /// A binary payload.
    Bytes(Vec<u8>),
}

impl Default for RawPayload {
    fn default() -> Self {
        RawPayload::Json(serde_json::Value::Null)
    }
}

impl RawPayload {
    /// The payload as JSON; bytes become a standard base64 string.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            RawPayload::Json(value) => value.clone(),
            RawPayload::Bytes(bytes) => {
                serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
            }
        }
    }
}

/// An event the SDK does not type (yet): the platform's name for it and its payload.
///
/// Its fields are private on purpose; see [`crate::EventKind`] for why matching on the name is
/// discouraged.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Other {
    name: String,
    #[serde(skip)]
    payload: RawPayload,
}

impl Other {
    /// An untyped event.
    pub fn new(name: impl Into<String>, payload: RawPayload) -> Self {
        Other {
            name: name.into(),
            payload,
        }
    }

    /// The platform's own event or method name (`App\Events\NewThing`, `WebcastNewMessage`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The payload as received.
    pub fn payload(&self) -> &RawPayload {
        &self.payload
    }
}
