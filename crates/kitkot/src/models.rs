//! Responses of `live/leave`, `live/room_exists` and `session`.
//!
//! These are written by hand rather than generated: they are small, their ids need the
//! lenient forms, and the session carries credentials that must never print (a generated
//! model would hold them as plain strings and show them in `Debug` and JSON).

use live_http::Secret;
use live_model::lenient::StringOrNumber;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::room::id_text;

/// `GET /live/leave`: `{data: {}, code: 200, msg: "success"}`.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeaveResponse {
    /// Whatever kitkot puts in `data` (empty in the documentation).
    pub data: Map<String, Value>,
    /// 200.
    pub code: i64,
    /// `"success"`.
    pub msg: String,
    /// Fields not modelled.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /live/room_exists`: one entry per room asked about.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoomExists {
    /// 200.
    pub code: i64,
    /// `"success"`.
    pub msg: String,
    /// The rooms, in the order kitkot lists them.
    pub rooms: Vec<RoomStatus>,
    /// Fields not modelled.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl RoomExists {
    /// Whether `room_id` is live; `None` when kitkot did not list it.
    pub fn is_alive(&self, room_id: &str) -> Option<bool> {
        self.rooms
            .iter()
            .find(|r| r.id().as_deref() == Some(room_id))
            .map(|r| r.alive)
    }
}

/// One room of [`RoomExists`].
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoomStatus {
    /// The room is live.
    pub alive: bool,
    /// The id as kitkot sends it (a number in the documentation).
    pub room_id: StringOrNumber,
    /// The id as a string.
    pub room_id_str: String,
    /// Fields not modelled.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl RoomStatus {
    /// A status, for tests and emulators.
    pub fn new(room_id: impl Into<String>, alive: bool) -> Self {
        let room_id = room_id.into();
        RoomStatus {
            alive,
            room_id: StringOrNumber::String(room_id.clone()),
            room_id_str: room_id,
            extra: Map::new(),
        }
    }

    /// The room id: `room_id_str`, else `room_id`.
    pub fn id(&self) -> Option<String> {
        Some(self.room_id_str.trim().to_owned())
            .filter(|s| !s.is_empty())
            .or_else(|| id_text(&self.room_id))
    }
}

/// `{code, msg}` pairs nested in a payload (`need_device_create`).
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CodeMessage {
    /// The code.
    pub code: i64,
    /// The message.
    pub msg: String,
    /// Fields not modelled.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /session`: the TikTok account behind a session key.
///
/// `session_key` and `cloud_token` are credentials: they are [`Secret`]s, `Debug` shows them as
/// `***`, and **serialising a session writes `"***"` in their place** (so printing a session
/// as JSON is safe). Read them with [`Secret::expose`].
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Session {
    /// 200.
    pub code: i64,
    /// `"success"`.
    pub msg: String,
    /// The account's region.
    pub region: String,
    /// The account's e-mail address.
    pub email: String,
    /// The account's display name.
    pub screen_name: String,
    /// The account's phone number (masked by TikTok).
    pub phone: String,
    /// The account is verified.
    pub is_verified: bool,
    /// The TikTok user id (number or string on the wire).
    pub user_id: StringOrNumber,
    /// The TikTok `sec_user_id`.
    pub sec_user_id: String,
    /// The avatar URL.
    pub profile_picture: String,
    /// The session key itself (a credential).
    #[serde(
        serialize_with = "redacted",
        deserialize_with = "secret",
        skip_serializing_if = "Option::is_none"
    )]
    pub session_key: Option<Secret>,
    /// Whether TikTok wants a device registration first.
    pub need_device_create: CodeMessage,
    /// 1 (or `true`) for an account created by this login.
    pub is_new_user: Value,
    /// TikTok's cloud token (a credential).
    #[serde(
        serialize_with = "redacted",
        deserialize_with = "secret",
        skip_serializing_if = "Option::is_none"
    )]
    pub cloud_token: Option<Secret>,
    /// Linked third-party accounts.
    pub connects: Vec<Value>,
    /// Fields not modelled.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Session {
    /// The TikTok user id as text.
    pub fn user_id(&self) -> Option<String> {
        id_text(&self.user_id)
    }

    /// True for an account created by this login (`is_new_user` 1 or `true`).
    pub fn is_new_user(&self) -> bool {
        match &self.is_new_user {
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
            Value::String(s) => matches!(s.trim(), "1" | "true"),
            _ => false,
        }
    }
}

/// Writes a present secret as `"***"`.
fn redacted<S: Serializer>(value: &Option<Secret>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(_) => serializer.serialize_str("***"),
        None => serializer.serialize_none(),
    }
}

/// Reads a credential; empty and `null` are `None`.
fn secret<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Secret>, D::Error> {
    let value = Option::<String>::deserialize(deserializer)?;
    Ok(value.filter(|s| !s.is_empty()).map(Secret::new))
}
