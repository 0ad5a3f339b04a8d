//! Integration tests of the tencent-live crate, in one binary (one link step). Every client
//! test runs the real client against live-testkit's Tencent emulator on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod client;
mod commands;
mod emulator;
mod fixtures;
mod redaction;
mod rooms;
mod usersig;

use std::time::Duration;

use live_http::RetryPolicy;
use live_testkit::tencent::{TencentConfig, TencentEmulator};
use tencent_live::TencentClient;

/// The emulated app.
pub const SDKAPPID: u64 = 1_400_123_456;
/// Its key: long and distinctive, so a leak is easy to spot.
pub const KEY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// An emulator for the test app.
pub async fn emulator() -> TencentEmulator {
    TencentEmulator::start(TencentConfig::new(SDKAPPID, KEY))
        .await
        .unwrap()
}

/// A client builder for `emulator`, with quick (but real) retries.
pub fn builder(emulator: &TencentEmulator) -> tencent_live::TencentClientBuilder {
    TencentClient::builder(SDKAPPID, KEY)
        .base_url(emulator.url())
        .retry_policy(
            RetryPolicy::default()
                .max_retries(3)
                .backoff(Duration::from_millis(200), Duration::from_secs(2)),
        )
}

/// An emulator and a client for it.
pub async fn setup() -> (TencentEmulator, TencentClient) {
    let emulator = emulator().await;
    let client = builder(&emulator).build().unwrap();
    (emulator, client)
}
