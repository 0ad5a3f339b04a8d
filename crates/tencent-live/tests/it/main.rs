//! Integration tests of the tencent-live crate, in one binary (one link step).

mod fixtures;
