//! Platform events into [`Event`]s: one path for live clients and replays alike.

#[allow(unused_imports)]
use live_model::{Platform, Target};

#[allow(unused_imports)]
use crate::event::{Event, Source};

/// A Kick event as an [`Event`]; `None` for the few events of no room (they are logged).
#[cfg(feature = "kick")]
pub(crate) fn kick(event: kick_ws::KickEvent) -> Option<Event> {
    let Some(room) = event.room() else {
        tracing::warn!(?event, "a Kick event of no room");
        return None;
    };
    let target = Target::new(Platform::Kick, room);
    let live = event.to_live_event();
    Some(Event::new(target, live, Source::Kick(Box::new(event))))
}

/// A TikTok event of `target` as an [`Event`].
#[cfg(feature = "tiktok")]
pub(crate) fn tiktok(target: &Target, event: tiktok_webcast::TikTokEvent) -> Event {
    let live = event.to_live_event();
    Event::new(target.clone(), live, Source::TikTok(Box::new(event)))
}
