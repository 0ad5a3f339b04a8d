//! TikTok LIVE webcast: protobuf codec, WebSocket client, Euler Stream and TikHub REST clients.

#[rustfmt::skip]
pub mod generated;
