//! kick-ws integration tests: fixtures, the decoder, the client against the loopback Kick
//! emulator, and a real Pusher server (soketi).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod api;
mod centrifugo_client;
mod fixtures;
mod fuzz;
mod pusher_client;
mod redaction;
mod soketi;
mod support;
