//! kitkot emulator: the six documented endpoints of `https://kitkot.xyz/api` on a loopback
//! [`HttpServer`], with credential checks, joined state, chat history pages and faults.
//!
//! What it answers, all `GET` with the credentials in the query, HTTP status mirroring the
//! envelope's `code` (as kitkot's documentation shows for its 400 and 404 bodies):
//!
//! | path | answer |
//! | --- | --- |
//! | `/api/live/join` | the room payload (`fixtures/kitkot/join.json` adapted to the room), viewer counted |
//! | `/api/live/leave` | `{data: {}, code: 200, msg: "success"}`, viewer removed |
//! | `/api/live/room_exists` | `{code, msg, rooms: [{alive, room_id (number), room_id_str}]}`; `session_key` optional |
//! | `/api/live/chat` | pages of `page_size` messages: `messages, cursor, fetchInterval, now, internalExt, hasMore` |
//! | `/api/live/chat/send_message` | appends the message to the room's chat, answers the room payload |
//! | `/api/session` | the session's account, echoing `session_key` and a `cloud_token` |
//!
//! Errors:
//! - missing or unknown `api_key` / `session_key`: HTTP 401 `{code: 401, msg: "Invalid api_key"}`
//!   (or `"Missing api_key"`, `"Invalid session_key"`, `"Missing session_key"`). kitkot does
//!   not document its answer to bad credentials; this is the emulator's choice.
//! - unknown room: HTTP 404 `{code: 404, msg: "That room does not exist"}` (documented).
//! - a missing parameter: HTTP 400 `{code: 400, msg: "Missing <name>"}`; a `cursor` without the
//!   `internalExt` that goes with it: HTTP 400 `{code: 400, msg: "Invalid cursor"}`.
//! - injected [`Fault`]s, one per request, in the order queued per [`Endpoint`].
//!
//! Chat: a request without `cursor` starts at the oldest message of the room's history; the
//! page's `cursor` (`t-<ms>_r-<offset>_d-1_u-1_h-1`, TikTok's form) and `internalExt` lead to
//! the next page. `hasMore` is true while older history remains ([`ChatMode::History`]) or
//! while the room is live ([`ChatMode::Live`], where an empty page means "nothing new yet").
//! Messages have the shape of TikTok's decoded `WebcastChatMessage` (camelCase, ids as
//! strings). Time is tokio's, so paused-time tests see exact `now` values.

mod payloads;
mod state;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;

use crate::http::{HttpServer, RecordedRequest, Reply};

pub use payloads::{ChatLine, EmulatedRoom, EmulatedSession};
use state::State;

/// The API key the emulator accepts from the start.
pub const API_KEY: &str = "kk_live_3f9a1c7e5b2d4a60";
/// The session key the emulator accepts from the start.
pub const SESSION_KEY: &str = "kks_8c41e2f09ab7d35c6e1f";
/// The room the emulator has from the start (the room of `fixtures/kitkot/join.json`).
pub const DEMO_ROOM_ID: &str = "7532218465099557662";

/// The endpoints, to aim faults at.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `live/join`
    Join,
    /// `live/leave`
    Leave,
    /// `live/room_exists`
    RoomExists,
    /// `live/chat`
    Chat,
    /// `live/chat/send_message`
    SendMessage,
    /// `session`
    Session,
}

impl Endpoint {
    /// Every endpoint.
    pub const ALL: [Endpoint; 6] = [
        Endpoint::Join,
        Endpoint::Leave,
        Endpoint::RoomExists,
        Endpoint::Chat,
        Endpoint::SendMessage,
        Endpoint::Session,
    ];

    /// The path under the emulator's URL (`/live/join`).
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Join => "/live/join",
            Endpoint::Leave => "/live/leave",
            Endpoint::RoomExists => "/live/room_exists",
            Endpoint::Chat => "/live/chat",
            Endpoint::SendMessage => "/live/chat/send_message",
            Endpoint::Session => "/session",
        }
    }
}

/// A failure to play instead of the normal answer.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// This HTTP status with a kitkot envelope of the same code (`{code: 500, msg:
    /// "Internal Server Error"}`).
    Status(u16),
    /// HTTP 200 carrying this envelope (a failure only the body tells).
    BodyCode {
        /// The envelope's code.
        code: i64,
        /// The envelope's message.
        msg: String,
    },
    /// HTTP 400 `{code: 400, msg: "Too many attempts, try again later"}` (documented).
    TooManyAttempts,
    /// HTTP 429 with `Retry-After` and `{code: 429, msg: "Too many requests"}`.
    RateLimited {
        /// The `Retry-After` value, in seconds.
        retry_after_secs: u64,
    },
    /// An HTML page with this status (a proxy or firewall answering instead of kitkot).
    Html(u16),
    /// The connection closes without an answer.
    Drop,
    /// The normal answer, this much later.
    Delay(Duration),
}

/// The kitkot emulator. It stops when dropped.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use live_testkit::kitkot::{ChatLine, KitkotEmulator, DEMO_ROOM_ID};
/// let kitkot = KitkotEmulator::start().await?;
/// kitkot.push_chat(DEMO_ROOM_ID, ChatLine::new("martak_88", "Marta K", "hello!"));
/// // point the client at kitkot.url() with kitkot::API_KEY and kitkot::SESSION_KEY...
/// # Ok(()) }
/// ```
pub struct KitkotEmulator {
    server: HttpServer,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for KitkotEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KitkotEmulator")
            .field("url", &self.url())
            .finish_non_exhaustive()
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// How `hasMore` is decided on chat pages.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChatMode {
    /// `hasMore` while older messages remain (history paging ends).
    #[default]
    History,
    /// `hasMore` while the room is live (polling for new messages never ends by itself).
    Live,
}

impl KitkotEmulator {
    /// Starts an emulator on a free loopback port with [`API_KEY`], [`SESSION_KEY`] and the
    /// room [`DEMO_ROOM_ID`] (no chat yet).
    pub async fn start() -> std::io::Result<KitkotEmulator> {
        let server = HttpServer::start().await?;
        let state = Arc::new(Mutex::new(State::new()));
        for endpoint in Endpoint::ALL {
            let state = Arc::clone(&state);
            server.handle(
                "GET",
                &format!("/api{}", endpoint.path()),
                move |request: &RecordedRequest| lock(&state).answer(endpoint, request),
            );
        }
        let emulator = KitkotEmulator { server, state };
        emulator.add_api_key(API_KEY);
        emulator.add_session(EmulatedSession::new(SESSION_KEY));
        emulator.add_room(EmulatedRoom::demo());
        Ok(emulator)
    }

    /// The API root to give the client: `http://127.0.0.1:PORT/api`.
    pub fn url(&self) -> String {
        format!("{}/api", self.server.url())
    }

    /// The underlying server (recorded requests, connection count).
    pub fn server(&self) -> &HttpServer {
        &self.server
    }

    /// The requests received on one endpoint, in order.
    pub fn requests_to(&self, endpoint: Endpoint) -> Vec<RecordedRequest> {
        self.server.requests_to(&format!("/api{}", endpoint.path()))
    }

    /// Accepts another API key.
    pub fn add_api_key(&self, key: &str) {
        lock(&self.state).api_keys.insert(key.to_owned());
    }

    /// Stops accepting an API key (an expired plan).
    pub fn revoke_api_key(&self, key: &str) {
        lock(&self.state).api_keys.remove(key);
    }

    /// Accepts a session.
    pub fn add_session(&self, session: EmulatedSession) {
        let mut state = lock(&self.state);
        state.sessions.insert(session.key().to_owned(), session);
    }

    /// Stops accepting a session key (logged out).
    pub fn revoke_session(&self, key: &str) {
        lock(&self.state).sessions.remove(key);
    }

    /// Adds (or replaces) a room.
    pub fn add_room(&self, room: EmulatedRoom) {
        lock(&self.state).add_room(room);
    }

    /// Marks a room live or ended (what `room_exists` reports as `alive`).
    pub fn set_alive(&self, room_id: &str, alive: bool) {
        if let Some(room) = lock(&self.state).rooms.get_mut(room_id) {
            room.alive = alive;
        }
    }

    /// Removes a room: every call about it gets the 404 body.
    pub fn remove_room(&self, room_id: &str) {
        lock(&self.state).rooms.remove(room_id);
    }

    /// Appends a message to a room's chat and returns its id (`None` for an unknown room).
    pub fn push_chat(&self, room_id: &str, line: ChatLine) -> Option<String> {
        lock(&self.state).push_chat(room_id, line)
    }

    /// Appends a message of any shape to a room's chat.
    pub fn push_raw_chat(&self, room_id: &str, message: Value) -> bool {
        match lock(&self.state).rooms.get_mut(room_id) {
            Some(room) => {
                room.chat.push(message);
                true
            }
            None => false,
        }
    }

    /// Messages per chat page (default 3).
    pub fn set_page_size(&self, messages: usize) {
        lock(&self.state).page_size = messages.max(1);
    }

    /// The `fetchInterval` of chat pages in milliseconds (default 1000), or `None` to leave
    /// the field out.
    pub fn set_fetch_interval(&self, ms: Option<u64>) {
        lock(&self.state).fetch_interval_ms = ms;
    }

    /// How `hasMore` is decided (default [`ChatMode::History`]).
    pub fn set_chat_mode(&self, mode: ChatMode) {
        lock(&self.state).chat_mode = mode;
    }

    /// Plays `fault` on the next request to `endpoint` (faults queue up in order).
    pub fn inject(&self, endpoint: Endpoint, fault: Fault) {
        lock(&self.state)
            .faults
            .entry(endpoint)
            .or_default()
            .push_back(fault);
    }

    /// Whether `session_key` is in `room_id` (joined and not left).
    pub fn is_joined(&self, room_id: &str, session_key: &str) -> bool {
        lock(&self.state)
            .rooms
            .get(room_id)
            .is_some_and(|r| r.joined.contains(session_key))
    }

    /// How many sessions are in a room now.
    pub fn joined_count(&self, room_id: &str) -> usize {
        lock(&self.state)
            .rooms
            .get(room_id)
            .map_or(0, |r| r.joined.len())
    }

    /// A room's chat history, oldest first.
    pub fn chat(&self, room_id: &str) -> Vec<Value> {
        lock(&self.state)
            .rooms
            .get(room_id)
            .map(|r| r.chat.clone())
            .unwrap_or_default()
    }
}

/// A kitkot envelope `{code, msg}` with the HTTP status mirroring the code.
pub fn error_reply(code: u16, msg: &str) -> Reply {
    Reply::json(code, &serde_json::json!({"code": code, "msg": msg}))
}
