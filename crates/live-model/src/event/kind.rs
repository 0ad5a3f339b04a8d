use serde::{Deserialize, Serialize};

use super::payloads::{
    Ban, Chat, Gift, GiftedSubscriptions, Host, Lifecycle, Like, MessageDeleted, Other, Pin, Poll,
    PollEnd, Subscription, Unban, Unpin, ViewerCount,
};

/// What happened, with the fields of that kind.
///
/// New kinds are added as platforms grow, so the enum is `#[non_exhaustive]`: keep a `_` arm.
/// Events the SDK cannot type yet arrive as [`EventKind::Other`], which carries the platform's
/// event name and payload. Do not match on an `Other`'s name to pick out events: when the SDK
/// learns that event it moves to its own variant and such an arm stops matching without a
/// compiler error. Use `Other` for logging and forwarding only.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A chat message.
    Chat(Chat),
    /// A gift: on TikTok one per finished streak, on Kick a "Kicks" gift.
    Gift(Gift),
    /// Likes (taps).
    Like(Like),
    /// Someone entered the room.
    Join,
    /// Someone followed the streamer.
    Follow,
    /// Someone shared the stream.
    Share,
    /// A subscription or renewal.
    Subscription(Subscription),
    /// Subscriptions gifted to other viewers; the event's user is the gifter.
    GiftedSubscriptions(GiftedSubscriptions),
    /// The number of people watching.
    ViewerCount(ViewerCount),
    /// A chat message was removed.
    MessageDeleted(MessageDeleted),
    /// A message was pinned.
    Pin(Pin),
    /// The pinned message was unpinned.
    Unpin(Unpin),
    /// A poll started or its votes changed.
    Poll(Poll),
    /// A poll ended or was removed.
    PollEnd(PollEnd),
    /// A user was banned or timed out; the event's user is the moderator.
    Ban(Ban),
    /// A ban or timeout was lifted.
    Unban(Unban),
    /// The stream went live.
    StreamStart,
    /// The stream ended.
    StreamEnd,
    /// Another channel hosts or raids this one; the event's user is that channel.
    Host(Host),
    /// The chat was cleared.
    ChatCleared,
    /// The connection to the room is up (lifecycle).
    Connected(Lifecycle),
    /// The connection to the room is gone for good (lifecycle).
    Disconnected(Lifecycle),
    /// The connection dropped and the SDK is reconnecting (lifecycle).
    Reconnecting(Lifecycle),
    /// A platform event the SDK does not type; see the enum's documentation.
    Other(Other),
}

impl EventKind {
    /// The `kind` string written on the NDJSON line.
    pub fn as_str(&self) -> &'static str {
        match self {
            EventKind::Chat(_) => "chat",
            EventKind::Gift(_) => "gift",
            EventKind::Like(_) => "like",
            EventKind::Join => "join",
            EventKind::Follow => "follow",
            EventKind::Share => "share",
            EventKind::Subscription(_) => "subscription",
            EventKind::GiftedSubscriptions(_) => "gifted_subscriptions",
            EventKind::ViewerCount(_) => "viewer_count",
            EventKind::MessageDeleted(_) => "message_deleted",
            EventKind::Pin(_) => "pin",
            EventKind::Unpin(_) => "unpin",
            EventKind::Poll(_) => "poll",
            EventKind::PollEnd(_) => "poll_end",
            EventKind::Ban(_) => "ban",
            EventKind::Unban(_) => "unban",
            EventKind::StreamStart => "stream_start",
            EventKind::StreamEnd => "stream_end",
            EventKind::Host(_) => "host",
            EventKind::ChatCleared => "chat_cleared",
            EventKind::Connected(_) => "connected",
            EventKind::Disconnected(_) => "disconnected",
            EventKind::Reconnecting(_) => "reconnecting",
            EventKind::Other(_) => "other",
        }
    }

    /// True for the connection lifecycle kinds.
    pub fn is_lifecycle(&self) -> bool {
        matches!(
            self,
            EventKind::Connected(_) | EventKind::Disconnected(_) | EventKind::Reconnecting(_)
        )
    }
}

macro_rules! into_kind {
    ($($payload:ident => $variant:ident),* $(,)?) => {
        $(impl From<$payload> for EventKind {
            fn from(payload: $payload) -> Self {
                EventKind::$variant(payload)
            }
        })*
    };
}

into_kind!(
    Chat => Chat,
    Gift => Gift,
    Like => Like,
    Subscription => Subscription,
    GiftedSubscriptions => GiftedSubscriptions,
    ViewerCount => ViewerCount,
    MessageDeleted => MessageDeleted,
    Pin => Pin,
    Unpin => Unpin,
    Poll => Poll,
    PollEnd => PollEnd,
    Ban => Ban,
    Unban => Unban,
    Host => Host,
    Other => Other,
);
