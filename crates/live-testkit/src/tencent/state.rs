//! The emulated service's state (rooms with their metadata, bans, mutes, robots, seats and
//! messages) and one handler per command. Handlers see a parsed JSON body and return the
//! `Response` payload or a service error.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Map, Value, json};
use tokio::time::Instant;

/// A service error: `ErrorCode` and `ErrorInfo`.
pub(crate) type Failure = (i64, String);

/// What a handler returns: the `Response` payload (if the command has one), or a failure.
pub(crate) type Outcome = Result<Option<Value>, Failure>;

fn bad(info: impl Into<String>) -> Failure {
    (100_002, info.into())
}

fn no_room(room_id: &str) -> Failure {
    (
        100_004,
        format!("room {room_id} does not exist or was dissolved"),
    )
}

/// A room as the emulator keeps it.
#[derive(Debug, Clone)]
pub(crate) struct Room {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) room_type: String,
    pub(crate) owner: String,
    pub(crate) create_time: u64,
    pub(crate) max_members: u64,
    pub(crate) message_disabled: bool,
    pub(crate) cover_url: String,
    pub(crate) category: Vec<i64>,
    pub(crate) activity_status: i64,
    pub(crate) view_count: u64,
    pub(crate) public: bool,
    pub(crate) seats_enabled: bool,
    pub(crate) take_seat_mode: String,
    pub(crate) notice: String,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) bans: BTreeMap<String, u64>,
    pub(crate) mutes: BTreeMap<String, u64>,
    pub(crate) robots: Vec<String>,
    pub(crate) members: BTreeSet<String>,
    pub(crate) seats: Vec<Seat>,
    pub(crate) messages: Vec<Value>,
    pub(crate) gifts_sent: u64,
    pub(crate) gift_coins: u64,
    pub(crate) gift_senders: u64,
    pub(crate) likes: u64,
}

/// One seat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Seat {
    pub(crate) member: Option<String>,
    pub(crate) taken_disabled: bool,
    pub(crate) video_disabled: bool,
    pub(crate) audio_disabled: bool,
}

impl Room {
    pub(crate) fn new(id: &str, owner: &str, now: u64) -> Room {
        Room {
            id: id.to_owned(),
            name: id.to_owned(),
            room_type: "Live".to_owned(),
            owner: owner.to_owned(),
            create_time: now,
            max_members: 1000,
            message_disabled: false,
            cover_url: String::new(),
            category: Vec::new(),
            activity_status: 0,
            view_count: 0,
            public: true,
            seats_enabled: false,
            take_seat_mode: "FreeToTake".to_owned(),
            notice: String::new(),
            metadata: BTreeMap::new(),
            bans: BTreeMap::new(),
            mutes: BTreeMap::new(),
            robots: Vec::new(),
            members: BTreeSet::from([owner.to_owned()]),
            seats: Vec::new(),
            messages: Vec::new(),
            gifts_sent: 0,
            gift_coins: 0,
            gift_senders: 0,
            likes: 0,
        }
    }

    /// Turns seats on with `count` seats (keeps existing occupants that still fit).
    pub(crate) fn set_seats(&mut self, count: usize) {
        self.seats_enabled = true;
        self.seats.resize(count, Seat::default());
    }

    /// The `RoomInfo` object of `get_room_info`.
    pub(crate) fn info_json(&self) -> Value {
        json!({
            "RoomId": self.id,
            "RoomName": self.name,
            "RoomType": self.room_type,
            "Owner_Account": self.owner,
            "CreateTime": self.create_time,
            "IsSeatEnabled": self.seats_enabled,
            "TakeSeatMode": self.take_seat_mode,
            "MaxSeatCount": self.seats.len(),
            "MaxMemberCount": self.max_members,
            "IsMessageDisabled": self.message_disabled,
            "CoverURL": self.cover_url,
            "Category": self.category,
            "ActivityStatus": self.activity_status,
            "ViewCount": self.view_count,
            "IsPublicVisible": self.public,
            "Notice": self.notice,
        })
    }

    /// One entry of `get_room_list`.
    pub(crate) fn summary_json(&self) -> Value {
        json!({
            "RoomName": self.name,
            "RoomId": self.id,
            "Owner_Account": self.owner,
            "CoverURL": self.cover_url,
            "Category": self.category,
            "CreateTime": self.create_time,
            "ActivityStatus": self.activity_status,
            "ViewCount": self.view_count,
        })
    }

    fn statistic_json(&self) -> Value {
        json!({
            "TotalViewers": self.view_count,
            "TotalGiftsSent": self.gifts_sent,
            "TotalGiftCoins": self.gift_coins,
            "TotalUniqueGiftSenders": self.gift_senders,
            "TotalLikesReceived": self.likes,
        })
    }

    fn seat_of(&self, member: &str) -> Option<usize> {
        self.seats
            .iter()
            .position(|s| s.member.as_deref() == Some(member))
    }

    fn seat_index(&self, body: &Map<String, Value>, field: &str) -> Result<usize, Failure> {
        let index = body.get(field).and_then(Value::as_u64).ok_or_else(|| {
            bad(format!(
                "{field} is required and must be a non-negative integer"
            ))
        })?;
        let index = usize::try_from(index).unwrap_or(usize::MAX);
        if index >= self.seats.len() {
            return Err(bad(format!(
                "{field} {index} is out of range: the room has {} seats",
                self.seats.len()
            )));
        }
        Ok(index)
    }

    fn require_seats(&self) -> Result<(), Failure> {
        if self.seats_enabled {
            Ok(())
        } else {
            Err((100_211, format!("room {} does not support seats", self.id)))
        }
    }
}

/// Everything the service remembers.
#[derive(Debug, Default)]
pub(crate) struct Rooms {
    pub(crate) rooms: BTreeMap<String, Room>,
    /// When each room id was last asked to be created: the same id only once per second.
    pub(crate) created_at: HashMap<String, Instant>,
}

fn str_field<'a>(body: &'a Map<String, Value>, name: &str) -> Result<&'a str, Failure> {
    body.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad(format!("{name} is required and must be a non-empty string")))
}

fn opt_str<'a>(body: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, Failure> {
    match body.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad(format!("{name} must be a string"))),
    }
}

fn opt_bool(body: &Map<String, Value>, name: &str) -> Result<Option<bool>, Failure> {
    match body.get(name) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(bad(format!("{name} must be a boolean"))),
    }
}

fn opt_u64(body: &Map<String, Value>, name: &str) -> Result<Option<u64>, Failure> {
    match body.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| bad(format!("{name} must be a non-negative integer"))),
    }
}

fn opt_i64(body: &Map<String, Value>, name: &str) -> Result<Option<i64>, Failure> {
    match body.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| bad(format!("{name} must be an integer"))),
    }
}

fn accounts<'a>(body: &'a Map<String, Value>, name: &str) -> Result<Vec<&'a str>, Failure> {
    let list = body.get(name).and_then(Value::as_array).ok_or_else(|| {
        bad(format!(
            "{name} is required and must be an array of strings"
        ))
    })?;
    let accounts: Option<Vec<&str>> = list
        .iter()
        .map(|v| v.as_str().filter(|s| !s.is_empty()))
        .collect();
    let accounts = accounts.ok_or_else(|| bad(format!("{name} must hold non-empty strings")))?;
    if accounts.is_empty() {
        return Err(bad(format!("{name} is empty")));
    }
    Ok(accounts)
}

fn category(body: &Map<String, Value>) -> Result<Option<Vec<i64>>, Failure> {
    match body.get("Category") {
        None => Ok(None),
        Some(Value::Array(items)) => {
            let tags: Option<Vec<i64>> = items.iter().map(Value::as_i64).collect();
            let tags = tags.ok_or_else(|| bad("Category must hold integers"))?;
            if tags.len() > 3 {
                return Err(bad("Category holds at most 3 tags"));
            }
            Ok(Some(tags))
        }
        Some(_) => Err(bad("Category must be an array")),
    }
}

fn take_seat_mode(body: &Map<String, Value>) -> Result<Option<String>, Failure> {
    match body.get("TakeSeatMode") {
        None => Ok(None),
        Some(Value::String(s)) if s == "FreeToTake" || s == "ApplyToTake" => Ok(Some(s.clone())),
        Some(Value::Number(n)) if n.as_i64() == Some(1) => Ok(Some("FreeToTake".to_owned())),
        Some(Value::Number(n)) if n.as_i64() == Some(2) => Ok(Some("ApplyToTake".to_owned())),
        Some(_) => Err(bad("TakeSeatMode must be FreeToTake or ApplyToTake")),
    }
}

fn max_bytes(value: &str, max: usize, name: &str) -> Result<(), Failure> {
    if value.len() > max {
        Err(bad(format!("{name} is longer than {max} bytes")))
    } else {
        Ok(())
    }
}

/// The sort key of `get_room_list`: most viewed first, then by id.
fn list_key(room: &Room) -> (std::cmp::Reverse<u64>, String) {
    (std::cmp::Reverse(room.view_count), room.id.clone())
}

/// An opaque cursor naming the last room of a page.
fn cursor(room: &Room) -> String {
    let mut text = format!("{:x}-", room.view_count);
    for byte in room.id.as_bytes() {
        text.push_str(&format!("{byte:02x}"));
    }
    text
}

fn parse_cursor(next: &str) -> Option<(std::cmp::Reverse<u64>, String)> {
    let (views, id_hex) = next.split_once('-')?;
    let views = u64::from_str_radix(views, 16).ok()?;
    if id_hex.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..id_hex.len())
        .step_by(2)
        .map(|i| {
            id_hex
                .get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    let id = String::from_utf8(bytes?).ok()?;
    Some((std::cmp::Reverse(views), id))
}

/// Who is calling and when.
pub(crate) struct Ctx<'a> {
    pub(crate) caller: &'a str,
    pub(crate) now: u64,
    pub(crate) arrived: Instant,
}

impl Rooms {
    fn room_mut(&mut self, body: &Map<String, Value>) -> Result<&mut Room, Failure> {
        let id = str_field(body, "RoomId")?;
        self.rooms.get_mut(id).ok_or_else(|| no_room(id))
    }

    fn room(&self, body: &Map<String, Value>) -> Result<&Room, Failure> {
        let id = str_field(body, "RoomId")?;
        self.rooms.get(id).ok_or_else(|| no_room(id))
    }

    /// Runs `command` (a known one) on `body`.
    pub(crate) fn dispatch(
        &mut self,
        command: &str,
        body: &Map<String, Value>,
        ctx: &Ctx<'_>,
    ) -> Outcome {
        match command {
            "create_room" => self.create_room(body, ctx),
            "destroy_room" => self.destroy_room(body),
            "get_room_info" => {
                let room = self.room(body)?;
                Ok(Some(json!({ "RoomInfo": room.info_json() })))
            }
            "get_room_list" => self.room_list(body),
            "update_room_info" => self.update_room(body),
            "get_room_stats" => {
                let room = self.room(body)?;
                let mut stats = room.statistic_json();
                if let Some(map) = stats.as_object_mut() {
                    map.insert("TotalMsgCount".to_owned(), json!(room.messages.len()));
                }
                Ok(Some(stats))
            }
            "get_room_metadata" => self.get_metadata(body),
            "set_room_metadata" => self.set_metadata(body),
            "del_room_metadata" => self.del_metadata(body),
            "ban_member" => self.ban(body, ctx),
            "unban_member" => {
                let members = accounts(body, "MemberList_Account")?;
                let room = self.room_mut(body)?;
                for member in members {
                    room.bans.remove(member);
                }
                Ok(None)
            }
            "get_banned_member_list" => self.banned(body, ctx),
            "mute_member" => self.mute(body, ctx),
            "get_muted_member_list" => {
                let room = self.room(body)?;
                let list: Vec<Value> = room
                    .mutes
                    .iter()
                    .filter(|(_, until)| **until > ctx.now)
                    .map(|(m, until)| json!({"Member_Account": m, "MutedUntil": until}))
                    .collect();
                Ok(Some(json!({ "MutedAccountList": list })))
            }
            "send_text_msg" => self.send_text(body, ctx),
            "add_robot" => {
                let robots = accounts(body, "RobotList_Account")?;
                let room = self.room_mut(body)?;
                let mut all = room.robots.clone();
                for robot in robots {
                    if !all.iter().any(|r| r == robot) {
                        all.push(robot.to_owned());
                    }
                }
                if all.len() > 3 {
                    return Err(bad("a room has at most 3 robots"));
                }
                for robot in &all {
                    room.members.insert(robot.clone());
                }
                room.robots = all;
                Ok(None)
            }
            "get_robot" => {
                let room = self.room(body)?;
                Ok(Some(json!({ "RobotList_Account": room.robots })))
            }
            "del_robot" => {
                let robots = accounts(body, "RobotList_Account")?;
                let room = self.room_mut(body)?;
                room.robots.retain(|r| !robots.contains(&r.as_str()));
                Ok(None)
            }
            "get_seat_list" => {
                let room = self.room(body)?;
                room.require_seats()?;
                let seats: Vec<Value> = room
                    .seats
                    .iter()
                    .enumerate()
                    .map(|(index, seat)| {
                        let mut entry = json!({
                            "Index": index,
                            "IsTakenDisabled": seat.taken_disabled,
                            "IsVideoDisabled": seat.video_disabled,
                            "IsAudioDisabled": seat.audio_disabled,
                        });
                        if let (Some(member), Some(map)) = (&seat.member, entry.as_object_mut()) {
                            map.insert("Member_Account".to_owned(), json!(member));
                        }
                        entry
                    })
                    .collect();
                Ok(Some(json!({ "SeatList": seats })))
            }
            "pick_user_on_seat" => self.pick(body),
            "kick_user_off_seat" => {
                let member = str_field(body, "Member_Account")?;
                opt_str(body, "Data")?.ok_or_else(|| bad("Data is required"))?;
                let room = self.room_mut(body)?;
                room.require_seats()?;
                let seat = room
                    .seat_of(member)
                    .ok_or_else(|| bad(format!("{member} is not on a seat")))?;
                room.seats[seat].member = None;
                Ok(None)
            }
            "lock_seat" => {
                let room = self.room_mut(body)?;
                room.require_seats()?;
                let index = room.seat_index(body, "Index")?;
                let (taken, video, audio) = (
                    opt_bool(body, "ForbidTaken")?,
                    opt_bool(body, "ForbidVideo")?,
                    opt_bool(body, "ForbidAudio")?,
                );
                let seat = &mut room.seats[index];
                if let Some(taken) = taken {
                    seat.taken_disabled = taken;
                    if taken {
                        seat.member = None;
                    }
                }
                if let Some(video) = video {
                    seat.video_disabled = video;
                }
                if let Some(audio) = audio {
                    seat.audio_disabled = audio;
                }
                Ok(None)
            }
            "switch_seat" => self.move_seat(body, "ToIndex", Some(0)),
            "move_user_to_seat" => self.move_seat(body, "SeatIndex", None),
            _ => Err((60_009, format!("unknown command {command}"))),
        }
    }

    fn create_room(&mut self, body: &Map<String, Value>, ctx: &Ctx<'_>) -> Outcome {
        let info = body
            .get("RoomInfo")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("RoomInfo is required and must be an object"))?;
        let id = str_field(info, "RoomId")?;
        max_bytes(id, 48, "RoomId")?;
        let room_type = str_field(info, "RoomType")?;
        if room_type != "Live" {
            return Err((100_006, format!("RoomType must be Live, not {room_type}")));
        }
        let last = self.created_at.insert(id.to_owned(), ctx.arrived);
        if last.is_some_and(|at| ctx.arrived.duration_since(at) < std::time::Duration::from_secs(1))
        {
            return Err((
                100_012,
                format!("room {id} may be created only once per second"),
            ));
        }
        let owner = opt_str(info, "Owner_Account")?
            .filter(|o| !o.is_empty())
            .unwrap_or(ctx.caller);
        if let Some(existing) = self.rooms.get(id) {
            return if existing.owner == owner {
                Err((
                    100_010,
                    format!("room {id} already exists with owner {owner}"),
                ))
            } else {
                Err((100_003, format!("room id {id} is already used")))
            };
        }
        let mut room = Room::new(id, owner, ctx.now);
        if let Some(name) = opt_str(info, "RoomName")? {
            max_bytes(name, 100, "RoomName")?;
            room.name = name.to_owned();
        }
        if let Some(url) = opt_str(info, "CoverURL")? {
            max_bytes(url, 200, "CoverURL")?;
            room.cover_url = url.to_owned();
        }
        if let Some(tags) = category(info)? {
            room.category = tags;
        }
        if let Some(n) = opt_u64(info, "MaxMemberCount")? {
            room.max_members = n;
        }
        if let Some(b) = opt_bool(info, "IsMessageDisabled")? {
            room.message_disabled = b;
        }
        if let Some(b) = opt_bool(info, "IsPublicVisible")? {
            room.public = b;
        }
        if let Some(mode) = take_seat_mode(info)? {
            room.take_seat_mode = mode;
        }
        if let Some(status) = opt_i64(info, "ActivityStatus")? {
            room.activity_status = status;
        }
        let seats = opt_u64(info, "MaxSeatCount")?.unwrap_or(8).min(64);
        if opt_bool(info, "IsSeatEnabled")? == Some(true) {
            room.set_seats(usize::try_from(seats).unwrap_or(8));
        }
        self.rooms.insert(id.to_owned(), room);
        Ok(Some(json!({ "RoomId": id })))
    }

    fn destroy_room(&mut self, body: &Map<String, Value>) -> Outcome {
        let id = str_field(body, "RoomId")?;
        let room = self.rooms.remove(id).ok_or_else(|| no_room(id))?;
        Ok(Some(json!({ "Statistic": room.statistic_json() })))
    }

    fn room_list(&self, body: &Map<String, Value>) -> Outcome {
        let next = match body.get("Next") {
            Some(Value::String(s)) => s.as_str(),
            _ => return Err(bad("Next is required and must be a string")),
        };
        let count = body
            .get("Count")
            .and_then(Value::as_u64)
            .filter(|c| (1..=20).contains(c))
            .ok_or_else(|| bad("Count must be between 1 and 20"))?;
        let after = if next.is_empty() {
            None
        } else {
            Some(parse_cursor(next).ok_or_else(|| bad("Next is not a cursor this service gave"))?)
        };
        let mut listed: Vec<&Room> = self.rooms.values().filter(|r| r.public).collect();
        listed.sort_by_key(|r| list_key(r));
        let start = after.map_or(0, |key| listed.partition_point(|r| list_key(r) <= key));
        let count = usize::try_from(count).unwrap_or(20);
        let page: Vec<&Room> = listed.iter().skip(start).take(count).copied().collect();
        let more = start + page.len() < listed.len();
        let next = match (more, page.last()) {
            (true, Some(last)) => cursor(last),
            _ => String::new(),
        };
        let rooms: Vec<Value> = page.iter().map(|r| r.summary_json()).collect();
        Ok(Some(json!({ "Next": next, "RoomList": rooms })))
    }

    fn update_room(&mut self, body: &Map<String, Value>) -> Outcome {
        let info = body
            .get("RoomInfo")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("RoomInfo is required and must be an object"))?;
        let name = opt_str(info, "RoomName")?;
        let cover = opt_str(info, "CoverURL")?;
        let notice = opt_str(info, "Notice")?;
        for (value, max, field) in [
            (name, 100, "RoomName"),
            (cover, 200, "CoverURL"),
            (notice, 100, "Notice"),
        ] {
            if let Some(value) = value {
                max_bytes(value, max, field)?;
            }
        }
        let tags = category(info)?;
        let mode = take_seat_mode(info)?;
        let (members, muted, public, status) = (
            opt_u64(info, "MaxMemberCount")?,
            opt_bool(info, "IsMessageDisabled")?,
            opt_bool(info, "IsPublicVisible")?,
            opt_i64(info, "ActivityStatus")?,
        );
        let room = self.room_mut(info)?;
        if let Some(name) = name {
            room.name = name.to_owned();
        }
        if let Some(cover) = cover {
            room.cover_url = cover.to_owned();
        }
        if let Some(notice) = notice {
            room.notice = notice.to_owned();
        }
        if let Some(tags) = tags {
            room.category = tags;
        }
        if let Some(mode) = mode {
            room.take_seat_mode = mode;
        }
        if let Some(members) = members {
            room.max_members = members;
        }
        if let Some(muted) = muted {
            room.message_disabled = muted;
        }
        if let Some(public) = public {
            room.public = public;
        }
        if let Some(status) = status {
            room.activity_status = status;
        }
        Ok(None)
    }

    fn get_metadata(&self, body: &Map<String, Value>) -> Outcome {
        let keys: Vec<&str> = match body.get("Keys") {
            Some(Value::Array(keys)) => keys.iter().filter_map(Value::as_str).collect(),
            _ => return Err(bad("Keys is required and must be an array")),
        };
        let room = self.room(body)?;
        let entries: Vec<Value> = room
            .metadata
            .iter()
            .filter(|(k, _)| keys.is_empty() || keys.contains(&k.as_str()))
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect();
        Ok(Some(json!({ "Metadata": entries })))
    }

    fn set_metadata(&mut self, body: &Map<String, Value>) -> Outcome {
        let entries = body
            .get("Metadata")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("Metadata is required and must be an array"))?;
        if entries.is_empty() || entries.len() > 10 {
            return Err(bad("Metadata holds 1 to 10 entries"));
        }
        let mut pairs = Vec::new();
        for entry in entries {
            let key = entry
                .get("Key")
                .and_then(Value::as_str)
                .filter(|k| !k.is_empty());
            let value = entry.get("Value").and_then(Value::as_str);
            let (Some(key), Some(value)) = (key, value) else {
                return Err(bad("each Metadata entry needs a string Key and Value"));
            };
            max_bytes(key, 50, "Key")?;
            max_bytes(value, 2048, "Value")?;
            pairs.push((key.to_owned(), value.to_owned()));
        }
        let room = self.room_mut(body)?;
        let mut next = room.metadata.clone();
        next.extend(pairs);
        let total: usize = next.iter().map(|(k, v)| k.len() + v.len()).sum();
        if total > 16 * 1024 {
            return Err(bad("the room's metadata would exceed 16 KB"));
        }
        room.metadata = next;
        Ok(None)
    }

    fn del_metadata(&mut self, body: &Map<String, Value>) -> Outcome {
        let keys: Vec<String> = match body.get("Keys") {
            Some(Value::Array(keys)) => keys
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => return Err(bad("Keys is required and must be an array")),
        };
        let room = self.room_mut(body)?;
        for key in keys {
            room.metadata.remove(&key);
        }
        Ok(None)
    }

    fn ban(&mut self, body: &Map<String, Value>, ctx: &Ctx<'_>) -> Outcome {
        let members = accounts(body, "MemberList_Account")?;
        if members.len() > 20 {
            return Err(bad("at most 20 members per call"));
        }
        let duration = opt_u64(body, "Duration")?.ok_or_else(|| bad("Duration is required"))?;
        if let Some(reason) = opt_str(body, "Reason")? {
            max_bytes(reason, 200, "Reason")?;
        }
        let room = self.room_mut(body)?;
        for member in members {
            room.bans
                .insert(member.to_owned(), ctx.now.saturating_add(duration));
            room.members.remove(member);
            if let Some(seat) = room.seat_of(member) {
                room.seats[seat].member = None;
            }
        }
        Ok(None)
    }

    fn banned(&self, body: &Map<String, Value>, ctx: &Ctx<'_>) -> Outcome {
        let offset = opt_u64(body, "Offset")?.unwrap_or(0);
        let limit = opt_u64(body, "Limit")?.unwrap_or(100);
        if limit == 0 || limit > 100 {
            return Err(bad("Limit must be between 1 and 100"));
        }
        let room = self.room(body)?;
        let active: Vec<(&String, &u64)> = room
            .bans
            .iter()
            .filter(|(_, until)| **until > ctx.now)
            .collect();
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(limit).unwrap_or(100);
        let page: Vec<Value> = active
            .iter()
            .skip(start)
            .take(limit)
            .map(|(m, until)| json!({"Member_Account": m, "BannedUntil": until}))
            .collect();
        let end = start.saturating_add(page.len());
        let next = if end < active.len() { end } else { 0 };
        Ok(Some(
            json!({ "BannedAccountList": page, "NextOffset": next }),
        ))
    }

    fn mute(&mut self, body: &Map<String, Value>, ctx: &Ctx<'_>) -> Outcome {
        let members = accounts(body, "MemberList_Account")?;
        let time = opt_u64(body, "MuteTime")?.ok_or_else(|| bad("MuteTime is required"))?;
        let room = self.room_mut(body)?;
        for member in members {
            if time == 0 {
                room.mutes.remove(member);
            } else {
                room.mutes
                    .insert(member.to_owned(), ctx.now.saturating_add(time));
            }
        }
        Ok(None)
    }

    fn send_text(&mut self, body: &Map<String, Value>, ctx: &Ctx<'_>) -> Outcome {
        let sender = str_field(body, "Sender_Account")?;
        let text = str_field(body, "TextContent")?;
        let extension = opt_str(body, "ExtensionInfo")?;
        let room = self.room_mut(body)?;
        room.messages.push(json!({
            "Sender_Account": sender,
            "TextContent": text,
            "ExtensionInfo": extension,
            "MsgTime": ctx.now,
        }));
        Ok(None)
    }

    fn pick(&mut self, body: &Map<String, Value>) -> Outcome {
        let member = str_field(body, "Member_Account")?;
        let room = self.room_mut(body)?;
        room.require_seats()?;
        let index = room.seat_index(body, "Index")?;
        if !room.members.contains(member) {
            return Err(bad(format!("{member} is not a member of the room")));
        }
        if room.seat_of(member).is_some() {
            return Err(bad(format!("{member} is already on a seat")));
        }
        let seat = &mut room.seats[index];
        if seat.taken_disabled {
            return Err(bad(format!("seat {index} is locked")));
        }
        if seat.member.is_some() {
            return Err(bad(format!("seat {index} is taken")));
        }
        seat.member = Some(member.to_owned());
        Ok(None)
    }

    /// `switch_seat` (policy fixed at 0: empty seats only) and `move_user_to_seat`.
    fn move_seat(
        &mut self,
        body: &Map<String, Value>,
        field: &str,
        policy: Option<u64>,
    ) -> Outcome {
        let member = str_field(body, "Member_Account")?;
        let policy = match policy {
            Some(p) => p,
            None => opt_u64(body, "Policy")?.ok_or_else(|| bad("Policy is required"))?,
        };
        if policy > 2 {
            return Err(bad("Policy must be 0, 1 or 2"));
        }
        let room = self.room_mut(body)?;
        room.require_seats()?;
        let to = room.seat_index(body, field)?;
        let from = room
            .seat_of(member)
            .ok_or_else(|| bad(format!("{member} is not on a seat")))?;
        if from == to {
            return Ok(None);
        }
        if room.seats[to].taken_disabled {
            return Err(bad(format!("seat {to} is locked")));
        }
        match (room.seats[to].member.clone(), policy) {
            (None, _) => {
                room.seats[to].member = room.seats[from].member.take();
            }
            (Some(_), 0) => return Err(bad(format!("seat {to} is taken"))),
            (Some(_), 1) => {
                room.seats[to].member = room.seats[from].member.take();
            }
            (Some(occupant), _) => {
                room.seats[to].member = Some(member.to_owned());
                room.seats[from].member = Some(occupant);
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let mut room = Room::new("live_ü1", "o", 0);
        room.view_count = 1234;
        let next = cursor(&room);
        assert_eq!(
            parse_cursor(&next),
            Some((std::cmp::Reverse(1234), "live_ü1".to_owned()))
        );
        for bad in ["", "zz-00", "1-0", "1-zz", "nodash"] {
            assert_eq!(parse_cursor(bad), None, "{bad}");
        }
    }
}
