//! `live tikhub ...`. Owned by the TikTok issue.

use crate::Ctx;
use crate::error::{CliError, CliResult};

/// `live tikhub` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Live room information by room id.
    LiveInfo {
        /// The room id.
        #[arg(long)]
        room_id: String,
        /// The anchor's user id.
        #[arg(long)]
        user_id: Option<String>,
    },
}

/// Runs a `live tikhub` subcommand.
pub async fn run(_command: Command, _ctx: &Ctx) -> CliResult {
    Err(CliError::failed(
        "`live tikhub` is not available in this build yet",
    ))
}
