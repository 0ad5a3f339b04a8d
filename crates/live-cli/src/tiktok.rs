//! `live tiktok ...` and `live watch tiktok:UNIQUE_ID`, on the tiktok-webcast crate. Every URL
//! and key comes from `ctx.env` (`LIVE_TIKTOK_WEB_URL`, `LIVE_TIKTOK_WEBCAST_URL`,
//! `LIVE_EULER_URL`, `LIVE_EULER_API_KEY`, `LIVE_TIKHUB_*`).

use live_sdk::tiktok as tiktok_webcast;

use std::process::ExitCode;

use serde_json::json;
use tiktok_webcast::euler::{ChatRequest, EulerClient};
use tiktok_webcast::room::{DEFAULT_USER_AGENT, RoomLookup, RoomSource};
use tiktok_webcast::{Error, TikTokClient};

use crate::Ctx;
use crate::error::{CliError, CliResult};
use crate::output::print_json;

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

/// The Euler client of the environment.
pub fn euler(ctx: &Ctx) -> Result<EulerClient, CliError> {
    let mut builder = EulerClient::builder().base_url(&ctx.env.euler_url);
    if let Some(key) = &ctx.env.euler_api_key {
        builder = builder.api_key(key.clone());
    }
    Ok(builder.build()?)
}

fn lookup(ctx: &Ctx) -> Result<RoomLookup, CliError> {
    Ok(RoomLookup::new(
        &ctx.env.tiktok_web_url,
        &ctx.env.tiktok_webcast_url,
        DEFAULT_USER_AGENT,
        Some(euler(ctx)?),
    )?)
}

fn source_name(source: RoomSource) -> &'static str {
    match source {
        RoomSource::WebApi => "web_api",
        RoomSource::LivePage => "live_page",
        RoomSource::Euler => "euler",
        _ => "given",
    }
}

fn to_json(value: impl Into<ToJson>) -> Result<serde_json::Value, CliError> {
    value.into().0.map_err(CliError::from)
}

/// Any of the crate's response types as JSON (serde is not a direct dependency here).
struct ToJson(Result<serde_json::Value, serde_json::Error>);

macro_rules! to_json {
    ($($ty:ty),*) => {$(
        impl From<&$ty> for ToJson {
            fn from(value: &$ty) -> Self {
                ToJson(serde_json::to_value(value))
            }
        }
    )*};
}

to_json!(
    tiktok_webcast::euler::RoomInfoResponse,
    tiktok_webcast::euler::RateLimits,
    tiktok_webcast::euler::JsonResponse,
    tiktok_webcast::tikhub::Envelope
);

/// Runs a `live tiktok` subcommand.
pub async fn run(command: Command, ctx: &Ctx) -> CliResult {
    match command {
        Command::RoomId { unique_id } => {
            let unique_id = tiktok_webcast::room::normalize_unique_id(&unique_id)?;
            match lookup(ctx)?.resolve(&unique_id).await {
                Ok(room) => print_json(&json!({
                    "unique_id": room.unique_id,
                    "room_id": room.room_id,
                    "is_live": true,
                    "source": source_name(room.source),
                }))?,
                Err(Error::UserOffline { unique_id }) => print_json(&json!({
                    "unique_id": unique_id,
                    "room_id": null,
                    "is_live": false,
                }))?,
                Err(other) => return Err(other.into()),
            }
        }
        Command::RoomInfo {
            unique_id,
            provider: Provider::Euler,
        } => {
            let unique_id = tiktok_webcast::room::normalize_unique_id(&unique_id)?;
            let info = euler(ctx)?.room_info(&unique_id).await?;
            print_json(&to_json(&info)?)?;
        }
        Command::RoomInfo {
            unique_id,
            provider: Provider::Tikhub,
        } => {
            let room = lookup(ctx)?.resolve(&unique_id).await?;
            let client = crate::tikhub::client(ctx)?;
            let info = client
                .live_info(&room.room_id, room.anchor_id.as_deref())
                .await?;
            print_json(&to_json(&info)?)?;
        }
        Command::RateLimits => {
            let limits = euler(ctx)?.rate_limits().await?;
            print_json(&to_json(&limits)?)?;
        }
        Command::SendChat { room, text } => {
            let answer = euler(ctx)?.send_chat(&ChatRequest::new(room, text)).await?;
            print_json(&to_json(&answer)?)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Makes the TikTok client of each `live watch tiktok:UNIQUE_ID` target: URLs from
/// `LIVE_TIKTOK_WEB_URL`, `LIVE_TIKTOK_WEBCAST_URL`, `LIVE_EULER_URL`, the key from
/// `LIVE_EULER_API_KEY`.
pub fn client_factory(
    ctx: &Ctx,
) -> impl Fn(&str) -> tiktok_webcast::TikTokClientBuilder + Send + Sync + 'static {
    let env = ctx.env.clone();
    move |room: &str| {
        let mut builder = TikTokClient::builder(room)
            .web_url(&env.tiktok_web_url)
            .webcast_url(&env.tiktok_webcast_url)
            .euler_url(&env.euler_url);
        if let Some(key) = &env.euler_api_key {
            builder = builder.euler_api_key(key.clone());
        }
        builder
    }
}
