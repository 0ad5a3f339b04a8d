//! Integration tests of the kitkot crate, in one binary (one link step). Every test runs the
//! real client against the live-testkit kitkot emulator on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod chat;
mod endpoints;
mod errors;
mod fixtures;
mod fuzz;
mod joined;
mod redaction;

use std::time::Duration;

use kitkot::{KitkotClient, KitkotClientBuilder};
use live_http::RetryPolicy;
use live_testkit::kitkot::{API_KEY, KitkotEmulator, SESSION_KEY};

/// A client of `emulator` with its credentials and quick retries.
pub fn client(emulator: &KitkotEmulator) -> KitkotClientBuilder {
    KitkotClient::builder()
        .base_url(emulator.url())
        .api_key(API_KEY)
        .session_key(SESSION_KEY)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(2)
                .backoff(Duration::from_millis(100), Duration::from_secs(1)),
        )
}
