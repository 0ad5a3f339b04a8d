//! The client's task: owns the socket, the decoder and the timers. One `select!` loop; every
//! send happens inside a branch body, never as a branch future (sending is not cancel-safe).

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use live_http::ws::{self, WsConnection, WsErrorKind, WsMessage, WsOptions};
use live_http::{Backoff, Secret};
use live_model::Timestamp;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

use super::backlog::Backlog;
use super::{Command, Config, Transport};
use crate::api::{KickApi, Offer};
use crate::centrifugo::{self, DisconnectAction, Reply};
use crate::decoder::{Decoded, KickDecoder, Signal};
use crate::error::{Error, Result};
use crate::event::{ErrorKind, KickEvent, TransportKind};
use crate::frame::{FrameSource, LifecycleRecord, LifecycleState, RawFrame};
use crate::pusher::{self, CloseAction};

type Connecting =
    Pin<Box<dyn Future<Output = std::result::Result<Box<Opened>, ConnectFailure>> + Send>>;

struct Opened {
    ws: WsConnection,
    transport: TransportKind,
    token: Option<Secret>,
}

struct ConnectFailure {
    message: String,
    /// A refusal no retry mends (Pusher 4000–4099 at the upgrade).
    refused: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Deadline {
    /// The server's handshake (`connection_established`, connect reply) is due.
    Handshake,
    /// Time to ping (Pusher) after silence.
    Activity,
    /// Our ping was not answered.
    Pong,
    /// Centrifugo's server ping is overdue.
    ServerPing,
}

struct Open {
    ws: WsConnection,
    transport: TransportKind,
    ready: bool,
    activity: Duration,
    deadline: Instant,
    deadline_kind: Deadline,
    last_received: Instant,
    last_sent: Instant,
    opened_at: Instant,
    /// Rooms whose subscriptions were confirmed on this socket.
    confirmed: HashSet<String>,
    /// Channels subscribed on this socket.
    subscribed: HashSet<String>,
    /// Centrifugo: command id → channel of pending subscribes.
    pending: HashMap<u64, String>,
    next_id: u64,
    refresh_at: Option<Instant>,
    server_ping: Option<Duration>,
    token: Option<Secret>,
    close: Option<(u16, String)>,
    last_error_code: Option<i64>,
}

enum Phase {
    Idle,
    Waiting(Instant),
    Connecting(Connecting),
    Open(Box<Open>),
    Stopped,
}

enum PhaseEvent {
    RetryDue,
    Connected(std::result::Result<Box<Opened>, ConnectFailure>),
    Message(Option<std::result::Result<WsMessage, ws::WsError>>),
    Deadline,
    RefreshDue,
}

async fn next_phase_event(phase: &mut Phase) -> PhaseEvent {
    match phase {
        Phase::Idle | Phase::Stopped => std::future::pending().await,
        Phase::Waiting(until) => {
            sleep_until(*until).await;
            PhaseEvent::RetryDue
        }
        Phase::Connecting(connecting) => PhaseEvent::Connected(connecting.as_mut().await),
        Phase::Open(open) => {
            let refresh = open.refresh_at;
            tokio::select! {
                message = open.ws.next() => PhaseEvent::Message(message),
                _ = sleep_until(open.deadline) => PhaseEvent::Deadline,
                _ = async {
                    match refresh {
                        Some(at) => sleep_until(at).await,
                        None => std::future::pending().await,
                    }
                } => PhaseEvent::RefreshDue,
            }
        }
    }
}

/// Livestreams per `current-viewers` request: thousands of ids would not fit one URL.
const VIEWER_BATCH: usize = 100;

enum Background {
    /// One answer; `last` ends the poll.
    Viewers(Result<String>, bool),
    Token(Result<Secret>),
}

/// How to wait before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    Close(CloseAction),
    /// After a terminal Centrifugo code.
    Terminal,
}

pub(crate) struct Driver {
    config: Config,
    api: KickApi,
    decoder: KickDecoder,
    events: mpsc::Sender<KickEvent>,
    commands: mpsc::Receiver<Command>,
    cancel: CancellationToken,
    phase: Phase,
    background: JoinSet<()>,
    bg_tx: mpsc::Sender<Background>,
    bg_rx: mpsc::Receiver<Background>,
    poll_at: Option<Instant>,
    poll_in_flight: bool,
    poll_failing: bool,
    backoff: Backoff,
    terminal_backoff: Backoff,
    attempt: u32,
    client_id: String,
    prefer_pusher: bool,
    /// What the consumer had no room for, delivered before anything new.
    backlog: Backlog,
    started: (Instant, Timestamp),
    outcome: Result<()>,
    decoded: Decoded,
}

impl Driver {
    pub(crate) fn new(
        config: Config,
        api: KickApi,
        events: mpsc::Sender<KickEvent>,
        commands: mpsc::Receiver<Command>,
        cancel: CancellationToken,
    ) -> Self {
        let (bg_tx, bg_rx) = mpsc::channel(8);
        let backoff = Backoff::new(config.reconnect.base_delay, config.reconnect.max_delay);
        let terminal_backoff = Backoff::new(
            config.reconnect.terminal_delay,
            config.reconnect.terminal_max_delay,
        );
        Driver {
            decoder: KickDecoder::new(config.decoder.clone()),
            config,
            api,
            events,
            commands,
            cancel,
            phase: Phase::Idle,
            background: JoinSet::new(),
            bg_tx,
            bg_rx,
            poll_at: None,
            poll_in_flight: false,
            poll_failing: false,
            backoff,
            terminal_backoff,
            attempt: 0,
            client_id: uuid::Uuid::new_v4().to_string(),
            prefer_pusher: false,
            backlog: Backlog::default(),
            started: (Instant::now(), Timestamp::now()),
            outcome: Ok(()),
            decoded: Decoded::default(),
        }
    }

    /// The wall clock, advanced by tokio's clock (so paused-time tests see time move).
    fn now(&self) -> Timestamp {
        let elapsed = Instant::now().saturating_duration_since(self.started.0);
        Timestamp::from_unix_nanos(self.started.1.unix_nanos() + elapsed.as_nanos() as i128)
    }

    pub(crate) async fn run(mut self) -> Result<()> {
        // One wait for the driver's life, not one registered and dropped per frame.
        let cancelled = self.cancel.clone().cancelled_owned();
        tokio::pin!(cancelled);
        loop {
            if matches!(self.phase, Phase::Stopped) {
                break;
            }
            let poll_due = self.poll_at.filter(|_| !self.poll_in_flight);
            let event = tokio::select! {
                biased;
                _ = &mut cancelled => break,
                room = async { self.events.reserve().await.is_ok() }, if !self.backlog.is_empty() => {
                    // Nobody listens any more when there is never room.
                    if !room || !self.flush_backlog() {
                        break;
                    }
                    continue;
                }
                command = self.commands.recv() => {
                    match command {
                        Some(command) => self.command(command).await,
                        None => break,
                    }
                    continue;
                }
                Some(result) = self.bg_rx.recv() => {
                    self.background_done(result).await;
                    continue;
                }
                _ = async {
                    match poll_due {
                        Some(at) => sleep_until(at).await,
                        None => std::future::pending().await,
                    }
                } => {
                    self.start_poll();
                    continue;
                }
                event = next_phase_event(&mut self.phase) => event,
            };
            self.phase_event(event).await;
            // A burst read from one socket read decodes without touching Tokio's budget: this
            // lets the consumer run (it is woken on this worker) every so often.
            tokio::task::consume_budget().await;
        }
        self.shutdown().await;
        self.outcome
    }

    async fn shutdown(&mut self) {
        self.background.abort_all();
        if let Phase::Open(open) = &mut self.phase {
            let _ =
                tokio::time::timeout(Duration::from_secs(1), open.ws.close(1000, "closed")).await;
        }
        let flushed = self.decoder.flush();
        self.deliver(flushed);
        if self.outcome.is_ok() && self.decoder.rooms().next().is_some() {
            let mut record = LifecycleRecord::new(LifecycleState::Disconnected);
            record.reason = Some("closed".to_owned());
            self.record(FrameSource::Lifecycle, record.to_json());
        }
        self.phase = Phase::Stopped;
    }

    /// Taps, decodes and delivers one frame; returns the signals.
    fn record(&mut self, source: FrameSource, text: impl Into<std::sync::Arc<str>>) -> Vec<Signal> {
        let frame = RawFrame::new(source, text, self.now());
        if let Some(tap) = &self.config.tap {
            tap(&frame);
        }
        let mut decoded = std::mem::take(&mut self.decoded);
        decoded.events.clear();
        decoded.signals.clear();
        self.decoder.decode_into(&frame, &mut decoded);
        let events = std::mem::take(&mut decoded.events);
        let signals = std::mem::take(&mut decoded.signals);
        self.decoded = decoded;
        if events
            .iter()
            .any(|e| matches!(e, KickEvent::StreamerIsLive(_)))
            && self.config.viewer_poll.is_some()
        {
            self.poll_at = Some(Instant::now());
        }
        self.deliver(events);
        signals
    }

    /// Hands events to the consumer's buffer. When it is full, lifecycle events wait in the
    /// backlog and the others are dropped and counted; the socket is never stalled.
    fn deliver(&mut self, events: Vec<KickEvent>) {
        for event in events {
            if !self.flush_backlog() {
                return;
            }
            if !self.backlog.is_empty() {
                self.overflow(event);
                continue;
            }
            let listening = match self.events.try_reserve() {
                Ok(permit) => {
                    permit.send(event);
                    continue;
                }
                Err(mpsc::error::TrySendError::Full(())) => true,
                Err(mpsc::error::TrySendError::Closed(())) => false,
            };
            if !listening {
                self.cancel.cancel();
                return;
            }
            tracing::warn!(
                capacity = self.config.buffer,
                "the Kick event buffer is full: dropping events until the consumer catches up"
            );
            self.overflow(event);
        }
    }

    fn overflow(&mut self, event: KickEvent) {
        let decoder = &self.decoder;
        self.backlog.overflow(event, || decoder.rooms().count());
    }

    /// Moves what the backlog holds into the consumer's buffer while there is room; false
    /// once nobody listens.
    fn flush_backlog(&mut self) -> bool {
        let at = self.now();
        while !self.backlog.is_empty() {
            match self.events.try_reserve() {
                Ok(permit) => {
                    if let Some(event) = self.backlog.pop(at) {
                        permit.send(event);
                    }
                }
                Err(mpsc::error::TrySendError::Full(())) => return true,
                Err(mpsc::error::TrySendError::Closed(())) => {
                    self.cancel.cancel();
                    return false;
                }
            }
        }
        true
    }

    fn lifecycle(&mut self, record: LifecycleRecord) {
        let _ = self.record(FrameSource::Lifecycle, record.to_json());
    }

    fn error(&mut self, kind: ErrorKind, message: String, code: Option<i64>, rooms: Vec<String>) {
        tracing::warn!(?kind, code, "{message}");
        let mut record = LifecycleRecord::new(LifecycleState::Error);
        record.error = Some(kind);
        record.reason = Some(message);
        record.code = code;
        record.rooms = rooms;
        self.lifecycle(record);
    }

    async fn command(&mut self, command: Command) {
        match command {
            Command::Watch(record, reply) => {
                if self.decoder.is_watched(&record.room) {
                    let _ = reply.send(Err(Error::AlreadyWatched(record.room)));
                    return;
                }
                let text = serde_json::to_string(&record).unwrap_or_default();
                let room = record.room.clone();
                self.record(FrameSource::Watch, text);
                let _ = reply.send(Ok(()));
                tracing::debug!(room = %room, "watching");
                if self.config.viewer_poll.is_some() {
                    let due = if self.decoder.needs_viewer_count() {
                        Instant::now()
                    } else {
                        Instant::now() + self.config.viewer_poll.unwrap_or_default()
                    };
                    self.poll_at = Some(self.poll_at.map_or(due, |at| at.min(due)));
                }
                match &mut self.phase {
                    Phase::Idle => self.start_connecting(),
                    // Only the new room's channels: listing every channel per watch made
                    // watching N channels take O(N²).
                    Phase::Open(_) => {
                        let channels = self.decoder.channels_of(&room);
                        self.subscribe(channels).await;
                    }
                    _ => {}
                }
            }
            Command::Unwatch(room, reply) => {
                let watched = self.decoder.is_watched(&room);
                if watched {
                    let text = serde_json::json!({ "room": room }).to_string();
                    self.record(FrameSource::Unwatch, text);
                    self.unsubscribe_unused().await;
                }
                let _ = reply.send(watched);
            }
        }
    }

    fn start_poll(&mut self) {
        let Some(interval) = self.config.viewer_poll else {
            self.poll_at = None;
            return;
        };
        let ids = self.decoder.livestream_ids();
        if ids.is_empty() {
            self.poll_at = Some(Instant::now() + interval);
            return;
        }
        self.poll_in_flight = true;
        let api = self.api.clone();
        let tx = self.bg_tx.clone();
        self.background.spawn(async move {
            let batches: Vec<&[u64]> = ids.chunks(VIEWER_BATCH).collect();
            let count = batches.len();
            for (index, batch) in batches.into_iter().enumerate() {
                let result = api.current_viewers_raw(batch).await;
                if tx
                    .send(Background::Viewers(result, index + 1 == count))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
    }

    async fn background_done(&mut self, result: Background) {
        match result {
            Background::Viewers(result, last) => {
                if last {
                    self.poll_in_flight = false;
                    self.poll_at = self
                        .config
                        .viewer_poll
                        .map(|interval| Instant::now() + interval);
                }
                match result {
                    Ok(body) => {
                        self.poll_failing = false;
                        self.record(FrameSource::Viewers, body);
                    }
                    Err(error) => {
                        // One error per failing streak, not one per poll.
                        if !self.poll_failing {
                            self.poll_failing = true;
                            self.error(ErrorKind::Viewers, error_chain(&error), None, Vec::new());
                        }
                    }
                }
            }
            Background::Token(result) => {
                let Phase::Open(open) = &mut self.phase else {
                    return;
                };
                match result {
                    Ok(token) => {
                        let id = open.next_id;
                        open.next_id += 1;
                        let frame = centrifugo::refresh(id, token.expose());
                        open.token = Some(token);
                        if let Err(e) = open.ws.send(WsMessage::text(frame)).await {
                            self.connection_lost(format!("send failed: {e}"), None)
                                .await;
                        } else if let Phase::Open(open) = &mut self.phase {
                            open.last_sent = Instant::now();
                        }
                    }
                    Err(error) => {
                        // Try again in a minute; the session lives until the token expires.
                        open.refresh_at = Some(Instant::now() + Duration::from_secs(60));
                        self.error(ErrorKind::Transport, error_chain(&error), None, Vec::new());
                    }
                }
            }
        }
    }

    fn start_connecting(&mut self) {
        let Some(channel_id) = self
            .decoder
            .rooms()
            .next()
            .and_then(|room| self.decoder.record(room))
            .map(|r| r.channel_id)
        else {
            self.phase = Phase::Idle;
            return;
        };
        let mode = match (self.config.transport, self.prefer_pusher) {
            (Transport::Auto, true) => Transport::Pusher,
            (mode, _) => mode,
        };
        let future = open_connection(
            self.config.clone(),
            self.api.clone(),
            mode,
            channel_id,
            self.client_id.clone(),
        );
        self.phase = Phase::Connecting(Box::pin(future));
    }

    async fn phase_event(&mut self, event: PhaseEvent) {
        match event {
            PhaseEvent::RetryDue => self.start_connecting(),
            PhaseEvent::Connected(Ok(opened)) => {
                let now = Instant::now();
                tracing::debug!(
                    transport = opened.transport.as_str(),
                    url = opened.ws.url(),
                    "socket open"
                );
                self.phase = Phase::Open(Box::new(Open {
                    ws: opened.ws,
                    transport: opened.transport,
                    ready: false,
                    activity: pusher::MAX_ACTIVITY_TIMEOUT,
                    deadline: now + self.config.handshake_timeout,
                    deadline_kind: Deadline::Handshake,
                    last_received: now,
                    last_sent: now,
                    opened_at: now,
                    confirmed: HashSet::new(),
                    subscribed: HashSet::new(),
                    pending: HashMap::new(),
                    next_id: 2,
                    refresh_at: None,
                    server_ping: None,
                    token: opened.token,
                    close: None,
                    last_error_code: None,
                }));
            }
            PhaseEvent::Connected(Err(failure)) => match failure.refused {
                Some(code) => self.stop(code, failure.message),
                None => {
                    self.error(
                        ErrorKind::Transport,
                        failure.message.clone(),
                        None,
                        Vec::new(),
                    );
                    self.schedule_reconnect(
                        failure.message,
                        Retry::Close(CloseAction::AfterDelay),
                        None,
                    );
                }
            },
            PhaseEvent::Message(Some(Ok(message))) => self.message(message).await,
            PhaseEvent::Message(Some(Err(error))) => {
                let message = if error.kind() == WsErrorKind::TooLarge {
                    format!("oversized frame: {error}")
                } else {
                    format!("socket error: {error}")
                };
                if error.kind() == WsErrorKind::TooLarge {
                    self.error(ErrorKind::Frame, message.clone(), None, Vec::new());
                }
                self.connection_lost(message, None).await;
            }
            PhaseEvent::Message(None) => {
                let close = match &self.phase {
                    Phase::Open(open) => open.close.clone(),
                    _ => None,
                };
                let reason = match &close {
                    Some((code, reason)) if reason.is_empty() => format!("closed with code {code}"),
                    Some((code, reason)) => format!("closed with code {code}: {reason}"),
                    None => "the connection dropped".to_owned(),
                };
                self.connection_lost(reason, close.map(|(code, _)| code))
                    .await;
            }
            PhaseEvent::Deadline => self.deadline().await,
            PhaseEvent::RefreshDue => {
                if let Phase::Open(open) = &mut self.phase {
                    open.refresh_at = None;
                }
                let api = self.api.clone();
                let client_id = self.client_id.clone();
                let tx = self.bg_tx.clone();
                self.background.spawn(async move {
                    let result = api.guest_token(&client_id).await;
                    let _ = tx.send(Background::Token(result)).await;
                });
            }
        }
    }

    async fn send(&mut self, text: String) -> bool {
        let Phase::Open(open) = &mut self.phase else {
            return false;
        };
        match open.ws.send(WsMessage::text(text)).await {
            Ok(()) => {
                open.last_sent = Instant::now();
                true
            }
            Err(e) => {
                self.connection_lost(format!("send failed: {e}"), None)
                    .await;
                false
            }
        }
    }

    async fn message(&mut self, message: WsMessage) {
        let Phase::Open(open) = &mut self.phase else {
            return;
        };
        let source = match open.transport {
            TransportKind::Pusher => FrameSource::Pusher,
            TransportKind::Centrifugo => FrameSource::Centrifugo,
        };
        match message {
            WsMessage::Text(text) => {
                let signals = self.record(source, text.as_str());
                for signal in signals {
                    if !matches!(self.phase, Phase::Open(_)) {
                        break;
                    }
                    self.signal(signal).await;
                }
            }
            WsMessage::Close(frame) => {
                open.close = frame;
                open.last_received = Instant::now();
            }
            WsMessage::Binary(bytes) => {
                open.last_received = Instant::now();
                self.error(
                    ErrorKind::Frame,
                    format!(
                        "a binary frame of {} bytes (Kick sends text only)",
                        bytes.len()
                    ),
                    None,
                    Vec::new(),
                );
            }
            _ => {
                // WebSocket pings and pongs prove the link alive.
                open.last_received = Instant::now();
            }
        }
        self.rearm();
    }

    /// Recomputes the liveness deadline after traffic.
    fn rearm(&mut self) {
        let Phase::Open(open) = &mut self.phase else {
            return;
        };
        if !open.ready {
            return;
        }
        match open.transport {
            TransportKind::Pusher => {
                if open.deadline_kind == Deadline::Pong && open.last_received < open.last_sent {
                    return;
                }
                open.deadline_kind = Deadline::Activity;
                open.deadline = open.last_received.min(open.last_sent) + open.activity;
            }
            TransportKind::Centrifugo => {
                if let Some(ping) = open.server_ping {
                    open.deadline_kind = Deadline::ServerPing;
                    open.deadline = open.last_received + ping + centrifugo::MAX_PING_DELAY;
                } else {
                    open.deadline_kind = Deadline::Activity;
                    open.deadline = open.last_received + pusher::MAX_ACTIVITY_TIMEOUT;
                }
            }
        }
    }

    async fn signal(&mut self, signal: Signal) {
        match signal {
            Signal::Activity => {
                if let Phase::Open(open) = &mut self.phase {
                    open.last_received = Instant::now();
                }
            }
            Signal::PusherEstablished {
                socket_id,
                activity_timeout,
            } => {
                if let Phase::Open(open) = &mut self.phase {
                    open.ready = true;
                    open.activity = pusher::activity_timeout(activity_timeout);
                    open.deadline_kind = Deadline::Activity;
                    tracing::debug!(
                        socket_id,
                        activity_s = open.activity.as_secs(),
                        "pusher connected"
                    );
                }
                self.subscribe_missing().await;
            }
            Signal::PusherPing => {
                self.send(pusher::PONG.to_owned()).await;
            }
            Signal::PusherError { code, .. } => {
                if let Phase::Open(open) = &mut self.phase {
                    open.last_error_code = code;
                }
            }
            Signal::Subscribed { channel } => self.confirmed(&channel),
            Signal::CentrifugoPing => {
                self.send(centrifugo::PONG.to_owned()).await;
            }
            Signal::CentrifugoReply { id, reply } => self.centrifugo_reply(id, reply).await,
            Signal::CentrifugoDisconnect { code, reason } => {
                let message = format!("Centrifugo disconnect {code}: {reason}");
                if let Phase::Open(open) = &mut self.phase {
                    let _ = open.ws.close(1000, "").await;
                }
                match DisconnectAction::of(code) {
                    DisconnectAction::Terminal => {
                        self.schedule_reconnect(message, Retry::Terminal, Some(code))
                    }
                    _ => self.schedule_reconnect(
                        message,
                        Retry::Close(CloseAction::AfterDelay),
                        Some(code),
                    ),
                }
            }
            Signal::CentrifugoUnsubscribed { channel, code } => {
                if centrifugo::should_resubscribe(code) {
                    if let Phase::Open(open) = &mut self.phase {
                        open.subscribed.remove(&channel);
                    }
                    self.subscribe_missing().await;
                } else {
                    let rooms = self.decoder.rooms_of_channel(&channel);
                    self.error(
                        ErrorKind::Subscription,
                        format!("the server unsubscribed {channel} (code {code})"),
                        Some(code),
                        rooms,
                    );
                }
            }
            Signal::PusherPong | Signal::SubscriptionFailed { .. } => {}
        }
    }

    fn confirmed(&mut self, channel: &str) {
        let rooms = self.decoder.rooms_of_channel(channel);
        let Phase::Open(open) = &mut self.phase else {
            return;
        };
        let fresh: Vec<String> = rooms
            .into_iter()
            .filter(|room| open.confirmed.insert(room.clone()))
            .collect();
        if fresh.is_empty() {
            return;
        }
        let transport = open.transport;
        let mut record = LifecycleRecord::new(LifecycleState::Connected);
        record.rooms = fresh;
        record.transport = Some(transport);
        self.lifecycle(record);
    }

    async fn centrifugo_reply(&mut self, id: u64, reply: Reply) {
        let Phase::Open(open) = &mut self.phase else {
            return;
        };
        if id == 1 {
            match reply {
                Reply::Connect {
                    ping, expires, ttl, ..
                } => {
                    open.ready = true;
                    open.server_ping = ping.filter(|p| *p > 0).map(Duration::from_secs);
                    if expires && let Some(ttl) = ttl {
                        // Refresh at 90% of the lifetime, never sooner than in 10 s.
                        let secs = (ttl.saturating_mul(9) / 10).max(10);
                        open.refresh_at = Some(Instant::now() + Duration::from_secs(secs));
                    }
                    self.rearm();
                    self.subscribe_missing().await;
                }
                Reply::Error { code, message, .. } => {
                    let reason = format!("Centrifugo refused the connection: {code} {message}");
                    let _ = open.ws.close(1000, "").await;
                    self.schedule_reconnect(reason, Retry::Close(CloseAction::Backoff), Some(code));
                }
                _ => {}
            }
            return;
        }
        if let Some(channel) = open.pending.remove(&id) {
            match reply {
                Reply::Subscribe | Reply::Empty => self.confirmed(&channel),
                Reply::Error { .. } => {
                    open.subscribed.remove(&channel);
                }
                _ => {}
            }
            return;
        }
        if let Reply::Refresh { expires, ttl } = reply
            && expires
            && let Some(ttl) = ttl
        {
            let secs = (ttl.saturating_mul(9) / 10).max(10);
            open.refresh_at = Some(Instant::now() + Duration::from_secs(secs));
        }
    }

    async fn subscribe_missing(&mut self) {
        let channels = self.decoder.channels();
        self.subscribe(channels).await;
    }

    /// Subscribes those of `channels` not subscribed yet on the open connection.
    async fn subscribe(&mut self, channels: Vec<String>) {
        let Phase::Open(open) = &mut self.phase else {
            return;
        };
        if !open.ready {
            return;
        }
        let mut frames = Vec::new();
        for channel in channels {
            if open.subscribed.insert(channel.clone()) {
                let frame = match open.transport {
                    TransportKind::Pusher => pusher::subscribe(&channel),
                    TransportKind::Centrifugo => {
                        let id = open.next_id;
                        open.next_id += 1;
                        let frame = centrifugo::subscribe(id, &channel);
                        open.pending.insert(id, channel);
                        frame
                    }
                };
                frames.push(frame);
            }
        }
        for frame in frames {
            if !self.send(frame).await {
                return;
            }
        }
    }

    async fn unsubscribe_unused(&mut self) {
        let wanted: HashSet<String> = self.decoder.channels().into_iter().collect();
        let Phase::Open(open) = &mut self.phase else {
            return;
        };
        let unused: Vec<String> = open
            .subscribed
            .iter()
            .filter(|c| !wanted.contains(*c))
            .cloned()
            .collect();
        let mut frames = Vec::new();
        for channel in unused {
            open.subscribed.remove(&channel);
            frames.push(match open.transport {
                TransportKind::Pusher => pusher::unsubscribe(&channel),
                TransportKind::Centrifugo => {
                    let id = open.next_id;
                    open.next_id += 1;
                    centrifugo::unsubscribe(id, &channel)
                }
            });
        }
        open.confirmed.retain(|room| self.decoder.is_watched(room));
        for frame in frames {
            if !self.send(frame).await {
                return;
            }
        }
    }

    async fn deadline(&mut self) {
        let Phase::Open(open) = &mut self.phase else {
            return;
        };
        match open.deadline_kind {
            Deadline::Handshake => {
                let message = "no handshake from the server in time".to_owned();
                let _ = open.ws.close(1000, "").await;
                self.schedule_reconnect(message, Retry::Close(CloseAction::AfterDelay), None);
            }
            Deadline::Activity if open.transport == TransportKind::Pusher => {
                let now = Instant::now();
                let silent = now.saturating_duration_since(open.last_received) >= open.activity;
                if silent {
                    open.deadline_kind = Deadline::Pong;
                    open.deadline = now + pusher::PONG_TIMEOUT;
                } else {
                    open.deadline = open.last_received + open.activity;
                }
                self.send(pusher::PING.to_owned()).await;
                if let Phase::Open(open) = &mut self.phase
                    && !silent
                {
                    open.deadline = open.last_received.min(open.last_sent) + open.activity;
                }
            }
            Deadline::Pong => {
                let _ = open.ws.close(1000, "").await;
                self.schedule_reconnect(
                    "no pong within 30 s".to_owned(),
                    Retry::Close(CloseAction::Immediate),
                    None,
                );
            }
            Deadline::ServerPing | Deadline::Activity => {
                let _ = open.ws.close(1000, "").await;
                self.schedule_reconnect(
                    "the server went silent".to_owned(),
                    Retry::Close(CloseAction::Immediate),
                    None,
                );
            }
        }
    }

    async fn connection_lost(&mut self, reason: String, code: Option<u16>) {
        let (error_code, transport) = match &self.phase {
            Phase::Open(open) => (open.last_error_code, Some(open.transport)),
            _ => (None, None),
        };
        // A socket that ended without a close code after `pusher:error` obeys the error's code.
        let code = code.or_else(|| error_code.and_then(|c| u16::try_from(c).ok()));
        if transport == Some(TransportKind::Pusher)
            && let Some(code) = code
            && CloseAction::of(code) == CloseAction::Stop
        {
            self.stop(code, reason);
            return;
        }
        let retry = match (transport, code) {
            (Some(TransportKind::Centrifugo), Some(code))
                if DisconnectAction::of(i64::from(code)) == DisconnectAction::Terminal =>
            {
                Retry::Terminal
            }
            (Some(TransportKind::Centrifugo), _) => Retry::Close(CloseAction::AfterDelay),
            (_, Some(code)) => Retry::Close(CloseAction::of(code)),
            (_, None) => Retry::Close(CloseAction::AfterDelay),
        };
        self.schedule_reconnect(reason, retry, code.map(i64::from));
    }

    fn schedule_reconnect(&mut self, reason: String, retry: Retry, code: Option<i64>) {
        let stable = match &self.phase {
            Phase::Open(open) => {
                Instant::now().saturating_duration_since(open.opened_at)
                    >= self.config.reconnect.stable_after
            }
            _ => false,
        };
        if stable {
            self.backoff.reset();
            self.terminal_backoff.reset();
            self.attempt = 0;
        }
        self.attempt = self.attempt.saturating_add(1);
        if let Some(max) = self.config.reconnect.max_attempts
            && self.attempt > max
        {
            self.outcome = Err(Error::ReconnectLimit {
                attempts: self.attempt - 1,
                last_error: reason.clone(),
            });
            self.finish(reason, None);
            return;
        }
        let one_second = Duration::from_secs(1);
        let first = self.attempt == 1;
        let delay = match retry {
            Retry::Close(CloseAction::Immediate) if first => Duration::ZERO,
            Retry::Close(CloseAction::Immediate) => self.backoff.next_delay(),
            Retry::Close(CloseAction::AfterDelay) if first => one_second,
            Retry::Close(_) => self.backoff.next_delay().max(one_second),
            Retry::Terminal => {
                self.client_id = uuid::Uuid::new_v4().to_string();
                if self.config.transport == Transport::Auto {
                    self.prefer_pusher = true;
                    one_second
                } else {
                    self.terminal_backoff.next_delay()
                }
            }
        };
        tracing::info!(reason = %reason, attempt = self.attempt, delay_ms = delay.as_millis() as u64, "reconnecting");
        let mut record = LifecycleRecord::new(LifecycleState::Reconnecting);
        record.reason = Some(reason);
        record.attempt = Some(self.attempt);
        record.retry_in_ms = Some(delay.as_millis() as u64);
        record.code = code;
        self.lifecycle(record);
        self.phase = Phase::Waiting(Instant::now() + delay);
    }

    /// Stops for good after a refusal (Pusher 4000–4099).
    fn stop(&mut self, code: u16, message: String) {
        tracing::warn!(code, "{message}");
        self.outcome = Err(Error::Refused {
            code,
            message: message.clone(),
        });
        self.finish(message, Some(code));
    }

    fn finish(&mut self, reason: String, code: Option<u16>) {
        let flushed = self.decoder.flush();
        self.deliver(flushed);
        let mut record = LifecycleRecord::new(LifecycleState::Disconnected);
        record.reason = Some(reason);
        record.code = code.map(i64::from);
        self.lifecycle(record);
        self.phase = Phase::Stopped;
        self.background.abort_all();
    }
}

fn error_chain(error: &Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The Pusher URL for an offered app key: the configured URL with its key (and, on Pusher's
/// own hosts, its cluster) replaced.
pub(crate) fn pusher_url_for(configured: &str, app_key: &str, cluster: Option<&str>) -> String {
    let (base, query) = configured.split_once('?').unwrap_or((configured, ""));
    let mut base = match base.rfind("/app/") {
        Some(i) => format!("{}/app/{app_key}", &base[..i]),
        None => base.to_owned(),
    };
    if let Some(cluster) = cluster
        && let Some(start) = base.find("://ws-")
        && let Some(end) = base[start + 6..].find(".pusher.com")
    {
        base.replace_range(start + 6..start + 6 + end, cluster);
    }
    if query.is_empty() {
        base
    } else {
        format!("{base}?{query}")
    }
}

fn ws_options(config: &Config) -> WsOptions {
    WsOptions::new()
        // One socket carries every watched channel: a burst is read in fewer system calls.
        .read_buffer_size(64 * 1024)
        .connect_timeout(config.connect_timeout)
        .max_message_size(config.max_frame_bytes)
}

async fn connect_pusher(config: &Config, url: &str) -> std::result::Result<Opened, ConnectFailure> {
    match ws::connect(url, &ws_options(config)).await {
        Ok(ws) => Ok(Opened {
            ws,
            transport: TransportKind::Pusher,
            token: None,
        }),
        Err(error) => Err(ConnectFailure {
            message: format!("could not open the Pusher socket: {error}"),
            refused: None,
        }),
    }
}

async fn connect_centrifugo(
    config: &Config,
    api: &KickApi,
    url: &str,
    client_id: &str,
) -> std::result::Result<Opened, ConnectFailure> {
    let token = api
        .guest_token(client_id)
        .await
        .map_err(|e| ConnectFailure {
            message: error_chain(&e),
            refused: None,
        })?;
    let options = ws_options(config).header("origin", centrifugo::ORIGIN);
    let mut ws = ws::connect(url, &options)
        .await
        .map_err(|error| ConnectFailure {
            message: format!("could not open the Centrifugo socket: {error}"),
            refused: None,
        })?;
    ws.send(WsMessage::text(centrifugo::connect(1, token.expose())))
        .await
        .map_err(|error| ConnectFailure {
            message: format!("could not send the Centrifugo connect command: {error}"),
            refused: None,
        })?;
    Ok(Opened {
        ws,
        transport: TransportKind::Centrifugo,
        token: Some(token),
    })
}

async fn open_connection(
    config: Config,
    api: KickApi,
    mode: Transport,
    channel_id: u64,
    client_id: String,
) -> std::result::Result<Box<Opened>, ConnectFailure> {
    open_transport(config, api, mode, channel_id, client_id)
        .await
        .map(Box::new)
}

async fn open_transport(
    config: Config,
    api: KickApi,
    mode: Transport,
    channel_id: u64,
    client_id: String,
) -> std::result::Result<Opened, ConnectFailure> {
    match mode {
        Transport::Pusher => connect_pusher(&config, &config.pusher_url).await,
        Transport::Centrifugo => {
            let offers =
                api.negotiate(channel_id, &client_id)
                    .await
                    .map_err(|e| ConnectFailure {
                        message: error_chain(&e),
                        refused: None,
                    })?;
            let url = offers.into_iter().find_map(|o| match o {
                Offer::Centrifugo { url } => Some(url),
                _ => None,
            });
            let Some(url) = url else {
                return Err(ConnectFailure {
                    message: "kick.com offered no Centrifugo connection".to_owned(),
                    refused: None,
                });
            };
            connect_centrifugo(&config, &api, &url, &client_id).await
        }
        _ => {
            let offers = match api.negotiate(channel_id, &client_id).await {
                Ok(offers) => offers,
                Err(error) => {
                    tracing::info!(error = %error_chain(&error), "negotiation failed; using Pusher");
                    Vec::new()
                }
            };
            let centrifugo = offers.iter().find_map(|o| match o {
                Offer::Centrifugo { url } => Some(url.clone()),
                _ => None,
            });
            if let Some(url) = centrifugo {
                match connect_centrifugo(&config, &api, &url, &client_id).await {
                    Ok(opened) => return Ok(opened),
                    Err(failure) => {
                        tracing::info!(error = %failure.message, "Centrifugo failed; using Pusher");
                    }
                }
            }
            let pusher_url = offers
                .iter()
                .find_map(|o| match o {
                    Offer::Pusher { app_key, cluster } => Some(pusher_url_for(
                        &config.pusher_url,
                        app_key,
                        cluster.as_deref(),
                    )),
                    _ => None,
                })
                .unwrap_or_else(|| config.pusher_url.clone());
            connect_pusher(&config, &pusher_url).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offered_keys_replace_the_configured_key_and_cluster() {
        let default = super::super::DEFAULT_PUSHER_URL;
        assert_eq!(
            pusher_url_for(default, "newkey", Some("eu")),
            "wss://ws-eu.pusher.com/app/newkey?protocol=7&client=js&version=8.4.0&flash=false"
        );
        assert_eq!(
            pusher_url_for("ws://127.0.0.1:9/app/k?protocol=7", "other", Some("us2")),
            "ws://127.0.0.1:9/app/other?protocol=7"
        );
    }
}
