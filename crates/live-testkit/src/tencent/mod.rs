//! A stateful emulator of Tencent Cloud Chat's live-room REST service
//! (`/v4/live_engine_http_srv/*` and the seat service `/v4/room_engine_http_mic/*`).
//!
//! It checks every request as the service does, in this order, answering the service's codes:
//!
//! 1. POST only (60002); `sdkappid` present (60012), this app's (70020 when another);
//!    `identifier` present, `random` a u32 and `contenttype=json` (60002);
//! 2. the UserSig, verified with the app key by this module's own implementation
//!    ([`usersig`]): empty 70002, not base64 70003, not zlib/JSON 70005, another SDKAppID
//!    70014, another identifier 70013, expired 70001, wrong key 70009;
//! 3. the identifier is an App Administrator (60010);
//! 4. the command exists (60009);
//! 5. the command's rate: more than N requests of one command in any one-second window
//!    (every arrival counts, refused ones included) answers **60007**, the code the REST
//!    overview gives for a per-API call-rate limit (60018/60019 are left to fault injection);
//!    N is the documented rate (get_room_list 10, robots and get_room_stats 100, the rest 200);
//! 6. injected faults ([`TencentEmulator::fail_next`]...);
//! 7. the body: a JSON object, never empty (60003);
//! 8. the command itself, on the emulator's state.
//!
//! Every request is recorded with its tokio arrival time ([`TencentEmulator::calls`]) so tests
//! can check pacing on the server's side ([`TencentEmulator::max_calls_in_window`]).

mod state;
pub mod usersig;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};
use tokio::time::Instant;

use crate::http::{HttpServer, RecordedRequest, Reply};
use state::{Ctx, Room, Rooms};

/// The live-room service's path segment.
pub const LIVE_SERVICE: &str = "live_engine_http_srv";
/// The seat service's path segment.
pub const MIC_SERVICE: &str = "room_engine_http_mic";

const LIVE_COMMANDS: &[&str] = &[
    "create_room",
    "destroy_room",
    "get_room_info",
    "get_room_list",
    "update_room_info",
    "get_room_stats",
    "get_room_metadata",
    "set_room_metadata",
    "del_room_metadata",
    "ban_member",
    "unban_member",
    "get_banned_member_list",
    "mute_member",
    "get_muted_member_list",
    "send_text_msg",
    "add_robot",
    "get_robot",
    "del_robot",
];

const MIC_COMMANDS: &[&str] = &[
    "get_seat_list",
    "pick_user_on_seat",
    "kick_user_off_seat",
    "lock_seat",
    "switch_seat",
    "move_user_to_seat",
];

/// The documented calls per second of a command.
pub fn documented_limit(command: &str) -> u32 {
    match command {
        "get_room_list" => 10,
        "add_robot" | "get_robot" | "del_robot" | "get_room_stats" => 100,
        _ => 200,
    }
}

/// How the emulator is set up.
#[derive(Clone)]
pub struct TencentConfig {
    sdkappid: u64,
    key: String,
    admins: Vec<String>,
    limits: HashMap<String, u32>,
}

impl fmt::Debug for TencentConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TencentConfig")
            .field("sdkappid", &self.sdkappid)
            .field("key", &"***")
            .field("admins", &self.admins)
            .finish_non_exhaustive()
    }
}

impl TencentConfig {
    /// An app with this SDKAppID and key; its App Administrator is `administrator`.
    pub fn new(sdkappid: u64, key: impl Into<String>) -> Self {
        TencentConfig {
            sdkappid,
            key: key.into(),
            admins: vec!["administrator".to_owned()],
            limits: HashMap::new(),
        }
    }

    /// Adds an App Administrator account.
    #[must_use]
    pub fn admin(mut self, identifier: impl Into<String>) -> Self {
        self.admins.push(identifier.into());
        self
    }

    /// Enforces `per_second` for `command` instead of its documented rate.
    #[must_use]
    pub fn limit(mut self, command: &str, per_second: u32) -> Self {
        self.limits.insert(command.to_owned(), per_second);
        self
    }
}

/// What an injected fault does to a call.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer HTTP 200 with this `ErrorCode` (100001, 60018, 70001...).
    Code(i64),
    /// Answer this HTTP status with a gateway's HTML page (502...).
    Status(u16),
    /// Close the connection without answering.
    Drop,
}

/// One request the emulator received.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct TencentCall {
    /// The command (`get_room_list`), from the path.
    pub command: String,
    /// When it arrived (tokio time).
    pub at: Instant,
    /// The `ErrorCode` answered (0 for success; the HTTP status for HTTP faults, -1 for a drop).
    pub code: i64,
    /// The `random` query parameter.
    pub random: Option<String>,
    /// `TLS.time` of the UserSig, when it verified.
    pub usersig_time: Option<u64>,
    /// The body the client sent.
    pub body: Option<Value>,
}

struct PendingFault {
    command: String,
    remaining: usize,
    fault: Fault,
}

struct ScheduledFault {
    command: String,
    nth: usize,
    fault: Fault,
}

#[derive(Default)]
struct State {
    rooms: Rooms,
    faults: Vec<PendingFault>,
    scheduled: Vec<ScheduledFault>,
    /// Per command, how many calls reached the fault stage (passed the checks before it).
    reached: HashMap<String, usize>,
    calls: Vec<TencentCall>,
    windows: HashMap<String, VecDeque<Instant>>,
    seq: u64,
}

struct Shared {
    config: TencentConfig,
    state: Mutex<State>,
    frozen_unix: Mutex<Option<u64>>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn now_unix(&self) -> u64 {
        let frozen = *self
            .frozen_unix
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        frozen.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        })
    }

    fn limit(&self, command: &str) -> u32 {
        self.config
            .limits
            .get(command)
            .copied()
            .unwrap_or_else(|| documented_limit(command))
    }
}

/// Builds a room to put in the emulator with [`TencentEmulator::insert_room`].
#[derive(Debug, Clone)]
pub struct RoomSeed {
    room: Room,
    seats: Option<usize>,
}

impl RoomSeed {
    /// A public `Live` room owned by `owner`.
    pub fn new(room_id: impl Into<String>, owner: impl Into<String>) -> Self {
        let id = room_id.into();
        RoomSeed {
            room: Room::new(&id, &owner.into(), 1_693_271_354),
            seats: None,
        }
    }

    /// `RoomName`.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.room.name = name.into();
        self
    }

    /// `ViewCount` (the list's sort key).
    #[must_use]
    pub fn view_count(mut self, views: u64) -> Self {
        self.room.view_count = views;
        self
    }

    /// `CreateTime`.
    #[must_use]
    pub fn create_time(mut self, unix: u64) -> Self {
        self.room.create_time = unix;
        self
    }

    /// `Category`.
    #[must_use]
    pub fn category(mut self, tags: impl IntoIterator<Item = i64>) -> Self {
        self.room.category = tags.into_iter().collect();
        self
    }

    /// `CoverURL`.
    #[must_use]
    pub fn cover_url(mut self, url: impl Into<String>) -> Self {
        self.room.cover_url = url.into();
        self
    }

    /// `IsPublicVisible` (private rooms are not listed).
    #[must_use]
    pub fn public(mut self, public: bool) -> Self {
        self.room.public = public;
        self
    }

    /// Seats enabled, `count` of them.
    #[must_use]
    pub fn seats(mut self, count: usize) -> Self {
        self.seats = Some(count);
        self
    }

    /// Room members (needed to be picked onto a seat).
    #[must_use]
    pub fn members(mut self, members: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.room
            .members
            .extend(members.into_iter().map(Into::into));
        self
    }
}

/// The emulator: a loopback [`HttpServer`] answering as the live-room service. Stops when
/// dropped.
pub struct TencentEmulator {
    server: HttpServer,
    shared: Arc<Shared>,
}

impl fmt::Debug for TencentEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TencentEmulator")
            .field("url", &self.server.url())
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl TencentEmulator {
    /// Starts an emulator on a free loopback port.
    pub async fn start(config: TencentConfig) -> std::io::Result<TencentEmulator> {
        let server = HttpServer::start().await?;
        let shared = Arc::new(Shared {
            config,
            state: Mutex::new(State::default()),
            frozen_unix: Mutex::new(None),
        });
        let handler = Arc::clone(&shared);
        server.handle("*", "/v4/{service}/{command}", move |request| {
            handle(&handler, request)
        });
        Ok(TencentEmulator { server, shared })
    }

    /// `http://127.0.0.1:PORT`: the base URL for the client (`LIVE_TENCENT_URL`).
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The underlying server (raw recorded requests, extra routes).
    pub fn server(&self) -> &HttpServer {
        &self.server
    }

    /// The app's SDKAppID.
    pub fn sdkappid(&self) -> u64 {
        self.shared.config.sdkappid
    }

    /// The app's key.
    pub fn key(&self) -> &str {
        &self.shared.config.key
    }

    /// Freezes the emulator's clock (UserSig expiry, ban and mute ends) at `unix`, or lets it
    /// follow the system clock again with `None`.
    pub fn set_unix_time(&self, unix: Option<u64>) {
        *self
            .shared
            .frozen_unix
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = unix;
    }

    /// The emulator's current Unix time.
    pub fn now_unix(&self) -> u64 {
        self.shared.now_unix()
    }

    /// Adds (or replaces) a room.
    pub fn insert_room(&self, seed: RoomSeed) {
        let mut room = seed.room;
        if let Some(count) = seed.seats {
            room.set_seats(count);
        }
        self.shared.lock().rooms.rooms.insert(room.id.clone(), room);
    }

    /// Adds `count` public rooms (`live_0000`...) with varied names, owners and view counts
    /// (some equal, to exercise the tie order). Returns their ids.
    pub fn seed_rooms(&self, count: usize) -> Vec<String> {
        const OWNERS: [&str; 5] = [
            "mia_sings",
            "chef_liang",
            "zerotilt",
            "studybuddy_ken",
            "bookworm_bo",
        ];
        const TOPICS: [&str; 5] = [
            "Karaoke night",
            "Street food tour",
            "Ranked grind",
            "Lo-fi study",
            "Quiet reading",
        ];
        (0..count)
            .map(|i| {
                let id = format!("live_{i:04}");
                let views = (count - i) as u64 * 37 / 2;
                self.insert_room(
                    RoomSeed::new(&id, OWNERS[i % OWNERS.len()])
                        .name(format!("{} #{i}", TOPICS[i % TOPICS.len()]))
                        .view_count(views)
                        .category([(i % 5) as i64 + 1])
                        .cover_url(format!("https://cdn.example-live.com/covers/{i:04}.jpg"))
                        .create_time(1_693_200_000 + i as u64 * 60),
                );
                id
            })
            .collect()
    }

    /// Every room id.
    pub fn room_ids(&self) -> Vec<String> {
        self.shared.lock().rooms.rooms.keys().cloned().collect()
    }

    /// A room as `get_room_info` describes it.
    pub fn room(&self, room_id: &str) -> Option<Value> {
        self.shared
            .lock()
            .rooms
            .rooms
            .get(room_id)
            .map(Room::info_json)
    }

    /// A room's metadata.
    pub fn metadata(&self, room_id: &str) -> BTreeMap<String, String> {
        self.with_room(room_id, |r| r.metadata.clone())
            .unwrap_or_default()
    }

    /// The text messages sent into a room (`Sender_Account`, `TextContent`, `ExtensionInfo`).
    pub fn messages(&self, room_id: &str) -> Vec<Value> {
        self.with_room(room_id, |r| r.messages.clone())
            .unwrap_or_default()
    }

    /// A room's robots.
    pub fn robots(&self, room_id: &str) -> Vec<String> {
        self.with_room(room_id, |r| r.robots.clone())
            .unwrap_or_default()
    }

    /// Who sits on each seat.
    pub fn seat_occupants(&self, room_id: &str) -> Vec<Option<String>> {
        self.with_room(room_id, |r| {
            r.seats.iter().map(|s| s.member.clone()).collect()
        })
        .unwrap_or_default()
    }

    /// Makes `account` a member of the room (as a viewer entering it would).
    pub fn join(&self, room_id: &str, account: &str) {
        if let Some(room) = self.shared.lock().rooms.rooms.get_mut(room_id) {
            room.members.insert(account.to_owned());
        }
    }

    fn with_room<T>(&self, room_id: &str, f: impl FnOnce(&Room) -> T) -> Option<T> {
        self.shared.lock().rooms.rooms.get(room_id).map(f)
    }

    /// Makes the next `times` calls of `command` (that pass the checks before faults) fail as
    /// `fault` says. Faults queue up in the order they were added.
    pub fn inject(&self, command: &str, times: usize, fault: Fault) {
        self.shared.lock().faults.push(PendingFault {
            command: command.to_owned(),
            remaining: times,
            fault,
        });
    }

    /// Makes the next `times` calls of `command` answer `ErrorCode` `code`.
    pub fn fail_next(&self, command: &str, times: usize, code: i64) {
        self.inject(command, times, Fault::Code(code));
    }

    /// Makes the `nth` call (1 for the first) of `command` that passes the checks before
    /// faults fail as `fault` says: a schedule of faults across pages, set before a run.
    pub fn inject_at(&self, command: &str, nth: usize, fault: Fault) {
        self.shared.lock().scheduled.push(ScheduledFault {
            command: command.to_owned(),
            nth,
            fault,
        });
    }

    /// Every call received, in order.
    pub fn calls(&self) -> Vec<TencentCall> {
        self.shared.lock().calls.clone()
    }

    /// The calls of one command.
    pub fn calls_of(&self, command: &str) -> Vec<TencentCall> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.command == command)
            .cloned()
            .collect()
    }

    /// The most calls of `command` that arrived within any `window` (half-open: two calls a
    /// full window apart are in different windows).
    pub fn max_calls_in_window(&self, command: &str, window: Duration) -> usize {
        let times: Vec<Instant> = self.calls_of(command).iter().map(|c| c.at).collect();
        let mut best = 0;
        let mut start = 0;
        for end in 0..times.len() {
            while times[end].duration_since(times[start]) >= window {
                start += 1;
            }
            best = best.max(end - start + 1);
        }
        best
    }

    /// The calls per second enforced for `command`.
    pub fn limit_of(&self, command: &str) -> u32 {
        self.shared.limit(command)
    }
}

fn envelope(state: &mut State, code: i64, info: &str, response: Option<Value>) -> Value {
    state.seq += 1;
    let mut body = json!({
        "ActionStatus": if code == 0 { "OK" } else { "FAIL" },
        "ErrorInfo": info,
        "ErrorCode": code,
        "RequestId": format!("Id-{}-O-Seq-{}", uuid::Uuid::new_v4().simple(), 50_000 + state.seq),
    });
    if let (Some(response), Some(map)) = (response, body.as_object_mut()) {
        map.insert("Response".to_owned(), response);
    }
    body
}

/// What one request gets, and what is recorded about it.
struct Answer {
    code: i64,
    reply: Reply,
}

fn handle(shared: &Shared, request: &RecordedRequest) -> Reply {
    let command = request.param("command").unwrap_or_default().to_owned();
    let service = request.param("service").unwrap_or_default().to_owned();
    let mut state = shared.lock();
    let mut usersig_time = None;
    let answer = answer(
        shared,
        &mut state,
        request,
        &service,
        &command,
        &mut usersig_time,
    );
    state.calls.push(TencentCall {
        command,
        at: request.at,
        code: answer.code,
        random: request.query_param("random"),
        usersig_time,
        body: request.json().ok(),
    });
    answer.reply
}

fn answer(
    shared: &Shared,
    state: &mut State,
    request: &RecordedRequest,
    service: &str,
    command: &str,
    usersig_time: &mut Option<u64>,
) -> Answer {
    let config = &shared.config;
    let fail = |state: &mut State, code: i64, info: &str| Answer {
        code,
        reply: Reply::json(200, &envelope(state, code, info, None)),
    };

    // Every arrival counts in its command's window, refused ones included.
    let limit = shared.limit(command) as usize;
    let window = state.windows.entry(command.to_owned()).or_default();
    while window
        .front()
        .is_some_and(|at| request.at.duration_since(*at) >= Duration::from_secs(1))
    {
        window.pop_front();
    }
    window.push_back(request.at);
    let over_limit = window.len() > limit;

    if request.method != "POST" {
        return fail(state, 60_002, "only the POST method is supported");
    }
    let Some(sdkappid) = request.query_param("sdkappid") else {
        return fail(state, 60_012, "sdkappid is missing from the URL");
    };
    match sdkappid.parse::<u64>() {
        Ok(id) if id == config.sdkappid => {}
        Ok(_) => return fail(state, 70_020, "SDKAppID not found"),
        Err(_) => return fail(state, 60_006, "SDKAppID is invalid"),
    }
    let Some(identifier) = request.query_param("identifier").filter(|i| !i.is_empty()) else {
        return fail(state, 60_002, "identifier is missing from the URL");
    };
    if request
        .query_param("random")
        .is_none_or(|r| r.parse::<u32>().is_err())
    {
        return fail(state, 60_002, "random must be a 32-bit unsigned integer");
    }
    if request.query_param("contenttype").as_deref() != Some("json") {
        return fail(state, 60_002, "contenttype must be json");
    }
    let usersig = request.query_param("usersig").unwrap_or_default();
    match usersig::verify(
        &usersig,
        config.sdkappid,
        &identifier,
        &config.key,
        shared.now_unix(),
    ) {
        Ok(claims) => *usersig_time = Some(claims.time),
        Err(problem) => return fail(state, problem.code(), &problem.info()),
    }
    if !config.admins.contains(&identifier) {
        return fail(state, 60_010, "this API needs an App Administrator account");
    }
    let known = match service {
        LIVE_SERVICE => LIVE_COMMANDS.contains(&command),
        MIC_SERVICE => MIC_COMMANDS.contains(&command),
        _ => false,
    };
    if !known {
        return fail(
            state,
            60_009,
            &format!("no such API: v4/{service}/{command}"),
        );
    }
    if over_limit {
        return fail(
            state,
            60_007,
            &format!("REST API call frequency of {command} exceeds {limit} per second"),
        );
    }
    let reached = {
        let count = state.reached.entry(command.to_owned()).or_default();
        *count += 1;
        *count
    };
    let scheduled = state
        .scheduled
        .iter()
        .position(|f| f.command == command && f.nth == reached)
        .map(|i| state.scheduled.remove(i).fault);
    let fault = match scheduled {
        Some(fault) => Some(fault),
        None => state
            .faults
            .iter_mut()
            .find(|f| f.command == command && f.remaining > 0)
            .map(|pending| {
                pending.remaining -= 1;
                pending.fault.clone()
            }),
    };
    state.faults.retain(|f| f.remaining > 0);
    if let Some(fault) = fault {
        return match fault {
            Fault::Code(code) => fail(state, code, &injected_info(code)),
            Fault::Status(status) => Answer {
                code: i64::from(status),
                reply: Reply::text(
                    status,
                    "text/html",
                    format!("<html><body><h1>{status}</h1>gateway error</body></html>"),
                ),
            },
            Fault::Drop => Answer {
                code: -1,
                reply: Reply::drop_connection(),
            },
        };
    }
    let body: Map<String, Value> = match serde_json::from_slice::<Value>(&request.body) {
        Ok(Value::Object(map)) => map,
        _ => return fail(state, 60_003, "the request body is not a JSON object"),
    };
    let ctx = Ctx {
        caller: &identifier,
        now: shared.now_unix(),
        arrived: request.at,
    };
    match state.rooms.dispatch(command, &body, &ctx) {
        Ok(response) => Answer {
            code: 0,
            reply: Reply::json(200, &envelope(state, 0, "", response)),
        },
        Err((code, info)) => fail(state, code, &info),
    }
}

fn injected_info(code: i64) -> String {
    match code {
        100_001 => "internal server error, please retry".to_owned(),
        60_007 => "REST API call frequency exceeds the limit".to_owned(),
        60_018 | 60_019 => "request too frequent, please retry later".to_owned(),
        70_001 => "UserSig expired, please regenerate a new one".to_owned(),
        70_052 => "UserSig has been invalidated, please regenerate a new one".to_owned(),
        _ => format!("injected error {code}"),
    }
}
