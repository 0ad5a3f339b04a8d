//! `live tiktok ...` and `live watch tiktok:UNIQUE_ID`. Owned by the TikTok issue.

use crate::Ctx;
use crate::error::{CliError, CliResult};
use crate::watch::{Opened, WatchOptions};

/// Where `room-info` asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Provider {
    /// Euler Stream.
    Euler,
    /// TikHub.
    Tikhub,
}

/// `live tiktok` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The room id of a user's live (and whether they are live).
    RoomId {
        /// The user's unique id (a leading `@` is accepted).
        unique_id: String,
    },
    /// Room information.
    RoomInfo {
        /// The user's unique id.
        unique_id: String,
        /// Which service to ask.
        #[arg(long, value_enum, default_value = "euler")]
        provider: Provider,
    },
    /// The Euler Stream API key's rate limits.
    RateLimits,
    /// Send a chat message to a room (Euler Stream).
    SendChat {
        /// Room id.
        room: String,
        /// The message.
        text: String,
    },
}

/// Runs a `live tiktok` subcommand.
pub async fn run(_command: Command, _ctx: &Ctx) -> CliResult {
    Err(CliError::failed(
        "`live tiktok` is not available in this build yet",
    ))
}

/// Opens `tiktok:UNIQUE_ID` for `live watch`.
pub async fn watch(_room: &str, _ctx: &Ctx, _options: WatchOptions) -> Result<Opened, CliError> {
    Err(CliError::failed(
        "watching TikTok is not available in this build yet",
    ))
}
