//! TikTok emulator: fake room lookup (the `api-live/user/room` JSON, the `/@id/live` page with
//! its `SIGI_STATE`, `webcast/room/info`, the ttwid cookie), a fake Euler Stream (binary
//! `/webcast/fetch` with `X-Set-TT-Cookie`, 429s, API key checks, and its JSON endpoints), a
//! fake TikHub, and a webcast push server that requires `im_enter_room`, heartbeats and acks,
//! echoes heartbeats and plays scripted frames, with faults: abrupt drop, silence, gzip bomb,
//! truncated frames, handshake refusal.
//!
//! The push server speaks the schema of `crates/tiktok-webcast/proto/*.proto` through its own
//! generated copy (this crate must not depend on tiktok-webcast).

#[rustfmt::skip]
#[allow(dead_code, unreachable_pub)]
mod generated;
mod messages;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::time::Instant;

use generated::proto::webcast as proto;
pub use messages::{
    Batch, ClientFrame, FakeMessage, FakeUser, Room, control_frame, gzip, gzip_bomb_frame,
    msg_frame,
};

use crate::http::{HttpServer, RecordedRequest, Reply};
use crate::ws::{HandshakeDecision, WsConn, WsMessage, WsServer};

/// A user's state as the lookups report it.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoomState {
    /// Live in this room.
    Live {
        /// Room id.
        room_id: String,
    },
    /// Exists, not live (status 4).
    Offline,
    /// Live, for adults only (room info answers with `prompts` and status code 4003110).
    AgeRestricted {
        /// Room id.
        room_id: String,
    },
}

/// How the room lookups of tiktok.com behave.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupMode {
    /// The JSON API answers.
    Api,
    /// The JSON API is blocked (WAF HTML); the live page answers.
    PageOnly,
    /// Both are blocked (captcha pages); only Euler's `room_id` helps.
    Blocked,
}

/// One step of a push connection's script.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub enum PushStep {
    /// Send this batch as a `msg` frame (and expect an ack if it asks for one).
    Batch(Batch),
    /// Send raw bytes as a binary frame.
    Raw(Vec<u8>),
    /// Wait (tokio time), still answering heartbeats.
    Sleep(Duration),
    /// Drop the TCP connection without a close frame.
    Drop,
    /// Stop answering anything and stay open (a silent server).
    Silence,
    /// Close with a code and reason.
    Close(u16, String),
    /// Steps made when the server reaches this one: it plays what the source returns for 0,
    /// then for 1, and so on until the source returns `None`, then goes on with the steps
    /// after this one (endless scripts, or scripts stamped with the time they start).
    Generate(StepSource),
}

/// Makes a connection's script steps on demand, in rounds numbered from 0 (see
/// [`PushStep::Generate`]).
#[derive(Clone)]
pub struct StepSource {
    make: Arc<dyn Fn(u64) -> Option<Vec<PushStep>> + Send + Sync>,
    round: u64,
}

impl StepSource {
    /// A source: `make(round)` returns the steps of that round, `None` when there are no more.
    pub fn new(make: impl Fn(u64) -> Option<Vec<PushStep>> + Send + Sync + 'static) -> Self {
        StepSource {
            make: Arc::new(make),
            round: 0,
        }
    }

    /// The steps of the next round followed by the source itself, or nothing at the end.
    fn unroll(self) -> Vec<PushStep> {
        match (self.make)(self.round) {
            Some(mut steps) => {
                steps.push(PushStep::Generate(StepSource {
                    make: self.make,
                    round: self.round + 1,
                }));
                steps
            }
            None => Vec::new(),
        }
    }
}

impl std::fmt::Debug for StepSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StepSource")
            .field("round", &self.round)
            .finish_non_exhaustive()
    }
}

/// Settings of the emulator.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Users and their rooms.
    pub rooms: HashMap<String, RoomState>,
    /// How lookups behave.
    pub lookup: LookupMode,
    /// The API key Euler requires (`None`: any or none).
    pub euler_key: Option<String>,
    /// How many `/webcast/fetch` calls get a 429 first.
    pub fetch_rate_limited: usize,
    /// The bootstrap batch of each fetch call (the last repeats); its push server is filled in.
    pub fetches: Vec<Batch>,
    /// The script of each push connection (the last repeats; an empty one holds the line).
    pub scripts: Vec<Vec<PushStep>>,
    /// Refuse upgrades with HTTP 200 and these `Handshake-Status`/`Handshake-Msg` values.
    pub refuse_handshake: Option<(String, String)>,
    /// `Handshake-Options: ping-interval=N` on accepted upgrades.
    pub ping_interval_secs: Option<u64>,
    /// Close a connection whose client sends no heartbeat for this long.
    pub heartbeat_timeout: Duration,
    /// Close a connection whose client does not ack a frame within this long.
    pub ack_timeout: Duration,
    /// The cookie string Euler hands out.
    pub tt_cookie: String,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            rooms: HashMap::new(),
            lookup: LookupMode::Api,
            euler_key: None,
            fetch_rate_limited: 0,
            fetches: vec![Batch::new("cursor-0", Vec::new())],
            scripts: vec![Vec::new()],
            refuse_handshake: None,
            ping_interval_secs: None,
            heartbeat_timeout: Duration::from_secs(30),
            ack_timeout: Duration::from_secs(5),
            tt_cookie: "ttwid=1%7Cemulated%7C1700000000%7Cabcdef; Path=/; HttpOnly, tt_csrf_token=emu-csrf; Path=/".to_owned(),
        }
    }
}

impl EmulatorConfig {
    /// A config with one live user.
    pub fn live(unique_id: &str, room_id: &str) -> Self {
        let mut config = EmulatorConfig::default();
        config.rooms.insert(
            unique_id.to_owned(),
            RoomState::Live {
                room_id: room_id.to_owned(),
            },
        );
        config
    }
}

/// A client frame the push server received, with its connection and arrival time.
#[derive(Debug, Clone)]
pub struct ReceivedFrame {
    /// Which connection (0 for the first).
    pub connection: usize,
    /// When (tokio time).
    pub at: Instant,
    /// What it was.
    pub frame: ClientFrame,
}

#[derive(Default)]
struct Log {
    frames: Vec<ReceivedFrame>,
    closes: Vec<(usize, String)>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The running emulator: `web` serves tiktok.com and webcast.tiktok.com, `euler` Euler Stream,
/// `tikhub` TikHub, `push` the webcast push server.
pub struct TikTokEmulator {
    /// tiktok.com and webcast.tiktok.com.
    pub web: HttpServer,
    /// Euler Stream.
    pub euler: HttpServer,
    /// TikHub.
    pub tikhub: HttpServer,
    /// The push server.
    pub push: WsServer,
    log: Arc<Mutex<Log>>,
}

impl std::fmt::Debug for TikTokEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TikTokEmulator")
            .field("web", &self.web.url())
            .field("euler", &self.euler.url())
            .field("push", &self.push.url())
            .finish_non_exhaustive()
    }
}

impl TikTokEmulator {
    /// Starts every server on loopback.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<TikTokEmulator> {
        let config = Arc::new(config);
        let log = Arc::new(Mutex::new(Log::default()));
        let push = start_push(Arc::clone(&config), Arc::clone(&log)).await?;
        let web = HttpServer::start().await?;
        install_web(&web, &config);
        let euler = HttpServer::start().await?;
        install_euler(&euler, &config, &push.url());
        let tikhub = HttpServer::start().await?;
        install_tikhub(&tikhub);
        Ok(TikTokEmulator {
            web,
            euler,
            tikhub,
            push,
            log,
        })
    }

    /// The push server's WebSocket base URL (what fetch results name as `push_server`).
    pub fn push_url(&self) -> String {
        format!(
            "{}/webcast/im/ws_proxy/ws_reuse_supplement/",
            self.push.url()
        )
    }

    /// Every client frame received, in order.
    pub fn received(&self) -> Vec<ReceivedFrame> {
        lock(&self.log).frames.clone()
    }

    /// Why the server closed connections (`heartbeat timeout`, `ack timeout`...).
    pub fn closes(&self) -> Vec<(usize, String)> {
        lock(&self.log).closes.clone()
    }

    /// The `/webcast/fetch` requests Euler received.
    pub fn fetches(&self) -> Vec<RecordedRequest> {
        self.euler.requests_to("/webcast/fetch")
    }

    /// Waits (polling tokio time) until a client frame satisfies `predicate`.
    pub async fn wait_for_frame(
        &self,
        predicate: impl Fn(&ReceivedFrame) -> bool,
    ) -> ReceivedFrame {
        loop {
            if let Some(frame) = self.received().into_iter().find(|f| predicate(f)) {
                return frame;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

fn room_json(unique_id: &str, state: Option<&RoomState>) -> serde_json::Value {
    match state {
        None => {
            serde_json::json!({"statusCode": 19881007, "message": "user_not_found", "data": null})
        }
        Some(state) => {
            let (room_id, status) = match state {
                RoomState::Live { room_id } | RoomState::AgeRestricted { room_id } => {
                    (room_id.as_str(), 2)
                }
                RoomState::Offline => ("", 4),
            };
            serde_json::json!({
                "statusCode": 0,
                "data": {
                    "user": {
                        "id": "6796815426174960646",
                        "uniqueId": unique_id,
                        "nickname": format!("{unique_id} ✨"),
                        "roomId": room_id,
                        "secUid": format!("MS4wLjABAAAA{unique_id}"),
                        "status": status,
                    },
                    "liveRoom": {"status": status, "title": "hello from the emulator", "startTime": 1700000000},
                },
            })
        }
    }
}

const WAF_PAGE: &str = "<!DOCTYPE html><html><head><title>Please wait...</title></head><body><script>var _wafchallengeid='emu';</script></body></html>";

fn install_web(web: &HttpServer, config: &Arc<EmulatorConfig>) {
    let cfg = Arc::clone(config);
    web.handle("GET", "/api-live/user/room/", move |req| {
        if cfg.lookup != LookupMode::Api {
            return Reply::text(200, "text/html", WAF_PAGE);
        }
        let unique_id = req.query_param("uniqueId").unwrap_or_default();
        Reply::json(200, &room_json(&unique_id, cfg.rooms.get(&unique_id)))
    });
    let cfg = Arc::clone(config);
    web.handle("GET", "/{handle}/live", move |req| {
        if cfg.lookup == LookupMode::Blocked {
            return Reply::text(200, "text/html", WAF_PAGE);
        }
        let handle = req.param("handle").unwrap_or_default();
        let unique_id = handle.trim_start_matches('@');
        let state = match cfg.rooms.get(unique_id) {
            None => serde_json::json!({"AppContext": {}, "SEOState": {}}),
            Some(room) => {
                let json = room_json(unique_id, Some(room));
                serde_json::json!({
                    "AppContext": {"appContext": {"language": "en"}},
                    "LiveRoom": {"liveRoomUserInfo": {"user": json["data"]["user"], "liveRoom": json["data"]["liveRoom"]}},
                })
            }
        };
        Reply::text(
            200,
            "text/html; charset=utf-8",
            format!("<!DOCTYPE html><html><head><title>{unique_id} is LIVE</title></head><body><div id=\"app\"></div><script id=\"SIGI_STATE\" type=\"application/json\">{state}</script></body></html>"),
        )
    });
    let cfg = Arc::clone(config);
    web.handle("GET", "/webcast/room/info/", move |req| {
        let room_id = req.query_param("room_id").unwrap_or_default();
        let state = cfg.rooms.values().find(|s| match s {
            RoomState::Live { room_id: r } | RoomState::AgeRestricted { room_id: r } => *r == room_id,
            RoomState::Offline => false,
        });
        match state {
            Some(RoomState::AgeRestricted { .. }) => Reply::json(
                200,
                &serde_json::json!({"status_code": 4003110, "data": {"message": "This LIVE is age-restricted", "prompts": "Log in to watch"}}),
            ),
            Some(_) => Reply::json(
                200,
                &serde_json::json!({"status_code": 0, "data": {"id_str": room_id, "status": 2, "title": "hello from the emulator", "user_count": 1234}}),
            ),
            None => Reply::json(200, &serde_json::json!({"status_code": 0, "data": {"id_str": room_id, "status": 4}})),
        }
    });
    web.handle("GET", "/", |_req| {
        Reply::text(200, "text/html", "<!DOCTYPE html><html><body>TikTok</body></html>")
            .header("set-cookie", "ttwid=1%7Cdirect%7C1700000000%7Cfeedface; Domain=.tiktok.com; Path=/; Max-Age=31536000; HttpOnly; Secure")
            .header("set-cookie", "tt_csrf_token=emu; Path=/")
    });
}

fn euler_error(status: u16, message: &str) -> Reply {
    Reply::json(
        status,
        &serde_json::json!({"code": status, "message": message}),
    )
}

fn install_euler(euler: &HttpServer, config: &Arc<EmulatorConfig>, push_base: &str) {
    let key_ok = {
        let cfg = Arc::clone(config);
        move |req: &RecordedRequest| -> Option<Reply> {
            let expected = cfg.euler_key.as_deref()?;
            let given = req
                .header("x-api-key")
                .map(str::to_owned)
                .or_else(|| req.query_param("apiKey"))
                .or_else(|| req.header("x-jwt-key").map(str::to_owned));
            match given {
                Some(key) if key == expected => None,
                Some(_) => Some(euler_error(401, "The provided API Key is invalid.")),
                None => Some(euler_error(401, "An API key is required.")),
            }
        }
    };
    let calls = Arc::new(Mutex::new(0usize));
    let cfg = Arc::clone(config);
    let push = format!("{push_base}/webcast/im/ws_proxy/ws_reuse_supplement/");
    let check = key_ok.clone();
    euler.handle("GET", "/webcast/fetch", move |req| {
        if let Some(refusal) = check(req) {
            return refusal;
        }
        let n = {
            let mut calls = lock(&calls);
            *calls += 1;
            *calls - 1
        };
        if n < cfg.fetch_rate_limited {
            return Reply::json(
                429,
                &serde_json::json!({"message": "Too many requests", "limit_label": "rate_limit_account_minute"}),
            )
            .header("retry-after", "2")
            .header("x-log-id", format!("emu-log-{n}"));
        }
        let successful = n - cfg.fetch_rate_limited;
        let Some(mut batch) = cfg
            .fetches
            .get(successful)
            .or_else(|| cfg.fetches.last())
            .cloned()
        else {
            return euler_error(500, "no fetch result scripted");
        };
        let room_id = req.query_param("room_id").unwrap_or_default();
        if batch.push_server.is_empty() {
            batch.push_server = push.clone();
        }
        if batch.route_params.is_empty() {
            batch.route_params = vec![
                ("user_agent".to_owned(), req.query_param("user_agent").unwrap_or_default()),
                ("room_id".to_owned(), room_id.clone()),
                ("signature".to_owned(), format!("emu-sig-{successful}")),
            ];
        }
        Reply::bytes(200, "application/protobuf", batch.fetch_result())
            .header("x-set-tt-cookie", cfg.tt_cookie.clone())
            .header("x-room-id", room_id)
            .header("x-request-id", format!("emu-req-{n}"))
            .header("x-agent-id", "emu-agent")
    });
    let check = key_ok.clone();
    euler.handle("GET", "/webcast/rate_limits", move |req| {
        check(req).unwrap_or_else(|| {
            Reply::json(
                200,
                &serde_json::json!({
                    "code": 200,
                    "minute": {"max": 60, "remaining": 59, "reset_at": "2026-11-23T21:00:00.000Z"},
                    "hour": {"max": 600, "remaining": 598, "reset_at": "2026-11-23T22:00:00.000Z"},
                    "day": {"max": 5000, "remaining": 4990, "reset_at": "2026-11-24T00:00:00.000Z"},
                    "load_shedding": {"at": 0.9, "chance": 0},
                }),
            )
        })
    });
    let cfg = Arc::clone(config);
    let check = key_ok.clone();
    euler.handle("GET", "/webcast/room_id", move |req| {
        if let Some(refusal) = check(req) {
            return refusal;
        }
        let unique_id = req.query_param("uniqueId").unwrap_or_default();
        match cfg.rooms.get(&unique_id) {
            Some(RoomState::Live { room_id } | RoomState::AgeRestricted { room_id }) => Reply::json(200, &serde_json::json!({
                "code": 200, "ok": true, "routes_attempted": ["html"], "is_live": true, "room_id": room_id,
            })),
            Some(RoomState::Offline) => Reply::json(200, &serde_json::json!({
                "code": 200, "ok": true, "routes_attempted": ["html", "api"], "is_live": false, "room_id": "0",
            })),
            None => Reply::json(200, &serde_json::json!({
                "code": 404, "ok": false, "message": "User not found", "routes_attempted": ["html", "api"],
            })),
        }
    });
    let cfg = Arc::clone(config);
    let check = key_ok.clone();
    euler.handle("GET", "/webcast/room_info", move |req| {
        if let Some(refusal) = check(req) {
            return refusal;
        }
        let unique_id = req.query_param("uniqueId").unwrap_or_default();
        let (is_live, room_id, status) = match cfg.rooms.get(&unique_id) {
            Some(RoomState::Live { room_id } | RoomState::AgeRestricted { room_id }) => (true, room_id.clone(), 2),
            _ => (false, String::new(), 4),
        };
        Reply::json(200, &serde_json::json!({
            "code": 200, "ok": true, "routes_attempted": ["api"],
            "data": {
                "unique_id": unique_id,
                "raw": {"_note": "emulated"},
                "user": {"unique_id": unique_id, "nickname": format!("{unique_id} ✨"), "numeric_uid": "6796815426174960646", "is_verified": false, "followers": 3400, "following": 120},
                "room_info": {"status": status, "is_live": is_live, "id": room_id, "title": "hello from the emulator", "start_time": 1700000000, "current_viewers": 1234, "total_viewers": 56789},
            },
        }))
    });
    for path in ["/webcast/room_cover", "/webcast/room_video"] {
        let check = key_ok.clone();
        euler.handle("GET", path, move |req| {
            check(req).unwrap_or_else(|| {
                Reply::json(402, &serde_json::json!({"code": 402, "message": "This route requires the Business plan."}))
            })
        });
    }
    let check = key_ok.clone();
    euler.handle("POST", "/webcast/chat", move |req| {
        if let Some(refusal) = check(req) {
            return refusal;
        }
        let body = req.json().unwrap_or_default();
        if body["content"].as_str().unwrap_or("").is_empty() {
            return euler_error(400, "content is required");
        }
        if req.header("x-cookie-header").is_none() && req.header("x-oauth-token").is_none() {
            return euler_error(403, "Sending chats requires a TikTok session and a paid plan.");
        }
        Reply::json(200, &serde_json::json!({"code": 200, "message": "sent", "data": {"room_id": body["targetRoomId"]}}))
    });
    let check = key_ok;
    euler.handle("POST", "/webcast/sign_url", move |req| {
        if let Some(refusal) = check(req) {
            return refusal;
        }
        let body = req.json().unwrap_or_default();
        let url = body["url"].as_str().unwrap_or("").to_owned();
        Reply::json(
            200,
            &serde_json::json!({
                "code": 200,
                "response": {
                    "signedUrl": format!("{url}&msToken=emu&X-Bogus=emu"),
                    "userAgent": body["userAgent"],
                    "browserName": "Mozilla",
                    "tokens": {"msToken": "emu"},
                    "requestHeaders": {},
                    "cookies": [],
                },
            }),
        )
    });
}

fn install_tikhub(tikhub: &HttpServer) {
    let auth_ok = |req: &RecordedRequest| {
        req.header("authorization")
            .is_some_and(|a| a.starts_with("Basic ") || a.starts_with("Bearer "))
    };
    tikhub.handle("GET", "/api/v1//live/info", move |req| {
        if !auth_ok(req) {
            return Reply::json(401, &serde_json::json!({"code": 401, "msg": "Unauthorized"}));
        }
        let room_id = req.query_param("room_id").unwrap_or_default();
        if room_id == "428" {
            return Reply::json(428, &serde_json::json!({"code": 428, "msg": "Account key session expired"}));
        }
        if room_id.is_empty() {
            return Reply::json(400, &serde_json::json!({"code": 400, "msg": "room_id is required"}));
        }
        Reply::json(200, &serde_json::json!({
            "code": 0, "msg": "success",
            "data": {"data": {"id": room_id.parse::<u64>().unwrap_or(0), "id_str": room_id, "status": 2, "title": "hello from the emulator", "user_count": 1234, "owner": {"id_str": req.query_param("user_id").unwrap_or_default(), "display_id": "alice_01"}}},
        }))
    });
    for path in [
        "/api/v1/tiktok/app/v3/fetch_live_ranking_list",
        "/api/v1/tiktok/app/v3/fetch_live_daily_rank",
        "/api/v1/tiktok/app/v3/check_live_room_online",
        "/api/v1/tikhub/user/get_user_info",
    ] {
        tikhub.handle("GET", path, move |req| {
            if !auth_ok(req) {
                return Reply::json(401, &serde_json::json!({"code": 401, "msg": "Unauthorized"}));
            }
            Reply::json(200, &serde_json::json!({"code": 200, "router": req.path, "params": {}, "data": {"ok": true}}))
        });
    }
}

async fn start_push(
    config: Arc<EmulatorConfig>,
    log: Arc<Mutex<Log>>,
) -> std::io::Result<WsServer> {
    let handshake_config = Arc::clone(&config);
    WsServer::builder()
        .handshake(move |request| {
            if let Some((status, message)) = &handshake_config.refuse_handshake {
                return HandshakeDecision::Reject {
                    status: 200,
                    headers: vec![
                        ("Handshake-Status".to_owned(), status.clone()),
                        ("Handshake-Msg".to_owned(), message.clone()),
                    ],
                    body: None,
                };
            }
            // TikTok fingerprints the client: no user agent, no entry.
            if request.header("user-agent").is_none_or(str::is_empty) {
                return HandshakeDecision::Reject {
                    status: 200,
                    headers: vec![
                        ("Handshake-Status".to_owned(), "415".to_owned()),
                        ("Handshake-Msg".to_owned(), "DEVICE_BLOCKED".to_owned()),
                    ],
                    body: None,
                };
            }
            let headers = handshake_config
                .ping_interval_secs
                .map(|s| vec![("Handshake-Options".to_owned(), format!("ping-interval={s}"))])
                .unwrap_or_default();
            HandshakeDecision::Accept(headers)
        })
        .start(move |conn| serve_push(conn, Arc::clone(&config), Arc::clone(&log)))
        .await
}

/// Why a push connection ended on the server's side.
enum Ended {
    ClientGone,
    Closed(String),
    Scripted,
}

async fn serve_push(mut conn: WsConn, config: Arc<EmulatorConfig>, log: Arc<Mutex<Log>>) {
    let index = conn.index();
    let steps = config
        .scripts
        .get(index)
        .or_else(|| config.scripts.last())
        .cloned()
        .unwrap_or_default();
    let record = |frame: ClientFrame| {
        lock(&log).frames.push(ReceivedFrame {
            connection: index,
            at: Instant::now(),
            frame: frame.clone(),
        });
        frame
    };
    // The client must enter the room first.
    let entered = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match conn.recv().await {
                None => return false,
                Some(WsMessage::Binary(bytes)) => {
                    if matches!(
                        record(ClientFrame::decode(&bytes)),
                        ClientFrame::EnterRoom { .. }
                    ) {
                        return true;
                    }
                }
                Some(_) => {}
            }
        }
    })
    .await;
    if entered != Ok(true) {
        lock(&log)
            .closes
            .push((index, "no im_enter_room".to_owned()));
        return conn.close(1000, "payload_handler_enter").await;
    }
    let _ = conn
        .send(WsMessage::Binary(control_frame("im_enter_room_resp", b"")))
        .await;
    let mut steps = VecDeque::from(steps);
    let mut awaiting_acks: Vec<(i64, Instant)> = Vec::new();
    let mut last_heartbeat = Instant::now();
    let mut sleep_until: Option<Instant> = None;
    let ended = loop {
        let now = Instant::now();
        if now.duration_since(last_heartbeat) >= config.heartbeat_timeout {
            break Ended::Closed("heartbeat timeout".to_owned());
        }
        if awaiting_acks.iter().any(|(_, deadline)| *deadline <= now) {
            break Ended::Closed("ack timeout".to_owned());
        }
        let next_deadline = [
            Some(last_heartbeat + config.heartbeat_timeout),
            awaiting_acks.iter().map(|(_, d)| *d).min(),
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(now + Duration::from_secs(3600));
        // Play steps until one needs waiting.
        if sleep_until.is_none_or(|until| until <= now) {
            sleep_until = None;
            match steps.pop_front() {
                Some(PushStep::Batch(batch)) => {
                    if batch.need_ack {
                        awaiting_acks.push((batch.log_id, now + config.ack_timeout));
                    }
                    if conn.send(WsMessage::Binary(batch.frame())).await.is_err() {
                        break Ended::ClientGone;
                    }
                    continue;
                }
                Some(PushStep::Raw(bytes)) => {
                    if conn.send(WsMessage::Binary(bytes)).await.is_err() {
                        break Ended::ClientGone;
                    }
                    continue;
                }
                Some(PushStep::Sleep(duration)) => {
                    sleep_until = Some(now + duration);
                    continue;
                }
                Some(PushStep::Drop) => {
                    lock(&log).closes.push((index, "dropped".to_owned()));
                    return conn.drop_abruptly();
                }
                Some(PushStep::Silence) => {
                    lock(&log).closes.push((index, "silent".to_owned()));
                    return conn.hold_silently().await;
                }
                Some(PushStep::Close(code, reason)) => {
                    lock(&log).closes.push((index, format!("closed {code}")));
                    return conn.close(code, &reason).await;
                }
                Some(PushStep::Generate(source)) => {
                    for step in source.unroll().into_iter().rev() {
                        steps.push_front(step);
                    }
                    continue;
                }
                None => sleep_until = Some(now + Duration::from_secs(3600)),
            }
        }
        let wake = sleep_until.map_or(next_deadline, |until| until.min(next_deadline));
        tokio::select! {
            _ = tokio::time::sleep_until(wake) => {}
            message = conn.recv() => match message {
                None => break Ended::ClientGone,
                Some(WsMessage::Binary(bytes)) => match record(ClientFrame::decode(&bytes)) {
                    ClientFrame::Heartbeat { .. } => {
                        last_heartbeat = Instant::now();
                        // The server echoes each heartbeat.
                        if conn.send(WsMessage::Binary(control_frame("hb", b""))).await.is_err() {
                            break Ended::ClientGone;
                        }
                    }
                    ClientFrame::Ack { log_id, .. } => awaiting_acks.retain(|(id, _)| *id != log_id),
                    _ => {}
                },
                Some(WsMessage::Close(_)) => break Ended::Scripted,
                Some(_) => {}
            },
        }
    };
    if let Ended::Closed(reason) = ended {
        lock(&log).closes.push((index, reason.clone()));
        conn.close(1000, &reason).await;
    }
}
