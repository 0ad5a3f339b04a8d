//! `live kitkot ...`: kitkot's viewer API (join, leave, room existence, chat, send, session).
//!
//! Settings: `LIVE_KITKOT_URL` (default `https://kitkot.xyz/api`), `LIVE_KITKOT_API_KEY`
//! (always required) and `LIVE_KITKOT_SESSION_KEY` (required by every command but `exists`).
//! Every command prints JSON; `chat` prints NDJSON, one message per line, across pages.

use live_sdk::kitkot;

use std::io;
use std::process::ExitCode;

use futures_util::StreamExt;
use kitkot::{JoinRequest, KitkotClient, SendMessage};

use crate::Ctx;
use crate::config::Env;
use crate::error::{CliError, CliResult};
use crate::output::{print_json, print_json_line};

/// `live kitkot` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Join a room as a viewer and print the room.
    ///
    /// The command exits without leaving: the viewer stays in the room until
    /// `live kitkot leave ROOM` (kitkot asks that every join be followed by a leave).
    Join {
        /// The room id.
        room: String,
        /// The anchor's id (from a live feed; makes the viewer look more human).
        #[arg(long)]
        anchor_id: Option<String>,
        /// The request id of the previous action's response (kitkot suggests it).
        #[arg(long)]
        request_id: Option<String>,
    },
    /// Leave a room joined earlier.
    Leave {
        /// The room id.
        room: String,
    },
    /// Whether rooms exist (are live); needs no session key.
    Exists {
        /// Room ids.
        #[arg(required = true)]
        rooms: Vec<String>,
    },
    /// A room's chat: one JSON message per line, following the pages while kitkot has more
    /// (waiting the interval it asks for between pages; Ctrl-C stops).
    Chat {
        /// The room id.
        room: String,
        /// Stop after N messages (fetching no more pages than they need).
        #[arg(long, value_name = "N")]
        limit: Option<u64>,
    },
    /// Send a chat message and print the room kitkot answers with.
    Send {
        /// The room id.
        room: String,
        /// The message.
        text: String,
    },
    /// The TikTok account behind the session key (credentials printed as "***").
    Session,
}

/// Runs a `live kitkot` subcommand.
pub async fn run(command: Command, ctx: &Ctx) -> CliResult {
    let needs_session = !matches!(command, Command::Exists { .. });
    let client = client(ctx, needs_session)?;
    match command {
        Command::Join {
            room,
            anchor_id,
            request_id,
        } => {
            let mut request = JoinRequest::new(room);
            if let Some(anchor_id) = anchor_id {
                request = request.anchor_id(anchor_id);
            }
            if let Some(request_id) = request_id {
                request = request.request_id(request_id);
            }
            // Staying joined is what the user asked for: detach, so no warning is logged.
            let room = client.join(request).await?.detach();
            print(&serde_json::to_value(&room)?)
        }
        Command::Leave { room } => print(&serde_json::to_value(client.leave(&room).await?)?),
        Command::Exists { rooms } => {
            print(&serde_json::to_value(client.room_exists(&rooms).await?)?)
        }
        Command::Chat { room, limit } => chat(&client, &room, limit).await,
        Command::Send { room, text } => {
            let room = client.send_message(SendMessage::new(room, text)).await?;
            print(&serde_json::to_value(&room)?)
        }
        Command::Session => print(&serde_json::to_value(client.session().await?)?),
    }
}

fn client(ctx: &Ctx, needs_session: bool) -> Result<KitkotClient, CliError> {
    let env = &ctx.env;
    let api_key = Env::require(&env.kitkot_api_key, "LIVE_KITKOT_API_KEY")?;
    let mut builder = KitkotClient::builder()
        .base_url(&env.kitkot_url)
        .api_key(api_key.clone());
    match &env.kitkot_session_key {
        Some(key) => builder = builder.session_key(key.clone()),
        None if needs_session => {
            Env::require(&env.kitkot_session_key, "LIVE_KITKOT_SESSION_KEY")?;
        }
        None => {}
    }
    builder
        .build()
        .map_err(|e| CliError::usage(format!("LIVE_KITKOT_URL {:?}: {e}", env.kitkot_url)))
}

async fn chat(client: &KitkotClient, room: &str, limit: Option<u64>) -> CliResult {
    let mut messages = client.chat(room);
    let mut printed = 0u64;
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        if limit.is_some_and(|limit| printed >= limit) {
            return Ok(ExitCode::SUCCESS);
        }
        let message = tokio::select! {
            _ = &mut ctrl_c => return Ok(ExitCode::SUCCESS),
            message = messages.next() => message,
        };
        let Some(message) = message else {
            return Ok(ExitCode::SUCCESS);
        };
        match print_json_line(message?.raw()) {
            Ok(()) => printed += 1,
            // The reader went away (`| head`): that is the end, not a failure.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
            Err(e) => return Err(e.into()),
        }
    }
}

fn print(value: &serde_json::Value) -> CliResult {
    match print_json(value) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}
