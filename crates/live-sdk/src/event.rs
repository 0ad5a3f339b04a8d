//! What the merged stream yields.

use live_model::{LiveEvent, Target};

/// One event of a watched target: the unified [`LiveEvent`] when the platform event has one,
/// and the platform's own typed event.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct Event {
    /// The target the event belongs to.
    pub target: Target,
    /// The unified form (`None` for platform events with no unified kind, such as a TikTok
    /// gift streak still running).
    pub live: Option<LiveEvent>,
    /// The platform's own event.
    pub source: Source,
}

impl Event {
    /// An event made by hand (for tests of code that consumes the stream).
    pub fn new(target: Target, live: Option<LiveEvent>, source: Source) -> Self {
        Event {
            target,
            live,
            source,
        }
    }

    /// True when this is the last event of its target (a `disconnected` lifecycle event).
    pub fn ends_target(&self) -> bool {
        self.live
            .as_ref()
            .is_some_and(|e| matches!(e.kind, live_model::EventKind::Disconnected(_)))
    }
}

/// The platform event behind an [`Event`].
#[non_exhaustive]
#[derive(Debug, Clone)]
pub enum Source {
    /// A Kick event.
    #[cfg(feature = "kick")]
    Kick(Box<kick_ws::KickEvent>),
    /// A TikTok event.
    #[cfg(feature = "tiktok")]
    TikTok(Box<tiktok_webcast::TikTokEvent>),
    /// Made by the SDK itself: a target that could not be added ends with a `disconnected`
    /// event of this source.
    Sdk,
}
