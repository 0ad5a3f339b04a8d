//! End-to-end tests of the `live` binary: each module runs the real executable against the
//! live-testkit emulators on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tencent;
mod tiktok;
