//! Integration tests of live-model: the NDJSON line of every kind.
#![allow(clippy::unwrap_used)]

mod events;
