//! `live kick channel SLUG` and `live watch kick:SLUG`, on the kick-ws crate. Every URL comes
//! from `ctx.env` (`LIVE_KICK_API_URL`, `LIVE_KICK_PUSHER_URL`, `LIVE_KICK_WEB_URL`) and the
//! transport from `LIVE_KICK_TRANSPORT` (`auto`, `pusher`, `centrifugo`).

use std::process::ExitCode;

use futures_util::StreamExt;
use kick_ws::{ChannelRef, KickApi, KickClient, Transport};

use crate::Ctx;
use crate::error::{CliError, CliResult};
use crate::output::print_json;
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

/// Opens `kick:SLUG` for `live watch`: one client, the channel looked up and watched, its
/// events converted to unified lines (raw payloads kept with `--all`).
pub async fn watch(room: &str, ctx: &Ctx, options: WatchOptions) -> Result<Opened, CliError> {
    let transport: Transport = ctx
        .env
        .kick_transport
        .parse()
        .map_err(|e: kick_ws::Error| CliError::usage(format!("LIVE_KICK_TRANSPORT: {e}")))?;
    let client = KickClient::builder()
        .api_url(&ctx.env.kick_api_url)
        .web_url(&ctx.env.kick_web_url)
        .pusher_url(&ctx.env.kick_pusher_url)
        .transport(transport)
        .include_raw(options.all)
        .build()?;
    client.watch(ChannelRef::slug(room)).await?;
    let handle = client.handle();
    let events = client
        .filter_map(|event| async move { event.to_live_event() })
        .boxed();
    Ok(Opened {
        events,
        close: Box::new(move || {
            Box::pin(async move {
                if let Err(error) = handle.close().await {
                    tracing::warn!(error = %error, "the Kick connection ended with an error");
                }
            })
        }),
    })
}
