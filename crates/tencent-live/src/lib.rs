//! Tencent Cloud Chat live rooms: UserSig and every live-room REST command.
//!
//! - [`usersig`]: UserSig v2 (TLSSigAPIv2), made and verified with an injectable [`Clock`],
//!   each verification failure its own [`Error`] variant.
//! - [`TencentClient`]: the REST client on live-http. Every call carries the common query
//!   parameters (`sdkappid`, `identifier`, `usersig`, a fresh `random` per attempt,
//!   `contenttype=json`) and a JSON body (never empty). The admin UserSig is made once, reused,
//!   renewed before it expires, and renewed once more (with one retry) when the service says
//!   70001 or 70052. Retries follow the service's codes (network errors, 5xx, 100001, 60008,
//!   70114, 70169, 70202, 70500; 60007/60011/60018/60019 with backoff; never 100002, 100003,
//!   100004, 100011, 100026). Each command is paced at its documented rate (get_room_list 10/s,
//!   robots 100/s, the rest 200/s), requests spaced, never in bursts.
//! - Commands: rooms ([`TencentClient::rooms`] streams every room across pages), metadata,
//!   bans and mutes, text messages, robots, seats; reply models generated from
//!   `fixtures/tencent` ([`model`]), lenient where the service is.
//!
//! ```no_run
//! # async fn demo() -> Result<(), tencent_live::Error> {
//! use futures_util::TryStreamExt;
//! use tencent_live::{CreateRoom, Region, RoomListOptions, TencentClient};
//!
//! let client = TencentClient::builder(1400000000, "app key").region(Region::Singapore).build()?;
//! client.create_room(CreateRoom::new("live_1").name("Friday karaoke").owner("mia")).await?;
//! let mut rooms = std::pin::pin!(client.rooms(RoomListOptions::new()));
//! while let Some(room) = rooms.try_next().await? {
//!     println!("{} {} viewers", room.room_id, room.view_count);
//! }
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod classify;
mod client;
mod clock;
pub mod commands;
mod error;
pub mod model;
mod region;
pub mod usersig;

#[rustfmt::skip]
pub mod generated;

pub use classify::{is_rate_limit_code, is_retryable_code, is_usersig_refresh_code};
pub use client::{
    DEFAULT_ADMIN_USERSIG_EXPIRE, TencentClient, TencentClientBuilder, documented_rate, pacing_for,
};
pub use clock::{Clock, ManualClock, SystemClock};
pub use commands::members::BanMembers;
pub use commands::messages::SendTextMessage;
pub use commands::rooms::{CreateRoom, RoomCreated, RoomListOptions, UpdateRoom};
pub use commands::seats::{LockSeat, MovePolicy};
pub use error::{Error, ServiceError};
pub use live_http::Secret;
pub use model::TakeSeatMode;
pub use region::Region;
pub use usersig::{UserSig, UserSigInfo, UserSigSigner};
