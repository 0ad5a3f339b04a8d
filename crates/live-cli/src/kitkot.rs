//! `live kitkot ...`. Owned by the kitkot issue.

use crate::Ctx;
use crate::error::{CliError, CliResult};

/// `live kitkot` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Join a room as a viewer.
    Join {
        /// The room id.
        room: String,
        /// The anchor's id.
        #[arg(long)]
        anchor_id: Option<String>,
        /// The request id of the previous action.
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Leave a room.
    Leave {
        /// The room id.
        room: String,
    },
    /// Whether rooms exist (are live).
    Exists {
        /// Room ids.
        #[arg(required = true)]
        rooms: Vec<String>,
    },
    /// A room's chat history.
    Chat {
        /// The room id.
        room: String,
    },
    /// Send a chat message.
    Send {
        /// The room id.
        room: String,
        /// The message.
        text: String,
    },
    /// The session behind the session key.
    Session,
}

/// Runs a `live kitkot` subcommand.
pub async fn run(_command: Command, _ctx: &Ctx) -> CliResult {
    Err(CliError::failed(
        "`live kitkot` is not available in this build yet",
    ))
}
