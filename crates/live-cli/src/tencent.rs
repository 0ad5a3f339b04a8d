//! `live tencent ...`. Owned by the Tencent issue.

use crate::Ctx;
use crate::error::{CliError, CliResult};

/// `live tencent` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Every live room, one JSON object per line, across all pages.
    Rooms {
        /// Rooms per page (1 to 20).
        #[arg(long, default_value_t = 20)]
        count: u32,
        /// Stop after this many rooms.
        #[arg(long)]
        limit: Option<u64>,
    },
    /// One room's information.
    Room {
        /// The room id.
        room_id: String,
    },
    /// Create a room.
    CreateRoom {
        /// The room id.
        room_id: String,
    },
    /// Destroy a room.
    DestroyRoom {
        /// The room id.
        room_id: String,
    },
    /// Print a UserSig for the identifier.
    Usersig,
}

/// Runs a `live tencent` subcommand.
pub async fn run(_command: Command, _ctx: &Ctx) -> CliResult {
    Err(CliError::failed(
        "`live tencent` is not available in this build yet",
    ))
}
