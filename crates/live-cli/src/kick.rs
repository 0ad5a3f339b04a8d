//! `live kick channel SLUG` and `live watch kick:SLUG`, on the kick-ws crate. Every URL comes
//! from `ctx.env` (`LIVE_KICK_API_URL`, `LIVE_KICK_PUSHER_URL`, `LIVE_KICK_WEB_URL`) and the
//! transport from `LIVE_KICK_TRANSPORT` (`auto`, `pusher`, `centrifugo`).

use live_sdk::kick as kick_ws;

use std::process::ExitCode;

use kick_ws::{KickApi, KickClient, KickClientBuilder, Transport};

use crate::Ctx;
use crate::error::{CliError, CliResult};
use crate::output::print_json;

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
pub async fn run(command: Command, ctx: &Ctx) -> CliResult {
    match command {
        Command::Channel { slug } => {
            let api = KickApi::new(&ctx.env.kick_api_url, &ctx.env.kick_web_url)?;
            let slug = slug.trim().trim_start_matches('@');
            let info = api.channel(slug).await?;
            print_json(&info.summary())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The Kick client settings of `live watch kick:SLUG`: URLs from `LIVE_KICK_API_URL`,
/// `LIVE_KICK_PUSHER_URL`, `LIVE_KICK_WEB_URL`, the transport from `LIVE_KICK_TRANSPORT`.
pub fn client_builder(ctx: &Ctx) -> Result<KickClientBuilder, CliError> {
    let transport: Transport = ctx
        .env
        .kick_transport
        .parse()
        .map_err(|e: kick_ws::Error| CliError::usage(format!("LIVE_KICK_TRANSPORT: {e}")))?;
    Ok(KickClient::builder()
        .api_url(&ctx.env.kick_api_url)
        .web_url(&ctx.env.kick_web_url)
        .pusher_url(&ctx.env.kick_pusher_url)
        .transport(transport))
}
