//! `live tencent ...`: Tencent Cloud Chat live rooms, from the `LIVE_TENCENT_*` variables.
//!
//! REST output is JSON whatever `--json` says: `rooms` prints NDJSON, one room per line across
//! every page (as the service sends it, PascalCase fields); the others print one document.
//! `usersig` is the one command that prints a secret, on purpose.

use live_sdk::tencent as tencent_live;

use std::io;
use std::process::ExitCode;

use futures_util::StreamExt;
use live_http::Secret;
use serde_json::{Value, json};
use tencent_live::{
    CreateRoom, Region, RoomListOptions, TakeSeatMode, TencentClient, UserSigSigner,
};

use crate::Ctx;
use crate::config::Env;
use crate::error::{CliError, CliResult};
use crate::output::{print_json, print_json_line};

/// `live tencent` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Every live room, one JSON object per line, across all pages (most viewed first).
    Rooms {
        /// Rooms per page (1 to 20).
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=20))]
        count: u32,
        /// Stop after this many rooms (no page beyond them is fetched).
        #[arg(long)]
        limit: Option<u64>,
    },
    /// One room's information.
    Room {
        /// The room id.
        room_id: String,
    },
    /// Create a room (a `Live` room unless `--type` says otherwise).
    CreateRoom {
        /// The room id (at most 48 bytes).
        room_id: String,
        /// The room's name (default: the room id).
        #[arg(long)]
        name: Option<String>,
        /// The host's account (an imported account; default: the admin identifier).
        #[arg(long)]
        owner: Option<String>,
        /// The room type.
        #[arg(long = "type", default_value = "Live")]
        room_type: String,
        /// The cover image URL.
        #[arg(long)]
        cover_url: Option<String>,
        /// A category tag (repeat up to three times).
        #[arg(long = "category")]
        categories: Vec<i64>,
        /// The most members the room admits.
        #[arg(long)]
        max_members: Option<u32>,
        /// Enable seats, this many of them.
        #[arg(long)]
        seats: Option<u32>,
        /// How guests take seats: `free` or `apply`.
        #[arg(long, value_parser = ["free", "apply"])]
        take_seat_mode: Option<String>,
        /// Keep the room out of `rooms` listings.
        #[arg(long)]
        private: bool,
    },
    /// Destroy a room; prints its final statistics when the service sends them.
    DestroyRoom {
        /// The room id.
        room_id: String,
    },
    /// Print a UserSig for `LIVE_TENCENT_IDENTIFIER` (a secret: handle it like the key).
    Usersig {
        /// Validity in seconds.
        #[arg(long, default_value_t = 86_400)]
        expire: u64,
    },
}

/// Runs a `live tencent` subcommand.
pub async fn run(command: Command, ctx: &Ctx) -> CliResult {
    match command {
        Command::Rooms { count, limit } => rooms(ctx, count, limit).await,
        Command::Room { room_id } => {
            let info = client(ctx)?.room_info(&room_id).await?;
            print(&serde_json::to_value(info)?)
        }
        Command::CreateRoom {
            room_id,
            name,
            owner,
            room_type,
            cover_url,
            categories,
            max_members,
            seats,
            take_seat_mode,
            private,
        } => {
            if categories.len() > 3 {
                return Err(CliError::usage("at most three --category tags"));
            }
            let mut request = CreateRoom::new(room_id).room_type(room_type);
            if let Some(name) = name {
                request = request.name(name);
            }
            if let Some(owner) = owner {
                request = request.owner(owner);
            }
            if let Some(url) = cover_url {
                request = request.cover_url(url);
            }
            if !categories.is_empty() {
                request = request.category(categories);
            }
            if let Some(count) = max_members {
                request = request.max_members(count);
            }
            if let Some(count) = seats {
                request = request.seats_enabled(true).max_seats(count);
            }
            match take_seat_mode.as_deref() {
                Some("apply") => request = request.take_seat_mode(TakeSeatMode::ApplyToTake),
                Some(_) => request = request.take_seat_mode(TakeSeatMode::FreeToTake),
                None => {}
            }
            if private {
                request = request.public(false);
            }
            let created = client(ctx)?.create_room(request).await?;
            print(&json!({
                "RoomId": created.room_id,
                "AlreadyExisted": created.already_existed,
                "RequestId": created.request_id,
            }))
        }
        Command::DestroyRoom { room_id } => {
            let statistic = client(ctx)?.destroy_room(&room_id).await?;
            print(&json!({ "RoomId": room_id, "Statistic": statistic }))
        }
        Command::Usersig { expire } => usersig(ctx, expire),
    }
}

async fn rooms(ctx: &Ctx, count: u32, limit: Option<u64>) -> CliResult {
    let client = client(ctx)?;
    let mut options = RoomListOptions::new().count(count);
    if let Some(limit) = limit {
        options = options.limit(limit);
    }
    let mut rooms = std::pin::pin!(client.rooms(options));
    while let Some(room) = rooms.next().await {
        let line = serde_json::to_value(room?)?;
        if let Err(error) = print_json_line(&line) {
            return stdout_closed(error);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn usersig(ctx: &Ctx, expire: u64) -> CliResult {
    let (sdkappid, key) = credentials(&ctx.env)?;
    let identifier = &ctx.env.tencent_identifier;
    let sig = UserSigSigner::new(sdkappid, key)
        .sign(identifier, expire)
        .map_err(|e| CliError::usage(format!("LIVE_TENCENT_IDENTIFIER: {e}")))?;
    let printed = if ctx.json {
        print_json(&json!({
            "identifier": identifier,
            "sdkappid": sdkappid,
            "time": sig.time(),
            "expire": sig.expire(),
            "expires_at": sig.expires_at(),
            "usersig": sig.expose(),
        }))
    } else {
        use io::Write;
        let mut out = io::stdout().lock();
        writeln!(out, "{}", sig.expose()).and_then(|()| out.flush())
    };
    printed.map(|()| ExitCode::SUCCESS).or_else(stdout_closed)
}

/// The SDKAppID and key, or a usage error naming the variable that is missing or wrong.
fn credentials(env: &Env) -> Result<(u64, Secret), CliError> {
    let text = Env::require(&env.tencent_sdkappid, "LIVE_TENCENT_SDKAPPID")?;
    let sdkappid = text
        .trim()
        .parse::<u64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            CliError::usage(format!(
                "LIVE_TENCENT_SDKAPPID is not an SDKAppID: {text:?}"
            ))
        })?;
    let key = Env::require(&env.tencent_key, "LIVE_TENCENT_KEY")?.clone();
    Ok((sdkappid, key))
}

fn client(ctx: &Ctx) -> Result<TencentClient, CliError> {
    let env = &ctx.env;
    let (sdkappid, key) = credentials(env)?;
    let region = match &env.tencent_url {
        Some(url) => Region::Custom(url.clone()),
        None => env
            .tencent_region
            .parse::<Region>()
            .map_err(|e| CliError::usage(format!("LIVE_TENCENT_REGION: {e}")))?,
    };
    TencentClient::builder(sdkappid, key)
        .identifier(env.tencent_identifier.clone())
        .region(region)
        .build()
        .map_err(|error| {
            let variable = match &error {
                tencent_live::Error::InvalidIdentifier(_) => "LIVE_TENCENT_IDENTIFIER",
                _ if env.tencent_url.is_some() => "LIVE_TENCENT_URL",
                _ => "LIVE_TENCENT_REGION",
            };
            CliError::usage(format!("{variable}: {error}"))
        })
}

fn print(value: &Value) -> CliResult {
    print_json(value)
        .map(|()| ExitCode::SUCCESS)
        .or_else(stdout_closed)
}

/// A reader that stopped reading (`live tencent rooms | head`) is not a failure.
fn stdout_closed(error: io::Error) -> CliResult {
    if error.kind() == io::ErrorKind::BrokenPipe {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(error.into())
    }
}
