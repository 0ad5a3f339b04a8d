//! The emulator's state and its answer to each request.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use serde_json::{Value, json};
use tokio::time::Instant;

use super::payloads::{ChatLine, EmulatedRoom, EmulatedSession};
use super::{ChatMode, Endpoint, Fault, error_reply};
use crate::http::{RecordedRequest, Reply};

/// The Unix time (ms) the emulator's clock starts at; it then follows tokio's clock, so
/// paused-time tests see exact values.
const EPOCH_MS: u64 = 1_753_958_220_000;
/// The first chat message id; each message gets the next one.
const FIRST_MSG_ID: u64 = 7_532_230_118_237_047_574;

pub(crate) struct RoomState {
    pub(crate) payload: Value,
    pub(crate) alive: bool,
    pub(crate) joined: BTreeSet<String>,
    pub(crate) chat: Vec<Value>,
}

pub(crate) struct State {
    pub(crate) api_keys: HashSet<String>,
    pub(crate) sessions: HashMap<String, EmulatedSession>,
    pub(crate) rooms: BTreeMap<String, RoomState>,
    pub(crate) faults: HashMap<Endpoint, VecDeque<Fault>>,
    pub(crate) page_size: usize,
    pub(crate) fetch_interval_ms: Option<u64>,
    pub(crate) chat_mode: ChatMode,
    next_msg_id: u64,
    started: Instant,
}

/// A reply or the failure that replaces it.
type Answer = Result<Reply, Reply>;

impl State {
    pub(crate) fn new() -> State {
        State {
            api_keys: HashSet::new(),
            sessions: HashMap::new(),
            rooms: BTreeMap::new(),
            faults: HashMap::new(),
            page_size: 3,
            fetch_interval_ms: Some(1000),
            chat_mode: ChatMode::History,
            next_msg_id: FIRST_MSG_ID,
            started: Instant::now(),
        }
    }

    fn now_ms(&self) -> u64 {
        EPOCH_MS + u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX / 2)
    }

    pub(crate) fn add_room(&mut self, room: EmulatedRoom) {
        let chat = self
            .rooms
            .remove(&room.room_id)
            .map(|old| old.chat)
            .unwrap_or_default();
        self.rooms.insert(
            room.room_id,
            RoomState {
                payload: room.payload,
                alive: room.alive,
                joined: BTreeSet::new(),
                chat,
            },
        );
    }

    pub(crate) fn push_chat(&mut self, room_id: &str, line: ChatLine) -> Option<String> {
        let msg_id = self.next_msg_id;
        let now = self.now_ms();
        let room = self.rooms.get_mut(room_id)?;
        room.chat.push(line.to_json(msg_id, room_id, now));
        self.next_msg_id += 1;
        Some(msg_id.to_string())
    }

    /// The answer to one request.
    pub(crate) fn answer(&mut self, endpoint: Endpoint, request: &RecordedRequest) -> Reply {
        if let Some(fault) = self.faults.get_mut(&endpoint).and_then(VecDeque::pop_front) {
            match fault {
                Fault::Delay(delay) => return self.serve(endpoint, request).delay(delay),
                other => return fault_reply(other),
            }
        }
        self.serve(endpoint, request)
    }

    fn serve(&mut self, endpoint: Endpoint, request: &RecordedRequest) -> Reply {
        let answer = self
            .check_credentials(endpoint, request)
            .and_then(|session| match endpoint {
                Endpoint::Join => self.join(request, session),
                Endpoint::Leave => self.leave(request, session),
                Endpoint::RoomExists => self.room_exists(request),
                Endpoint::Chat => self.chat_page(request),
                Endpoint::SendMessage => self.send_message(request, session),
                Endpoint::Session => self.session(session),
            });
        answer.unwrap_or_else(|failure| failure)
    }

    /// Checks `api_key` and, where needed, `session_key`; returns the session key.
    fn check_credentials(
        &self,
        endpoint: Endpoint,
        request: &RecordedRequest,
    ) -> Result<Option<String>, Reply> {
        match request.query_param("api_key").filter(|k| !k.is_empty()) {
            None => return Err(error_reply(401, "Missing api_key")),
            Some(key) if !self.api_keys.contains(&key) => {
                return Err(error_reply(401, "Invalid api_key"));
            }
            Some(_) => {}
        }
        let session = request.query_param("session_key").filter(|k| !k.is_empty());
        match session {
            None if endpoint == Endpoint::RoomExists => Ok(None),
            None => Err(error_reply(401, "Missing session_key")),
            Some(key) if !self.sessions.contains_key(&key) => {
                Err(error_reply(401, "Invalid session_key"))
            }
            Some(key) => Ok(Some(key)),
        }
    }

    fn room_id(request: &RecordedRequest) -> Result<String, Reply> {
        request
            .query_param("room_id")
            .filter(|r| !r.trim().is_empty())
            .ok_or_else(|| error_reply(400, "Missing room_id"))
    }

    fn room_mut(&mut self, room_id: &str) -> Result<&mut RoomState, Reply> {
        self.rooms
            .get_mut(room_id)
            .ok_or_else(|| error_reply(404, "That room does not exist"))
    }

    /// The room payload with the viewers joined through the emulator counted.
    fn room_payload(room: &RoomState) -> Value {
        let mut payload = room.payload.clone();
        if let Some(object) = payload.as_object_mut() {
            let base = object.get("viewers").and_then(Value::as_u64).unwrap_or(0);
            object.insert("viewers".into(), json!(base + room.joined.len() as u64));
            object.insert("code".into(), json!(200));
            object.insert("msg".into(), json!("success"));
        }
        payload
    }

    fn join(&mut self, request: &RecordedRequest, session: Option<String>) -> Answer {
        let room_id = Self::room_id(request)?;
        let room = self.room_mut(&room_id)?;
        room.joined.extend(session);
        Ok(Reply::json(200, &Self::room_payload(room)))
    }

    fn leave(&mut self, request: &RecordedRequest, session: Option<String>) -> Answer {
        let room_id = Self::room_id(request)?;
        let room = self.room_mut(&room_id)?;
        if let Some(session) = session {
            room.joined.remove(&session);
        }
        Ok(Reply::json(
            200,
            &json!({"data": {}, "code": 200, "msg": "success"}),
        ))
    }

    fn room_exists(&self, request: &RecordedRequest) -> Answer {
        let ids = request
            .query_param("room_ids")
            .filter(|r| !r.trim().is_empty())
            .ok_or_else(|| error_reply(400, "Missing room_ids"))?;
        let rooms: Vec<Value> = ids
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(|id| {
                let alive = self.rooms.get(id).is_some_and(|r| r.alive);
                json!({
                    "alive": alive,
                    "room_id": id.parse::<u64>().unwrap_or(0),
                    "room_id_str": id
                })
            })
            .collect();
        Ok(Reply::json(
            200,
            &json!({"code": 200, "msg": "success", "rooms": rooms}),
        ))
    }

    fn chat_page(&mut self, request: &RecordedRequest) -> Answer {
        let room_id = Self::room_id(request)?;
        let now = self.now_ms();
        let (page_size, interval, mode) = (self.page_size, self.fetch_interval_ms, self.chat_mode);
        let room = self.room_mut(&room_id)?;
        let offset = match request.query_param("cursor").filter(|c| !c.is_empty()) {
            None => 0,
            Some(cursor) => {
                let ext = request.query_param("internalExt").unwrap_or_default();
                cursor_offset(&cursor, &ext, &room_id)
                    .ok_or_else(|| error_reply(400, "Invalid cursor"))?
            }
        };
        let start = offset.min(room.chat.len());
        let end = (start + page_size).min(room.chat.len());
        let has_more = match mode {
            ChatMode::History => end < room.chat.len(),
            ChatMode::Live => room.alive,
        };
        let cursor = format!("t-{now}_r-{end}_d-1_u-1_h-1");
        let internal_ext = format!(
            "internal_src:dim|wss_push_room_id:{room_id}|fetch_time:{now}|next_offset:{end}|wrds_v:0"
        );
        let mut page = json!({
            "code": 200,
            "msg": "success",
            "messages": room.chat[start..end],
            "cursor": cursor,
            "now": now.to_string(),
            "internalExt": internal_ext,
            "hasMore": has_more
        });
        if let (Some(ms), Some(object)) = (interval, page.as_object_mut()) {
            object.insert("fetchInterval".into(), json!(ms));
        }
        Ok(Reply::json(200, &page))
    }

    fn send_message(&mut self, request: &RecordedRequest, session: Option<String>) -> Answer {
        let room_id = Self::room_id(request)?;
        let content = request
            .query_param("content")
            .filter(|c| !c.trim().is_empty())
            .ok_or_else(|| error_reply(400, "Missing content"))?;
        self.room_mut(&room_id)?;
        let author = session
            .as_deref()
            .and_then(|key| self.sessions.get(key))
            .map(|s| ChatLine::new(&s.unique_id, &s.nickname, &content).user_id(&s.user_id))
            .unwrap_or_else(|| ChatLine::new("unknown", "unknown", &content));
        self.push_chat(&room_id, author);
        let room = self.room_mut(&room_id)?;
        Ok(Reply::json(200, &Self::room_payload(room)))
    }

    fn session(&self, session: Option<String>) -> Answer {
        let session = session
            .and_then(|key| self.sessions.get(&key))
            .ok_or_else(|| error_reply(401, "Invalid session_key"))?;
        Ok(Reply::json(200, &session.to_json()))
    }
}

/// The offset a cursor points at, when its `internalExt` goes with it.
fn cursor_offset(cursor: &str, internal_ext: &str, room_id: &str) -> Option<usize> {
    let offset: usize = cursor
        .split('_')
        .find_map(|part| part.strip_prefix("r-"))?
        .parse()
        .ok()?;
    let matches = internal_ext.contains(&format!("wss_push_room_id:{room_id}|"))
        && internal_ext
            .split('|')
            .any(|part| part == format!("next_offset:{offset}"));
    matches.then_some(offset)
}

fn fault_reply(fault: Fault) -> Reply {
    match fault {
        Fault::Status(status) => error_reply(status, reason(status)),
        Fault::BodyCode { code, msg } => Reply::json(200, &json!({"code": code, "msg": msg})),
        Fault::TooManyAttempts => error_reply(400, "Too many attempts, try again later"),
        Fault::RateLimited { retry_after_secs } => error_reply(429, "Too many requests")
            .header("retry-after", retry_after_secs.to_string()),
        Fault::Html(status) => Reply::text(
            status,
            "text/html; charset=utf-8",
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>",
        ),
        Fault::Drop => Reply::drop_connection(),
        // Handled by the caller (it needs the normal answer).
        Fault::Delay(_) => error_reply(500, "Internal Server Error"),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Internal Server Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_need_their_internal_ext() {
        let ext = "internal_src:dim|wss_push_room_id:42|fetch_time:1|next_offset:3|wrds_v:0";
        assert_eq!(cursor_offset("t-1_r-3_d-1_u-1_h-1", ext, "42"), Some(3));
        assert_eq!(cursor_offset("t-1_r-3_d-1_u-1_h-1", "", "42"), None);
        assert_eq!(cursor_offset("t-1_r-4_d-1_u-1_h-1", ext, "42"), None);
        assert_eq!(cursor_offset("t-1_r-3_d-1_u-1_h-1", ext, "43"), None);
        assert_eq!(cursor_offset("garbage", ext, "42"), None);
    }
}
