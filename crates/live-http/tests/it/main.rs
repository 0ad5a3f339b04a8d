//! Integration tests of live-http against the loopback server of live-testkit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod errors;
mod pacing;
mod pool;
mod redaction;
mod retries;
mod ws;

use std::time::Duration;

use live_http::{HttpClient, RetryPolicy};
use live_testkit::HttpServer;

/// A client for `server` with fast, jitter-free-enough retries.
pub fn client(server: &HttpServer) -> live_http::HttpClientBuilder {
    HttpClient::builder(&server.url()).retry_policy(
        RetryPolicy::default()
            .max_retries(3)
            .backoff(Duration::from_millis(100), Duration::from_secs(2)),
    )
}
