//! TikTok LIVE webcast: receive a live room's chat, gifts, likes, joins, follows, shares,
//! viewer counts and stream end in real time, and call the REST services around it (Euler
//! Stream, TikHub).
//!
//! - [`Decoder`]: the sans-I/O core. Raw WebSocket frames in, [`TikTokEvent`]s out, with
//!   de-duplication by message id, gift streaks (one final gift per streak), a monotonic like
//!   total and viewer changes. The live client and `live replay` feed it the same frames.
//! - [`TikTokClient`]: resolves a unique id to a room, bootstraps through a [`Signer`] (Euler
//!   Stream by default, or the direct ttwid flow), keeps the WebSocket alive (enter room,
//!   heartbeats, acks), detects a silent server and reconnects with the last cursor.
//! - [`codec`]: frame encoding and decoding (gzip, fetch results, heartbeat/enter/ack frames).
//! - [`euler`] and [`tikhub`]: REST clients.
//!
//! Every event converts to the unified [`live_model::LiveEvent`] with
//! [`TikTokEvent::to_live_event`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), tiktok_webcast::Error> {
//! use live_http::Secret;
//! use tiktok_webcast::{TikTokClient, TikTokEvent};
//!
//! let mut stream = TikTokClient::builder("@alice_01")
//!     .euler_api_key(Secret::new("my Euler key"))
//!     .connect()
//!     .await?;
//! while let Some(event) = stream.next_event().await {
//!     match &event {
//!         TikTokEvent::Chat(chat) => println!("{}", chat.message().content),
//!         TikTokEvent::Gift(gift) if gift.is_final() => {
//!             println!("{} x{} ({} coins)", gift.message.message().gift_name(), gift.count, gift.value())
//!         }
//!         _ => {}
//!     }
//!     if let Some(line) = event.to_live_event() {
//!         println!("{}", line.to_json_line());
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! Replaying a recording (what `live replay` does) is the same decoder without sockets, fed
//! what the connection's tap saw ([`TapRecord`]) through a [`Replayer`].
#![forbid(unsafe_code)]

#[rustfmt::skip]
#[allow(dead_code, unreachable_pub)]
mod generated;

mod client;
pub mod codec;
mod decoder;
mod error;
pub mod euler;
mod event;
pub mod messages;
mod replay;
mod rest;
pub mod room;
pub mod signer;
pub mod tikhub;

/// The generated protobuf structs (crate-private: prost types stay out of the public API).
pub(crate) use generated::proto::webcast as proto;

pub use client::{
    CloseHandle, DEFAULT_WEB_URL, DEFAULT_WEBCAST_URL, FrameTap, ReconnectPolicy, SignerChoice,
    TapRecord, TikTokClient, TikTokClientBuilder, TikTokStream,
};
pub use decoder::{Decoder, DecoderOptions, FetchInfo, FrameOutcome};
pub use error::{Error, Service};
pub use event::{
    DeleteEvent, GiftEvent, GiftStreak, Lifecycle, LikeEvent, Message, PollEvent, SocialEvent,
    SocialKind, TikTokEvent, UnknownMessage, ViewerCountEvent,
};
/// TikHub's live-info model, generated from `fixtures/tikhub/live_info.json`.
pub use generated::tikhub_live_info as tikhub_model;
pub use replay::Replayer;
pub use signer::{Bootstrap, BootstrapRequest, Signer};
