//! The Kick emulator: a fake kick.com and web.kick.com (channel lookup, viewer counts,
//! transport negotiation, guest tokens), a Pusher-protocol 7 server and a Centrifugo-style
//! server, both publishing whatever Kick events a test or a demo scripts, with fault
//! injection: close codes, silence, malformed JSON, bad `data` strings, oversized frames,
//! a forced restart, Cloudflare-style blocks.
//!
//! The Pusher server behaves as kick.md §2 and §7 describe real servers: it checks the app
//! key (`pusher:error` 4001 then close 4001), announces `activity_timeout`, confirms
//! subscriptions (with or without `data`), answers `pusher:ping`, refuses client events
//! (4301), can ping the client itself and close with 4201 when no pong comes. The Centrifugo
//! server insists on `Origin: https://kick.com`, checks the guest token, answers connect,
//! subscribe, refresh and unsubscribe, pings with `{}`, and wraps publications as Kick's web
//! socket does.

mod centrifugo;
mod pusher;
pub mod soketi;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::http::{HttpServer, RecordedRequest, Reply};
use crate::ws::{HandshakeDecision, WsServer};

/// The app key the emulated Pusher server accepts by default.
pub const APP_KEY: &str = "32cbd69e4b950bf97679";

/// A channel the fake kick.com knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmuChannel {
    /// `kick.com/SLUG`.
    pub slug: String,
    /// The broadcaster's username.
    pub username: String,
    /// The channel id.
    pub channel_id: u64,
    /// The broadcaster's user id.
    pub user_id: u64,
    /// The chatroom id.
    pub chatroom_id: u64,
    /// The current livestream: id, viewers, title (`None` when offline).
    pub livestream: Option<(u64, u64, String)>,
}

impl EmuChannel {
    /// A live channel with derived ids: chatroom `n`, channel `n + 176`, user `n + 85_000`,
    /// livestream `n * 10`, 1200 viewers.
    pub fn live(slug: &str, n: u64) -> Self {
        EmuChannel {
            slug: slug.to_owned(),
            username: slug.to_owned(),
            channel_id: n + 176,
            user_id: n + 85_000,
            chatroom_id: n,
            livestream: Some((n * 10, 1200, format!("{slug} live"))),
        }
    }

    /// The same channel, offline.
    #[must_use]
    pub fn offline(mut self) -> Self {
        self.livestream = None;
        self
    }

    /// The five public channel names Kick publishes this channel's events on.
    pub fn aliases(&self) -> [String; 5] {
        let (c, id) = (self.chatroom_id, self.channel_id);
        [
            format!("chatrooms.{c}.v2"),
            format!("chatrooms.{c}"),
            format!("chatroom_{c}"),
            format!("channel.{id}"),
            format!("channel_{id}"),
        ]
    }

    /// `chatrooms.{chatroom}.v2`, where chat arrives.
    pub fn chat_channel(&self) -> String {
        format!("chatrooms.{}.v2", self.chatroom_id)
    }

    /// What `GET /api/v2/channels/{slug}` answers.
    pub fn lookup_json(&self) -> Value {
        json!({
            "id": self.channel_id,
            "user_id": self.user_id,
            "slug": self.slug,
            "is_banned": false,
            "playback_url": format!("https://playback.example.invalid/{}.m3u8?token=SIGNED", self.slug),
            "vod_enabled": true,
            "subscription_enabled": true,
            "followers_count": 4821,
            "livestream": self.livestream.as_ref().map(|(id, viewers, title)| json!({
                "id": id,
                "slug": format!("{id}-{}", self.slug),
                "channel_id": self.channel_id,
                "created_at": "2026-11-23 18:00:00",
                "session_title": title,
                "is_live": true,
                "start_time": "2026-11-23 18:00:00",
                "language": "English",
                "is_mature": false,
                "viewer_count": viewers,
            })),
            "user": {"id": self.user_id, "username": self.username, "bio": ""},
            "chatroom": {
                "id": self.chatroom_id,
                "chatable_type": "App\\Models\\Channel",
                "channel_id": self.channel_id,
                "chat_mode": "public",
                "slow_mode": false,
                "followers_mode": false,
                "subscribers_mode": false,
                "emotes_mode": false,
                "message_interval": 0,
                "following_min_duration": 0,
            },
        })
    }
}

/// Which transports the negotiation endpoint offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    /// Centrifugo first, then Pusher (what Kick's web client gets since autumn 2026).
    Both,
    /// Only Centrifugo.
    Centrifugo,
    /// Only Pusher (the app key and cluster).
    Pusher,
    /// The endpoint answers HTTP 500.
    Fail,
}

/// A fault or command sent to one live connection.
#[derive(Debug, Clone)]
pub(crate) enum ConnCommand {
    Send(String),
    Close(u16, String),
    Drop,
}

#[derive(Debug)]
pub(crate) struct ConnEntry {
    pub(crate) id: u64,
    pub(crate) centrifugo: bool,
    pub(crate) channels: HashSet<String>,
    pub(crate) tx: mpsc::UnboundedSender<ConnCommand>,
}

/// Settings that tests change while the emulator runs.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) app_key: String,
    pub(crate) activity_timeout: u64,
    pub(crate) subscription_data: bool,
    pub(crate) silent: bool,
    pub(crate) server_ping: Option<Duration>,
    pub(crate) offer: Offer,
    pub(crate) blocked: bool,
    pub(crate) centrifugo_ping: u64,
    pub(crate) token_ttl: u64,
}

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) settings: Mutex<Settings>,
    channels: Mutex<Vec<EmuChannel>>,
    viewers: Mutex<HashMap<u64, u64>>,
    pub(crate) conns: Mutex<Vec<ConnEntry>>,
    /// Every subscribe received, per channel, over the emulator's life.
    pub(crate) subscribes: Mutex<HashMap<String, usize>>,
    pub(crate) tokens: Mutex<HashSet<String>>,
    pub(crate) next_id: AtomicU64,
    pub(crate) centrifugo_url: Mutex<String>,
    pub(crate) pings_received: AtomicU64,
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

impl State {
    pub(crate) fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    pub(crate) fn register(&self, centrifugo: bool) -> (u64, mpsc::UnboundedReceiver<ConnCommand>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::unbounded_channel();
        lock(&self.conns).push(ConnEntry {
            id,
            centrifugo,
            channels: HashSet::new(),
            tx,
        });
        (id, rx)
    }

    pub(crate) fn unregister(&self, id: u64) {
        lock(&self.conns).retain(|c| c.id != id);
    }

    pub(crate) fn subscribe(&self, id: u64, channel: &str) {
        if let Some(conn) = lock(&self.conns).iter_mut().find(|c| c.id == id) {
            conn.channels.insert(channel.to_owned());
        }
        *lock(&self.subscribes)
            .entry(channel.to_owned())
            .or_default() += 1;
    }

    pub(crate) fn unsubscribe(&self, id: u64, channel: &str) {
        if let Some(conn) = lock(&self.conns).iter_mut().find(|c| c.id == id) {
            conn.channels.remove(channel);
        }
    }

    fn each(
        &self,
        centrifugo: Option<bool>,
        command: impl Fn(&ConnEntry) -> Option<ConnCommand>,
    ) -> usize {
        let conns = lock(&self.conns);
        let mut sent = 0;
        for conn in conns.iter() {
            if centrifugo.is_some_and(|c| c != conn.centrifugo) {
                continue;
            }
            if let Some(cmd) = command(conn)
                && conn.tx.send(cmd).is_ok()
            {
                sent += 1;
            }
        }
        sent
    }
}

/// A running Kick emulator. It stops when dropped.
#[derive(Debug)]
pub struct KickEmulator {
    api: HttpServer,
    pusher: WsServer,
    centrifugo: WsServer,
    state: Arc<State>,
}

impl KickEmulator {
    /// Starts the three servers on free loopback ports with no channel.
    pub async fn start() -> std::io::Result<KickEmulator> {
        let state = Arc::new(State {
            settings: Mutex::new(Settings {
                app_key: APP_KEY.to_owned(),
                activity_timeout: 120,
                subscription_data: true,
                silent: false,
                server_ping: None,
                offer: Offer::Both,
                blocked: false,
                centrifugo_ping: 25,
                token_ttl: 2700,
            }),
            channels: Mutex::new(Vec::new()),
            viewers: Mutex::new(HashMap::new()),
            conns: Mutex::new(Vec::new()),
            subscribes: Mutex::new(HashMap::new()),
            tokens: Mutex::new(HashSet::new()),
            next_id: AtomicU64::new(1),
            centrifugo_url: Mutex::new(String::new()),
            pings_received: AtomicU64::new(0),
        });
        let pusher_state = Arc::clone(&state);
        let pusher =
            WsServer::start(move |conn| pusher::serve(conn, Arc::clone(&pusher_state))).await?;
        let centrifugo_state = Arc::clone(&state);
        let centrifugo = WsServer::builder()
            .handshake(|request| {
                if request.header("origin") == Some("https://kick.com") {
                    HandshakeDecision::Accept(Vec::new())
                } else {
                    HandshakeDecision::Reject {
                        status: 403,
                        headers: Vec::new(),
                        body: Some("origin not allowed".to_owned()),
                    }
                }
            })
            .start(move |conn| centrifugo::serve(conn, Arc::clone(&centrifugo_state)))
            .await?;
        *lock(&state.centrifugo_url) = format!("{}/connection/websocket", centrifugo.url());
        let api = HttpServer::start().await?;
        install_routes(&api, &state);
        Ok(KickEmulator {
            api,
            pusher,
            centrifugo,
            state,
        })
    }

    /// Adds a channel to the fake kick.com (its lookup and viewer count).
    pub fn add_channel(&self, channel: EmuChannel) {
        if let Some((id, viewers, _)) = &channel.livestream {
            lock(&self.state.viewers).insert(*id, *viewers);
        }
        lock(&self.state.channels).push(channel);
    }

    /// Sets a livestream's viewer count (what `current-viewers` answers).
    pub fn set_viewers(&self, livestream_id: u64, viewers: u64) {
        lock(&self.state.viewers).insert(livestream_id, viewers);
    }

    /// The kick.com base URL (`LIVE_KICK_API_URL`).
    pub fn api_url(&self) -> String {
        self.api.url()
    }

    /// The web.kick.com base URL (`LIVE_KICK_WEB_URL`); the same server as the API.
    pub fn web_url(&self) -> String {
        self.api.url()
    }

    /// The Pusher URL with the accepted app key (`LIVE_KICK_PUSHER_URL`).
    pub fn pusher_url(&self) -> String {
        self.pusher_url_with_key(APP_KEY)
    }

    /// The Pusher URL with another app key (a wrong key is refused with 4001).
    pub fn pusher_url_with_key(&self, key: &str) -> String {
        format!(
            "{}/app/{key}?protocol=7&client=js&version=8.4.0&flash=false",
            self.pusher.url()
        )
    }

    /// The Centrifugo URL the negotiation hands out.
    pub fn centrifugo_url(&self) -> String {
        lock(&self.state.centrifugo_url).clone()
    }

    /// Every HTTP request the fake kick.com received.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.api.requests()
    }

    /// The Pusher server (recorded client messages, connection count).
    pub fn pusher_server(&self) -> &WsServer {
        &self.pusher
    }

    /// The Centrifugo server.
    pub fn centrifugo_server(&self) -> &WsServer {
        &self.centrifugo
    }

    /// Connections open now (both transports).
    pub fn open_connections(&self) -> usize {
        lock(&self.state.conns).len()
    }

    /// How many subscribe commands for `channel` were received so far (both transports).
    pub fn subscribe_count(&self, channel: &str) -> usize {
        lock(&self.state.subscribes)
            .get(channel)
            .copied()
            .unwrap_or(0)
    }

    /// How many `pusher:ping` / `{}` pongs from clients the servers received.
    pub fn client_pings(&self) -> u64 {
        self.state.pings_received.load(Ordering::Relaxed)
    }

    /// Waits until `channel` was subscribed at least `n` times in total (polling every 5 ms of
    /// tokio time).
    pub async fn wait_for_subscribes(&self, channel: &str, n: usize) {
        while self.subscribe_count(channel) < n {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits until at least one open connection is subscribed to `channel`.
    pub async fn wait_for_subscribed(&self, channel: &str) {
        loop {
            let subscribed = lock(&self.state.conns)
                .iter()
                .any(|c| c.channels.contains(channel));
            if subscribed {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Publishes a Kick event on a channel to every subscribed connection of both transports;
    /// `data` is the text of Pusher's `data` string (usually JSON). Returns the deliveries.
    pub fn publish(&self, channel: &str, event: &str, data: &str) -> usize {
        let pusher_frame = json!({"event": event, "data": data, "channel": channel}).to_string();
        let centrifugo_frame = centrifugo::publication(channel, event, data);
        self.state.each(None, |conn| {
            conn.channels.contains(channel).then(|| {
                ConnCommand::Send(if conn.centrifugo {
                    centrifugo_frame.clone()
                } else {
                    pusher_frame.clone()
                })
            })
        })
    }

    /// Publishes several events in one Centrifugo frame (one JSON object a line).
    pub fn publish_batch_centrifugo(&self, events: &[(&str, &str, &str)]) -> usize {
        let frame: Vec<String> = events
            .iter()
            .map(|(channel, event, data)| centrifugo::publication(channel, event, data))
            .collect();
        let frame = frame.join("\n");
        self.state
            .each(Some(true), |_| Some(ConnCommand::Send(frame.clone())))
    }

    /// Sends a raw text frame to every Pusher connection (malformed JSON, odd frames).
    pub fn send_raw_pusher(&self, text: &str) -> usize {
        self.state
            .each(Some(false), |_| Some(ConnCommand::Send(text.to_owned())))
    }

    /// Sends a raw text frame to every Centrifugo connection.
    pub fn send_raw_centrifugo(&self, text: &str) -> usize {
        self.state
            .each(Some(true), |_| Some(ConnCommand::Send(text.to_owned())))
    }

    /// Sends a text frame of `bytes` bytes to every Pusher connection.
    pub fn send_oversized_pusher(&self, bytes: usize) -> usize {
        let text = format!(
            r#"{{"event":"App\\Events\\ChatMessageEvent","channel":"x","data":"{}"}}"#,
            "x".repeat(bytes)
        );
        self.send_raw_pusher(&text)
    }

    /// Closes every connection with this close code (Pusher servers send `pusher:error`
    /// with the same code first, as soketi does).
    pub fn close_all(&self, code: u16, reason: &str) -> usize {
        let error =
            json!({"event": "pusher:error", "data": {"code": code, "message": reason}}).to_string();
        self.state
            .each(Some(false), |_| Some(ConnCommand::Send(error.clone())));
        self.state
            .each(None, |_| Some(ConnCommand::Close(code, reason.to_owned())))
    }

    /// Drops every connection without a close frame: a forced server restart.
    pub fn restart(&self) -> usize {
        self.state.each(None, |_| Some(ConnCommand::Drop))
    }

    /// Centrifugo: sends `push.disconnect` with this code, then closes with it.
    pub fn centrifugo_disconnect(&self, code: u16, reason: &str) -> usize {
        let push = json!({"push": {"disconnect": {"code": code, "reason": reason}}}).to_string();
        self.state
            .each(Some(true), |_| Some(ConnCommand::Send(push.clone())));
        self.state.each(Some(true), |_| {
            Some(ConnCommand::Close(code, reason.to_owned()))
        })
    }

    /// Centrifugo: the server unsubscribes `channel` with `code` (2500–2999: subscribe again).
    pub fn centrifugo_unsubscribe(&self, channel: &str, code: u16) -> usize {
        let push = json!({"push": {"channel": channel, "unsubscribe": {"code": code, "reason": "server unsubscribe"}}}).to_string();
        let sent = self.state.each(Some(true), |conn| {
            conn.channels
                .contains(channel)
                .then(|| ConnCommand::Send(push.clone()))
        });
        for conn in lock(&self.state.conns).iter_mut() {
            if conn.centrifugo {
                conn.channels.remove(channel);
            }
        }
        sent
    }

    /// Stops answering and sending anything (pings included) while `silent`.
    pub fn set_silent(&self, silent: bool) {
        lock(&self.state.settings).silent = silent;
    }

    /// The `activity_timeout` announced in `connection_established` (default 120 s).
    pub fn set_activity_timeout(&self, secs: u64) {
        lock(&self.state.settings).activity_timeout = secs;
    }

    /// Whether `subscription_succeeded` carries `"data":"{}"` (real Pusher) or none (soketi).
    pub fn set_subscription_data(&self, with_data: bool) {
        lock(&self.state.settings).subscription_data = with_data;
    }

    /// Makes the Pusher server ping idle clients after `after` and close with 4201 when no
    /// pong comes within 30 s (sockudo's behaviour); `None` turns it off.
    pub fn set_server_ping(&self, after: Option<Duration>) {
        lock(&self.state.settings).server_ping = after;
    }

    /// What the negotiation endpoint offers.
    pub fn set_offer(&self, offer: Offer) {
        lock(&self.state.settings).offer = offer;
    }

    /// Answers kick.com lookups with a Cloudflare challenge (HTTP 403 HTML) while `blocked`.
    pub fn set_blocked(&self, blocked: bool) {
        lock(&self.state.settings).blocked = blocked;
    }

    /// Centrifugo's ping interval and token lifetime announced in the connect reply.
    pub fn set_centrifugo_timing(&self, ping_secs: u64, token_ttl_secs: u64) {
        let mut settings = lock(&self.state.settings);
        settings.centrifugo_ping = ping_secs;
        settings.token_ttl = token_ttl_secs;
    }
}

const CHALLENGE: &str = "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title></head><body><noscript>Enable JavaScript and cookies to continue</noscript><script src=\"/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1\"></script></body></html>";

fn install_routes(api: &HttpServer, state: &Arc<State>) {
    let s = Arc::clone(state);
    api.handle("GET", "/api/v2/channels/{slug}", move |request| {
        if s.settings().blocked {
            return Reply::text(403, "text/html; charset=UTF-8", CHALLENGE)
                .header("cf-mitigated", "challenge");
        }
        let slug = request
            .param("slug")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let channels = lock(&s.channels);
        match channels
            .iter()
            .find(|c| c.slug.to_ascii_lowercase() == slug)
        {
            Some(channel) => Reply::json(200, &channel.lookup_json()),
            None => Reply::json(404, &json!({"message": "Not Found."})),
        }
    });
    let s = Arc::clone(state);
    api.handle("GET", "/current-viewers", move |request| {
        if s.settings().blocked {
            return Reply::text(403, "text/html; charset=UTF-8", CHALLENGE);
        }
        let viewers = lock(&s.viewers);
        let rows: Vec<Value> = request
            .query_params("ids[]")
            .iter()
            .filter_map(|id| id.parse::<u64>().ok())
            .filter_map(|id| {
                viewers
                    .get(&id)
                    .map(|v| json!({"livestream_id": id, "viewers": v}))
            })
            .collect();
        Reply::json(200, &Value::Array(rows))
    });
    let s = Arc::clone(state);
    api.handle(
        "POST",
        "/api/v1/realtime/channels/{channel_id}/chat/connection",
        move |request| {
            if request.header("origin") != Some("https://kick.com") {
                return Reply::json(403, &json!({"message": "Forbidden"}));
            }
            let centrifugo = json!({"provider": "centrifugo", "credentials": {"url": lock(&s.centrifugo_url).clone()}});
            let pusher = json!({"provider": "pusher", "credentials": {"app_key": s.settings().app_key, "cluster": "us2"}});
            let connections = match s.settings().offer {
                Offer::Both => vec![centrifugo, pusher],
                Offer::Centrifugo => vec![centrifugo],
                Offer::Pusher => vec![pusher],
                Offer::Fail => return Reply::json(500, &json!({"message": "Server Error"})),
            };
            Reply::json(
                200,
                &json!({"data": {"connections": connections, "mode": "websocket"}, "message": "success"}),
            )
        },
    );
    let s = Arc::clone(state);
    api.handle("POST", "/api/v1/realtime/auth/connection", move |request| {
        if request.header("origin") != Some("https://kick.com") {
            return Reply::json(403, &json!({"message": "Forbidden"}));
        }
        let client = request
            .json()
            .ok()
            .and_then(|b| b["client_id"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let token = format!(
            "eyJhbGciOiJIUzI1NiJ9.guest-{client}.{}",
            s.next_id.fetch_add(1, Ordering::Relaxed)
        );
        lock(&s.tokens).insert(token.clone());
        Reply::json(
            200,
            &json!({"data": {"token": token}, "message": "success"}),
        )
    });
}
