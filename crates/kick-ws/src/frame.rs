//! What the decoder reads: raw frames with their source and arrival time.
//!
//! A live client hands every frame it feeds its decoder to the raw frame tap, in order, so a
//! recording of the tap replayed through a new [`crate::KickDecoder`] gives the same events.
//! Besides the wire frames (Pusher, Centrifugo) the client records what else decides the
//! output: the channels it watched and unwatched, viewer-count answers and its own lifecycle
//! notes. Those records are small JSON objects written by this crate (see [`WatchRecord`],
//! [`LifecycleRecord`]); the viewer answer is kick.com's body as received.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use live_model::Timestamp;
use serde::{Deserialize, Serialize};

use crate::event::TransportKind;

/// Where a frame came from.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameSource {
    /// A text frame from the Pusher socket.
    Pusher,
    /// A text frame from the Centrifugo socket (may hold several JSON objects, one a line).
    Centrifugo,
    /// A channel was watched: a [`WatchRecord`].
    Watch,
    /// A channel was unwatched: `{"room": "..."}`.
    Unwatch,
    /// kick.com's `current-viewers` answer: `[{"livestream_id": 1, "viewers": 2}]`.
    Viewers,
    /// The client's own connection notes: a [`LifecycleRecord`].
    Lifecycle,
}

impl FrameSource {
    /// The name used in recordings (`pusher`, `centrifugo`, `watch`, `unwatch`, `viewers`,
    /// `lifecycle`).
    pub fn as_str(self) -> &'static str {
        match self {
            FrameSource::Pusher => "pusher",
            FrameSource::Centrifugo => "centrifugo",
            FrameSource::Watch => "watch",
            FrameSource::Unwatch => "unwatch",
            FrameSource::Viewers => "viewers",
            FrameSource::Lifecycle => "lifecycle",
        }
    }

    /// True for frames that came over a socket from Kick.
    pub fn is_wire(self) -> bool {
        matches!(self, FrameSource::Pusher | FrameSource::Centrifugo)
    }
}

impl fmt::Display for FrameSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A frame source name that is not one of [`FrameSource`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown Kick frame source {0:?}")]
pub struct ParseFrameSourceError(String);

impl FromStr for FrameSource {
    type Err = ParseFrameSourceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "pusher" => FrameSource::Pusher,
            "centrifugo" => FrameSource::Centrifugo,
            "watch" => FrameSource::Watch,
            "unwatch" => FrameSource::Unwatch,
            "viewers" => FrameSource::Viewers,
            "lifecycle" => FrameSource::Lifecycle,
            other => return Err(ParseFrameSourceError(other.to_owned())),
        })
    }
}

/// One frame with its source and arrival time.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFrame {
    /// Where it came from.
    pub source: FrameSource,
    /// Its text.
    pub text: Arc<str>,
    /// When it arrived.
    pub received_at: Timestamp,
}

impl RawFrame {
    /// A frame.
    pub fn new(source: FrameSource, text: impl Into<Arc<str>>, received_at: Timestamp) -> Self {
        RawFrame {
            source,
            text: text.into(),
            received_at,
        }
    }
}

/// The record of a watched channel ([`FrameSource::Watch`]): the ids it is subscribed by and
/// what the lookup said about its stream.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchRecord {
    /// The room name stamped on the channel's events.
    pub room: String,
    /// The chatroom id.
    pub chatroom_id: u64,
    /// The channel id.
    pub channel_id: u64,
    /// The current livestream, when live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livestream_id: Option<u64>,
    /// Viewers at the time of the lookup, when live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viewers: Option<u64>,
}

impl WatchRecord {
    /// A record for a room's ids.
    pub fn new(room: impl Into<String>, chatroom_id: u64, channel_id: u64) -> Self {
        WatchRecord {
            room: room.into(),
            chatroom_id,
            channel_id,
            livestream_id: None,
            viewers: None,
        }
    }

    /// Sets the livestream and its viewers.
    #[must_use]
    pub fn with_livestream(mut self, livestream_id: u64, viewers: Option<u64>) -> Self {
        self.livestream_id = Some(livestream_id);
        self.viewers = viewers;
        self
    }
}

/// What a [`LifecycleRecord`] says.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleState {
    /// Subscriptions of the listed rooms were confirmed.
    Connected,
    /// The connection dropped and will be retried.
    Reconnecting,
    /// The rooms are no longer watched.
    Disconnected,
    /// Something failed without stopping the stream.
    Error,
}

/// The client's own connection note ([`FrameSource::Lifecycle`]).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleRecord {
    /// What happened.
    pub state: LifecycleState,
    /// The rooms concerned; empty means every watched room.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rooms: Vec<String>,
    /// The transport.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<TransportKind>,
    /// Why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Reconnecting: the attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    /// Reconnecting: the wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_in_ms: Option<u64>,
    /// A close or error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// Error: what it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::event::ErrorKind>,
}

impl LifecycleRecord {
    /// A note with only a state.
    pub fn new(state: LifecycleState) -> Self {
        LifecycleRecord {
            state,
            rooms: Vec::new(),
            transport: None,
            reason: None,
            attempt: None,
            retry_in_ms: None,
            code: None,
            error: None,
        }
    }

    /// Serialises the note (infallible for this type).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
