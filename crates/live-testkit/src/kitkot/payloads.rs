//! What the emulator serves: rooms, sessions and chat messages, in kitkot's JSON shapes.

use serde_json::{Value, json};

/// The captured-shape room of `fixtures/kitkot/join.json`: every emulated room starts from it.
const ROOM_TEMPLATE: &str = include_str!("../../../../fixtures/kitkot/join.json");

fn template() -> Value {
    // The fixture is checked by the kitkot crate's tests; a broken one gives an empty object
    // here rather than a panic inside a server thread.
    serde_json::from_str(ROOM_TEMPLATE).unwrap_or_else(|_| json!({"code": 200, "msg": "success"}))
}

/// A stable, TikTok-looking 19-digit id derived from a name.
pub(crate) fn id_from(name: &str) -> String {
    // FNV-1a: deterministic across runs and platforms.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    (6_900_000_000_000_000_000 + hash % 1_000_000_000_000_000_000).to_string()
}

/// A room the emulator knows.
#[derive(Debug, Clone)]
pub struct EmulatedRoom {
    pub(crate) room_id: String,
    pub(crate) payload: Value,
    pub(crate) alive: bool,
}

impl EmulatedRoom {
    /// The room of `fixtures/kitkot/join.json` ([`super::DEMO_ROOM_ID`]), live.
    pub fn demo() -> Self {
        let payload = template();
        let room_id = payload["room_id"]
            .as_str()
            .unwrap_or(super::DEMO_ROOM_ID)
            .to_owned();
        EmulatedRoom {
            room_id,
            payload,
            alive: true,
        }
    }

    /// A live room with this id, otherwise like the demo room.
    pub fn new(room_id: &str) -> Self {
        let mut room = EmulatedRoom::demo();
        room.room_id = room_id.to_owned();
        room.payload["room_id"] = json!(room_id);
        room.payload["stats"]["id_str"] = json!(room_id);
        if let Ok(n) = room_id.parse::<u64>() {
            room.payload["stats"]["id"] = json!(n);
        }
        room
    }

    /// A room answering `payload` (any JSON object) on join and send.
    pub fn from_payload(room_id: &str, payload: Value) -> Self {
        EmulatedRoom {
            room_id: room_id.to_owned(),
            payload,
            alive: true,
        }
    }

    /// Sets the title.
    #[must_use]
    pub fn title(mut self, title: &str) -> Self {
        self.payload["title"] = json!(title);
        self
    }

    /// Sets the streamer: handle and nickname (the anchor id follows from the handle).
    #[must_use]
    pub fn owner(mut self, unique_id: &str, nickname: &str) -> Self {
        let id = id_from(unique_id);
        let owner = &mut self.payload["owner"];
        owner["display_id"] = json!(unique_id);
        owner["nickname"] = json!(nickname);
        owner["id_str"] = json!(id);
        if let Ok(n) = id.parse::<u64>() {
            owner["id"] = json!(n);
        }
        self.payload["anchor_id"] = json!(id);
        self
    }

    /// Sets the viewers before anyone joins through the emulator.
    #[must_use]
    pub fn viewers(mut self, viewers: u64) -> Self {
        self.payload["viewers"] = json!(viewers);
        self
    }

    /// Live or ended (`room_exists`'s `alive`).
    #[must_use]
    pub fn alive(mut self, alive: bool) -> Self {
        self.alive = alive;
        self
    }

    /// The room id.
    pub fn room_id(&self) -> &str {
        &self.room_id
    }

    /// The payload served.
    pub fn payload(&self) -> &Value {
        &self.payload
    }
}

/// A session (a logged-in TikTok account) the emulator accepts.
#[derive(Debug, Clone)]
pub struct EmulatedSession {
    key: String,
    pub(crate) user_id: String,
    pub(crate) unique_id: String,
    pub(crate) nickname: String,
    email: String,
    region: String,
    cloud_token: String,
}

impl EmulatedSession {
    /// A session with this key, for the account `night.owl.viewer`.
    pub fn new(key: &str) -> Self {
        EmulatedSession {
            key: key.to_owned(),
            user_id: "7342198765432109876".to_owned(),
            unique_id: "night.owl.viewer".to_owned(),
            nickname: "Night Owl 🦉".to_owned(),
            email: "night.owl.viewer@example.com".to_owned(),
            region: "US".to_owned(),
            cloud_token: format!("ct_{}", id_from(key)),
        }
    }

    /// Sets the account: handle and nickname (the user id follows from the handle).
    #[must_use]
    pub fn account(mut self, unique_id: &str, nickname: &str) -> Self {
        self.user_id = id_from(unique_id);
        self.unique_id = unique_id.to_owned();
        self.nickname = nickname.to_owned();
        self.email = format!("{unique_id}@example.com");
        self
    }

    /// The session key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The cloud token `/session` reveals (a credential too).
    pub fn cloud_token(&self) -> &str {
        &self.cloud_token
    }

    /// The `/session` answer, shaped as kitkot documents it.
    pub fn to_json(&self) -> Value {
        json!({
            "code": 200,
            "msg": "success",
            "region": self.region,
            "email": self.email,
            "screen_name": self.nickname,
            "phone": "+1*******42",
            "is_verified": false,
            "user_id": self.user_id,
            "sec_user_id": format!("MS4wLjABAAAA{}", self.user_id),
            "profile_picture": format!("https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/{}~c5_100x100.webp", self.unique_id),
            "session_key": self.key,
            "need_device_create": {"code": 0, "msg": ""},
            "is_new_user": 0,
            "cloud_token": self.cloud_token,
            "connects": []
        })
    }
}

/// A chat message to put in a room's history.
#[derive(Debug, Clone)]
pub struct ChatLine {
    pub(crate) unique_id: String,
    pub(crate) nickname: String,
    pub(crate) text: String,
    pub(crate) user_id: Option<String>,
}

impl ChatLine {
    /// `text` by the user `unique_id` (nickname `nickname`).
    pub fn new(unique_id: &str, nickname: &str, text: &str) -> Self {
        ChatLine {
            unique_id: unique_id.to_owned(),
            nickname: nickname.to_owned(),
            text: text.to_owned(),
            user_id: None,
        }
    }

    /// Sets the user id (default: derived from the handle).
    #[must_use]
    pub fn user_id(mut self, id: &str) -> Self {
        self.user_id = Some(id.to_owned());
        self
    }

    /// The message as the emulator serves it: a decoded `WebcastChatMessage`.
    pub(crate) fn to_json(&self, msg_id: u64, room_id: &str, create_ms: u64) -> Value {
        let user_id = self
            .user_id
            .clone()
            .unwrap_or_else(|| id_from(&self.unique_id));
        json!({
            "method": "WebcastChatMessage",
            "common": {
                "method": "WebcastChatMessage",
                "msgId": msg_id.to_string(),
                "roomId": room_id,
                "createTime": create_ms.to_string()
            },
            "user": {
                "userId": user_id,
                "uniqueId": self.unique_id,
                "nickname": self.nickname,
                "profilePicture": {
                    "urls": [format!("https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/{}~c5_100x100.webp", self.unique_id)]
                }
            },
            "content": self.text
        })
    }
}
