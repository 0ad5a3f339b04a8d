//! kitkot viewer API client: join and leave TikTok LIVE rooms as a viewer, check which rooms
//! are live, read and follow a room's chat, send chat messages, and read the session behind a
//! session key.
//!
//! kitkot (`https://kitkot.xyz/api`) documents six endpoints, all `GET` with the credentials in
//! the query string. [`KitkotClient`] covers each of them:
//!
//! | endpoint | method |
//! | --- | --- |
//! | `live/join` | [`KitkotClient::join`] → [`JoinedRoom`] (leave with [`JoinedRoom::leave`]) |
//! | `live/leave` | [`KitkotClient::leave`] |
//! | `live/room_exists` | [`KitkotClient::room_exists`] |
//! | `live/chat` | [`KitkotClient::chat`] ([`ChatStream`]), [`KitkotClient::chat_page`] |
//! | `live/chat/send_message` | [`KitkotClient::send_message`] |
//! | `session` | [`KitkotClient::session`] |
//!
//! # Credentials
//!
//! `api_key` and `session_key` are [`live_http::Secret`]s from the builder on; they travel as
//! query values that every log line, error and printed URL shows as `***`, and if kitkot ever
//! echoed one in an error message it is blanked there too. [`Session`] holds the session key
//! and TikTok's cloud token as secrets and serialises them as `"***"`.
//!
//! # Errors and retries
//!
//! Every answer is a `{code, msg}` envelope, `code` 200 meaning success. A call succeeds only
//! when the HTTP status is 2xx and the body's code (when there is one) is 200; anything else is
//! an [`Error`]: [`Error::RoomNotFound`] (404 "That room does not exist"),
//! [`Error::TooManyAttempts`] (400 "Too many attempts"), [`Error::Unauthorized`] (401/403 and
//! the documented login failures), [`Error::RateLimited`] (429) or [`Error::Api`] with the code
//! and message, each keeping the [`live_http::Error`] with the status, redacted URL and body.
//!
//! kitkot documents no rate limits, so the client paces nothing unless told
//! ([`KitkotClientBuilder::rate_limit`]). It retries (capped exponential backoff with jitter,
//! [`live_http::RetryPolicy`]) connection failures, timeouts, 408 and 5xx (the HTTP status, or
//! the body code when there is one), and 429 after `Retry-After`. It never retries "Too many
//! attempts" (retrying is what causes it) nor other 4xx codes. Sending a chat message retries
//! only connection failures and rate limits, so that a message is never posted twice.
//!
//! # Models
//!
//! The room payload ([`Room`]) is generated from `fixtures/kitkot/*.json` by
//! `cargo xtask codegen`; ids are read as numbers or strings. The other responses are written
//! by hand ([`models`], [`chat`]). Every model keeps unknown fields in `extra`, and a `null`
//! where a value was expected reads as the default instead of failing the call.
#![forbid(unsafe_code)]

pub mod chat;
mod classify;
mod client;
mod decode;
mod error;
#[rustfmt::skip]
pub mod generated;
mod joined;
pub mod models;
pub mod room;

pub use chat::{ChatCursor, ChatMessage, ChatOptions, ChatPage, ChatStream, ChatUser};
pub use classify::KitkotClassifier;
pub use client::{DEFAULT_BASE_URL, JoinRequest, KitkotClient, KitkotClientBuilder, SendMessage};
pub use error::Error;
pub use joined::JoinedRoom;
pub use models::{LeaveResponse, RoomExists, RoomStatus, Session};
pub use room::{Room, RoomCounts, RoomSummary, StreamVariant};
