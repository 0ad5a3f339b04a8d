//! Integration tests of the kitkot crate, in one binary (one link step).

mod fixtures;
