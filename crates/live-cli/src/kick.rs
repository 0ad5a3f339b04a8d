//! `live kick ...` and `live watch kick:SLUG`. Owned by the Kick issue.

use crate::Ctx;
use crate::error::{CliError, CliResult};
use crate::watch::{Opened, WatchOptions};

/// `live kick` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Look a channel up: ids, chatroom, live status, viewers.
    Channel {
        /// The channel's slug (as in kick.com/SLUG).
        slug: String,
    },
}

/// Runs a `live kick` subcommand.
pub async fn run(command: Command, _ctx: &Ctx) -> CliResult {
    match command {
        Command::Channel { .. } => Err(CliError::failed(
            "`live kick channel` is not available in this build yet",
        )),
    }
}

/// Opens `kick:SLUG` for `live watch`.
pub async fn watch(_room: &str, _ctx: &Ctx, _options: WatchOptions) -> Result<Opened, CliError> {
    Err(CliError::failed(
        "watching Kick is not available in this build yet",
    ))
}
