//! One module per family of commands, each an `impl TencentClient` block with its typed
//! request builders.

pub mod members;
pub mod messages;
pub mod metadata;
pub mod robots;
pub mod rooms;
pub mod seats;
