//! Tests of the testkit's own servers, driven by live-http's real client.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod demo;
mod http_server;
mod ws_server;
