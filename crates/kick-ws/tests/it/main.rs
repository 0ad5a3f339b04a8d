//! kick-ws integration tests: fixtures, the decoder, the client against the loopback Kick
//! emulator, and a real Pusher server (soketi).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fixtures;
mod pusher_client;
mod support;
