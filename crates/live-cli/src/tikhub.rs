//! `live tikhub ...`: TikHub calls with `LIVE_TIKHUB_URL` and `LIVE_TIKHUB_TOKEN` (Bearer) or
//! `LIVE_TIKHUB_BASIC` (`user:password`).

use live_sdk::tiktok as tiktok_webcast;

use std::process::ExitCode;

use tiktok_webcast::tikhub::TikhubClient;

use crate::Ctx;
use crate::error::{CliError, CliResult};
use crate::output::print_json;

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

/// The TikHub client of the environment (a token wins over Basic credentials).
pub fn client(ctx: &Ctx) -> Result<TikhubClient, CliError> {
    let mut builder = TikhubClient::builder().base_url(&ctx.env.tikhub_url);
    if let Some(token) = &ctx.env.tikhub_token {
        builder = builder.bearer(token.clone());
    } else if let Some(pair) = &ctx.env.tikhub_basic {
        builder = builder.basic(pair);
    } else {
        return Err(CliError::usage(
            "LIVE_TIKHUB_TOKEN or LIVE_TIKHUB_BASIC is not set",
        ));
    }
    Ok(builder.build()?)
}

/// Runs a `live tikhub` subcommand.
pub async fn run(command: Command, ctx: &Ctx) -> CliResult {
    match command {
        Command::LiveInfo { room_id, user_id } => {
            let info = client(ctx)?.live_info(&room_id, user_id.as_deref()).await?;
            let value = serde_json::to_value(&info)?;
            print_json(&value)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
