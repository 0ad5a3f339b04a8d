//! Integration tests of the tiktok-webcast crate, in one binary (one link step).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod codec;
mod connection;
mod euler_fixtures;
mod fixtures;
mod frames;
mod fuzz;
mod redaction;
mod rest;
mod semantics;

use bytes::Bytes;
use live_model::{LiveEvent, Timestamp};
use live_testkit::tiktok::{Batch, FakeMessage, FakeUser, Room};
use tiktok_webcast::{Decoder, DecoderOptions, TikTokEvent};

/// 2023-11-14T22:13:20Z: when the emulated messages were created.
pub const T0: i64 = 1_700_000_000_000;
/// The emulated room.
pub const ROOM_ID: i64 = 7_300_000_000_000_000_001;

/// Messages of the emulated room.
pub fn room() -> Room {
    Room::new(ROOM_ID, T0)
}

/// The streamer's friend (and the room's name).
pub fn alice() -> FakeUser {
    FakeUser::new(6_796_815_426_174_960_646, "alice_01", "Alice 🌸")
}

/// A gifter.
pub fn bob() -> FakeUser {
    FakeUser::new(7_012_345_678_901_234_567, "bob.builds", "Bob")
}

/// A decoder for `alice_01` with the defaults.
pub fn decoder() -> Decoder {
    Decoder::new("alice_01", DecoderOptions::default())
}

/// Decodes one batch as a gzip'd `msg` frame received at `at_ms`.
pub fn push(decoder: &mut Decoder, messages: Vec<FakeMessage>, at_ms: i64) -> Vec<TikTokEvent> {
    let frame = Batch::new("cursor", messages).frame();
    let mut out = Vec::new();
    decoder
        .push_frame(
            Bytes::from(frame),
            Timestamp::from_unix_millis(at_ms),
            &mut out,
        )
        .unwrap();
    out
}

/// The unified lines of `events`.
pub fn lines(events: &[TikTokEvent]) -> Vec<LiveEvent> {
    events
        .iter()
        .filter_map(TikTokEvent::to_live_event)
        .collect()
}

/// The `kind` strings of the unified events.
pub fn kinds(events: &[TikTokEvent]) -> Vec<&'static str> {
    lines(events).iter().map(|e| e.kind.as_str()).collect()
}
