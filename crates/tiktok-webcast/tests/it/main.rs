//! Integration tests of the tiktok-webcast crate, in one binary (one link step).

mod fixtures;
