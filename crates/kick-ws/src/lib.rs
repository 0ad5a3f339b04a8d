//! Kick real-time events: every chat, moderation, subscription, gift, host, poll and stream
//! event of any number of Kick channels, over one socket, with reconnects and viewer counts.
//!
//! - [`KickClient`]: the live client. Watch channels by slug or by ids
//!   ([`ChannelRef`]), read a bounded, cancel-safe stream of [`KickEvent`]s, close it
//!   explicitly. It speaks Pusher protocol 7 (Kick's long-standing transport) and Centrifugo
//!   (Kick's web client since autumn 2026), chosen by negotiation by default ([`Transport`]).
//! - [`KickDecoder`]: the sans-I/O core. Frames in ([`RawFrame`]: Pusher, Centrifugo, and
//!   the client's own records), typed events out, with copies on channel aliases and twin
//!   event names removed and gifted-subscription chunks merged. The live client and
//!   `live replay` feed it the same frames.
//! - [`KickEvent::to_live_event`]: the unified [`live_model::LiveEvent`] of each event.
//! - [`KickApi`]: the channel lookup (with a typed [`Error::Blocked`] when Cloudflare says no),
//!   viewer counts and transport negotiation.
//! - [`pusher`] and [`centrifugo`]: the two wire protocols, sans I/O.
//!
//! ```no_run
//! # async fn demo() -> kick_ws::Result<()> {
//! use kick_ws::{ChannelRef, KickClient, KickEvent};
//!
//! let mut client = KickClient::builder().build()?;
//! client.watch(ChannelRef::slug("xqc")).await?;
//! // Ids skip the lookup (and Cloudflare): chatroom id, channel id.
//! client.watch(ChannelRef::ids(668, 676).room("other")).await?;
//! while let Some(event) = client.next_event().await {
//!     match &event {
//!         KickEvent::ChatMessage(chat) => {
//!             println!("[{}] {}: {}", chat.room, chat.data.sender.username, chat.data.content)
//!         }
//!         KickEvent::KicksGifted(gift) => println!("{} Kicks", gift.data.gift.amount),
//!         _ => {}
//!     }
//! }
//! client.close().await
//! # }
//! ```
#![forbid(unsafe_code)]

mod api;
pub mod centrifugo;
mod channel;
mod client;
mod decoder;
mod dedup;
mod error;
mod event;
mod frame;
mod lenient;
mod names;
pub mod payload;
pub mod pusher;
mod replay;

pub use api::{KickApi, Offer};
pub use channel::{ChannelInfo, ChannelRef, ChannelUser, ChatroomInfo, LivestreamInfo};
pub use client::{
    DEFAULT_API_URL, DEFAULT_PUSHER_URL, DEFAULT_WEB_URL, FrameTap, KickClient, KickClientBuilder,
    KickHandle, ReconnectPolicy, Transport,
};
pub use decoder::{Decoded, DecoderOptions, DecoderStats, KickDecoder, Signal};
pub use error::{Error, Result};
pub use event::{
    ChatMode, ChatModeChanged, Envelope, ErrorEvent, ErrorKind, GoalUpdate, KickEvent, Lagged,
    Lifecycle, PinnedMessageDeleted, PollDeleted, TransportKind, UnknownEvent, ViewerCountEvent,
};
pub use frame::{
    FrameSource, LifecycleRecord, LifecycleState, ParseFrameSourceError, RawFrame, WatchRecord,
};
pub use names::{Alias, EVENT_PREFIX, EventName};
pub use replay::Replayer;
