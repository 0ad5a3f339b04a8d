//! Integration tests of live-sdk: the merged client and record/replay against the Kick and
//! TikTok emulators.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod load_harness;
mod merge;
mod recording;
mod world;
