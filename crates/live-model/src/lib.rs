//! Shared types of live-sdk. This crate does no I/O.
//!
//! The centre is [`LiveEvent`]: one event of any platform in the unified shape that the `live`
//! command line prints as NDJSON (one object per line). Platform crates convert their typed
//! events into it; users match on [`EventKind`].
//!
//! ```
//! use live_model::{EventKind, LiveEvent, Platform, Timestamp, User, event::Chat};
//!
//! let event = LiveEvent::new(
//!     Platform::Kick,
//!     "xqc",
//!     Timestamp::from_unix_millis(1_730_038_312_000),
//!     EventKind::Chat(Chat::new("hello")),
//! )
//! .with_id("0f3c9d1e")
//! .with_user(User::new("346148", "alice").with_display_name("Alice"));
//!
//! assert_eq!(
//!     event.to_json_line(),
//!     r#"{"platform":"kick","room":"xqc","kind":"chat","text":"hello","time":"2024-10-27T14:11:52Z","id":"0f3c9d1e","user":{"id":"346148","name":"alice","display_name":"Alice"}}"#
//! );
//! ```
#![forbid(unsafe_code)]

pub mod event;
pub mod lenient;
mod platform;
mod target;
mod timestamp;
mod user;

pub use event::{EventKind, LiveEvent, RawPayload};
pub use platform::{ParsePlatformError, Platform};
pub use target::{ParseTargetError, Target};
pub use timestamp::{ParseTimestampError, Timestamp};
pub use user::User;
