//! The demo world behind `live demo`: the Kick and TikTok emulators on loopback, each playing
//! a lively, scripted stream to whoever watches it, so the SDK can be seen at work with no
//! network and no credentials.
//!
//! - **Kick** (`kick:demo`): chat from a cast of ten viewers in eight languages (English,
//!   Spanish, Portuguese, Japanese, Korean, Chinese, Arabic, Hindi) and emoji, Kick emotes,
//!   a reply, a pinned message and its unpinning, a subscription (and the twin Kick sends on
//!   the channel feed), five gifted subscriptions, two Kicks gifts (with their
//!   leaderboard updates), a spam message deleted, its sender timed out and later unbanned,
//!   a poll with its votes and its end, a raid (both host events Kick sends), viewer counts
//!   that change between the client's polls, and the stream's end.
//! - **TikTok** (`tiktok:demo_live`): a bootstrap with a little history, then joins, chats,
//!   follows, shares, likes in batches (with one total from a shard that is behind), a Rose
//!   streak and a Perfume streak, a Galaxy (not streakable), a subscription, viewer counts,
//!   a poll with updates and its end, a spam message retracted, and the stream's end
//!   (Control action 3).
//!
//! Every frame is what the real platform sends (the emulators speak the protocols; the demo
//! only scripts them). A show lasts [`DemoWorld::show_length`] (about 24 s at speed 1), with
//! an event every 150–600 ms, and starts when a client subscribes to the Kick channel or
//! enters the TikTok room. Everything in it (ids, texts, stamps) follows from the show's
//! start time alone: with [`DemoOptions::clock`] two runs are identical.
//!
//! A real-world difference to know: Kick keeps the socket open after `StopStreamBroadcast`
//! (chat works while offline), so a Kick client keeps running after the show's
//! `stream_end`; a watcher that should stop closes the room itself then. TikTok's client
//! disconnects by itself after the Control message.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use live_testkit::demo::{DemoOptions, DemoWorld};
//!
//! let world = DemoWorld::start_with(DemoOptions::new().speed(2.0)).await?;
//! for (name, value) in world.env() {
//!     println!("{name}={value}");
//! }
//! println!("live watch {}", world.targets().join(" "));
//! # Ok(())
//! # }
//! ```

mod cast;
mod clock;
mod kick;
mod tiktok;

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

pub use kick::SLUG as KICK_SLUG;
pub use tiktok::{EULER_KEY, UNIQUE_ID as TIKTOK_UNIQUE_ID};

use crate::kick::KickEmulator;
use crate::tiktok::TikTokEmulator;

/// The slowest speed a show plays at.
const MIN_SPEED: f64 = 0.05;

/// The fastest speed a show plays at.
const MAX_SPEED: f64 = 100.0;

/// How a [`DemoWorld`] plays its shows.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOptions {
    /// How fast the shows play: 2.0 plays them in half the time (default 1.0; kept within
    /// 0.05–100).
    pub speed: f64,
    /// Play the show again and again without ending the streams (default: once, then the
    /// streams end).
    pub looping: bool,
    /// The wall-clock time of each show's start, in ms since the Unix epoch, for stamps
    /// that do not depend on when the show runs (default: the clock at the show's start).
    pub clock_ms: Option<i64>,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            speed: 1.0,
            looping: false,
            clock_ms: None,
        }
    }
}

impl DemoOptions {
    /// The defaults: speed 1, one show, stamps from the wall clock.
    pub fn new() -> Self {
        DemoOptions::default()
    }

    /// Plays the shows `speed` times as fast (0.05–100; anything else, NaN included, is
    /// brought into that range, NaN to 1).
    #[must_use]
    pub fn speed(mut self, speed: f64) -> Self {
        self.speed = speed;
        self.speed = self.speed_factor();
        self
    }

    /// Plays the show in a loop (fresh message ids every round, no stream end).
    #[must_use]
    pub fn looping(mut self, looping: bool) -> Self {
        self.looping = looping;
        self
    }

    /// Stamps every show as if it started at `unix_ms` (deterministic runs: tests,
    /// recordings).
    #[must_use]
    pub fn clock(mut self, unix_ms: i64) -> Self {
        self.clock_ms = Some(unix_ms);
        self
    }

    /// The real time of a moment `nominal_ms` into a show.
    fn real(&self, nominal_ms: i64) -> Duration {
        clock::ms((nominal_ms as f64 / self.speed_factor()) as i64)
    }

    /// The speed actually used: the field brought into range (it is public, so it may
    /// have been set to anything).
    fn speed_factor(&self) -> f64 {
        if self.speed.is_nan() {
            1.0
        } else {
            self.speed.clamp(MIN_SPEED, MAX_SPEED)
        }
    }
}

/// Cues at times in a show's nominal milliseconds, kept in time order.
#[derive(Debug)]
struct Timeline<C> {
    now: i64,
    cues: Vec<(i64, C)>,
}

impl<C> Default for Timeline<C> {
    fn default() -> Self {
        Timeline {
            now: 0,
            cues: Vec::new(),
        }
    }
}

impl<C> Timeline<C> {
    /// Moves the pen `gap_ms` on.
    fn after(&mut self, gap_ms: i64) {
        self.now += gap_ms;
    }

    /// Where the pen is.
    fn now(&self) -> i64 {
        self.now
    }

    /// A cue at the pen.
    fn cue(&mut self, cue: C) {
        self.cues.push((self.now, cue));
    }

    /// A cue at `at`, after the cues already there at that time.
    fn cue_at(&mut self, at: i64, cue: C) {
        let index = self.cues.partition_point(|(t, _)| *t <= at);
        self.cues.insert(index, (at, cue));
    }

    fn into_cues(self) -> Vec<(i64, C)> {
        self.cues
    }
}

/// The Kick and TikTok emulators with the demo's shows, on free loopback ports; everything
/// stops when it is dropped.
///
/// Point a client at [`DemoWorld::env`] (the `LIVE_*` variables of the `live` tool) and
/// watch [`DemoWorld::targets`]. Each TikTok connection gets its own show from the moment
/// it enters the room; the Kick show starts when a client subscribes to the channel while
/// no show runs (clients that join during a show see the rest of it).
pub struct DemoWorld {
    kick: Arc<KickEmulator>,
    tiktok: TikTokEmulator,
    player: JoinHandle<()>,
    options: DemoOptions,
}

impl std::fmt::Debug for DemoWorld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoWorld")
            .field("kick", &self.kick.api_url())
            .field("tiktok", &self.tiktok)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl DemoWorld {
    /// Starts the world with the default options (speed 1, one show, wall-clock stamps).
    /// Call inside a tokio runtime.
    pub async fn start() -> std::io::Result<DemoWorld> {
        DemoWorld::start_with(DemoOptions::default()).await
    }

    /// Starts the world with these options.
    pub async fn start_with(options: DemoOptions) -> std::io::Result<DemoWorld> {
        let speed = options.speed_factor();
        let options = DemoOptions { speed, ..options };
        let kick = Arc::new(KickEmulator::start().await?);
        let channel = kick::channel();
        kick.add_channel(channel.clone());
        let tiktok = TikTokEmulator::start(tiktok::config(&options)).await?;
        let player = tokio::spawn(kick::player(Arc::clone(&kick), channel, options.clone()));
        Ok(DemoWorld {
            kick,
            tiktok,
            player,
            options,
        })
    }

    /// Everything a client needs to reach this world, as the `live` tool's variables:
    /// `LIVE_KICK_API_URL`, `LIVE_KICK_WEB_URL`, `LIVE_KICK_PUSHER_URL`,
    /// `LIVE_KICK_TRANSPORT` (`pusher`; `auto` and `centrifugo` work too),
    /// `LIVE_TIKTOK_WEB_URL`, `LIVE_TIKTOK_WEBCAST_URL`, `LIVE_EULER_URL`,
    /// `LIVE_EULER_API_KEY` (the demo's own key, [`EULER_KEY`]) and `LIVE_TIKHUB_URL`.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("LIVE_KICK_API_URL", self.kick.api_url()),
            ("LIVE_KICK_WEB_URL", self.kick.web_url()),
            ("LIVE_KICK_PUSHER_URL", self.kick.pusher_url()),
            ("LIVE_KICK_TRANSPORT", "pusher".to_owned()),
            ("LIVE_TIKTOK_WEB_URL", self.tiktok.web.url()),
            ("LIVE_TIKTOK_WEBCAST_URL", self.tiktok.web.url()),
            ("LIVE_EULER_URL", self.tiktok.euler.url()),
            ("LIVE_EULER_API_KEY", EULER_KEY.to_owned()),
            ("LIVE_TIKHUB_URL", self.tiktok.tikhub.url()),
        ]
    }

    /// The rooms to watch: `["kick:demo", "tiktok:demo_live"]`.
    pub fn targets(&self) -> Vec<String> {
        vec![
            format!("kick:{KICK_SLUG}"),
            format!("tiktok:{TIKTOK_UNIQUE_ID}"),
        ]
    }

    /// The viewer-count poll interval a Kick client of this world should use (3 s at speed
    /// 1): the counts change between polls, so they show up within seconds.
    pub fn kick_viewer_poll(&self) -> Duration {
        kick::VIEWER_POLL.div_f64(self.options.speed)
    }

    /// How long one show lasts in real time, from the client's subscription (Kick) or entry
    /// (TikTok) to the stream's end (the longer of the two; about 24 s at speed 1).
    pub fn show_length(&self) -> Duration {
        let kick = kick::round(&kick::channel(), 0, 0, 1.0, true).1;
        let tiktok = tiktok::round_length();
        self.options.real(kick.max(tiktok))
    }

    /// The options the world runs with.
    pub fn options(&self) -> &DemoOptions {
        &self.options
    }

    /// The Kick emulator (requests it received, connections, subscriptions).
    pub fn kick(&self) -> &KickEmulator {
        &self.kick
    }

    /// The TikTok emulator (frames the clients sent, Euler's fetches).
    pub fn tiktok(&self) -> &TikTokEmulator {
        &self.tiktok
    }
}

impl Drop for DemoWorld {
    fn drop(&mut self) {
        // The player holds the Kick emulator; aborting it lets the servers stop.
        self.player.abort();
    }
}
