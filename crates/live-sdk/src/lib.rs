//! One API for live-streaming platforms: watch Kick and TikTok LIVE rooms and read their
//! events in one typed model, and call the REST services around them (Euler Stream, TikHub,
//! kitkot, Tencent Cloud Chat live rooms).
//!
//! This crate is wiring only: [`LiveClient`] merges the platform clients into one stream,
//! [`record`] and [`Replay`] write and replay what they received, and each platform crate is
//! re-exported behind its cargo feature (all on by default):
//!
//! | feature | module | what |
//! |---|---|---|
//! | `kick` | [`kick`] | Kick real-time events (Pusher and Centrifugo) |
//! | `tiktok` | [`tiktok`] | TikTok LIVE real-time events, Euler Stream REST |
//! | `tikhub` | [`tiktok::tikhub`] | TikHub REST |
//! | `tencent` | [`tencent`] | Tencent Cloud Chat live rooms, UserSig |
//! | `kitkot` | [`kitkot`] | kitkot viewer API |
//!
//! # Watching rooms
//!
//! ```no_run
//! use live_sdk::{EventKind, LiveClient, Target};
//!
//! # async fn demo() -> Result<(), live_sdk::Error> {
//! let mut client = LiveClient::builder().build()?;
//! for target in ["kick:xqc", "tiktok:@alice"] {
//!     client.add(target.parse::<Target>().expect("a valid target")).await?;
//! }
//! while let Some(event) = client.next_event().await {
//!     let Some(live) = &event.live else { continue };
//!     match &live.kind {
//!         EventKind::Chat(chat) => println!("[{}] {}", event.target, chat.text),
//!         EventKind::Gift(gift) => println!("[{}] {} ×{}", event.target, gift.name, gift.count),
//!         _ => {}
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! Every event is also available in its platform's own typed form ([`Event::source`]), and
//! the unified one serialises to exactly the NDJSON line of `live watch --json`:
//!
//! ```
//! use live_sdk::model::event::Chat;
//! use live_sdk::{LiveEvent, Platform, Timestamp};
//!
//! let line = LiveEvent::new(Platform::Kick, "xqc", Timestamp::from_unix_seconds(0), Chat::new("hi"))
//!     .to_json_line();
//! assert_eq!(line, r#"{"platform":"kick","room":"xqc","kind":"chat","text":"hi","time":"1970-01-01T00:00:00Z"}"#);
//! ```
#![forbid(unsafe_code)]

mod client;
mod convert;
mod error;
mod event;
pub mod record;
mod replay;

pub use client::{LiveClient, LiveClientBuilder, LiveHandle};
pub use error::Error;
pub use event::{Event, Source};
pub use replay::Replay;

/// The shared types: unified events, users, platforms, targets, timestamps.
pub use live_model as model;
pub use live_model::{EventKind, LiveEvent, Platform, Target, Timestamp, User};

/// The HTTP layer's secret type (API keys and tokens) and its connection pool (to share among
/// clients made by hand).
pub use live_http::{ConnectionPool, Secret};

/// Kick real-time events.
#[cfg(feature = "kick")]
pub use kick_ws as kick;

/// TikTok LIVE real-time events, Euler Stream and TikHub.
#[cfg(any(feature = "tiktok", feature = "tikhub"))]
pub use tiktok_webcast as tiktok;

/// Tencent Cloud Chat live rooms.
#[cfg(feature = "tencent")]
pub use tencent_live as tencent;

/// The kitkot viewer API.
#[cfg(feature = "kitkot")]
pub use kitkot;

/// The README's examples, compiled as doctests so they stay true.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
