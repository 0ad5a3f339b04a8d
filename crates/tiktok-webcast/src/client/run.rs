//! The background task of a connection: one task owns the socket and runs a `select!` over
//! shutdown, delivery to the consumer, heartbeats, the streak ticker, reads and the stale
//! timer; every send happens inside a branch body (sending is not cancel-safe).

use std::collections::VecDeque;
use std::time::Duration;

use live_http::ws::{WsConnection, WsErrorKind, WsMessage, WsOptions};
use live_http::{Backoff, Secret};
use live_model::Timestamp;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};
use tokio_util::sync::CancellationToken;

use super::TapRecord;
use super::TikTokClient;
use super::url::{UrlParts, cookie_header, websocket_url};
use crate::codec::{bootstrap_frame, encode_enter_room, encode_heartbeat, random_enter_unique_id};
use crate::decoder::Decoder;
use crate::error::Error;
use crate::event::{Lifecycle, TikTokEvent};
use crate::signer::{Bootstrap, BootstrapRequest};

/// The default heartbeat interval (TLC's, and the real captures' rhythm).
const DEFAULT_HEARTBEAT: Duration = Duration::from_secs(10);
/// How often open gift streaks are checked for their timeout.
const STREAK_TICK: Duration = Duration::from_secs(1);
/// How long a clean close may take before the socket is dropped.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// An open WebSocket and what it was opened with.
pub(crate) struct Session {
    ws: WsConnection,
    heartbeat: Duration,
    started: Instant,
    initial: Vec<TikTokEvent>,
    /// The bootstrap frame and its time, recorded when the session starts.
    bootstrap: Option<(Vec<u8>, Timestamp)>,
}

enum End {
    Cancelled,
    StreamEnded,
    ConsumerGone,
    Lost(String),
}

/// Wall-clock time that advances with tokio's clock (so paused-time tests see streak timeouts
/// and recorded frame times move together).
struct Clock {
    wall: Timestamp,
    base: Instant,
}

impl Clock {
    fn now(&self) -> Timestamp {
        let elapsed = i128::try_from(self.base.elapsed().as_nanos()).unwrap_or(i128::MAX);
        Timestamp::from_unix_nanos(self.wall.unix_nanos().saturating_add(elapsed))
    }
}

pub(crate) struct Runner {
    client: TikTokClient,
    room_id: String,
    decoder: Decoder,
    clock: Clock,
    pending: VecDeque<TikTokEvent>,
    scratch: Vec<TikTokEvent>,
    heartbeat_seq: i64,
}

impl Runner {
    pub(crate) fn new(client: TikTokClient, room_id: String, decoder: Decoder) -> Self {
        Runner {
            client,
            room_id,
            decoder,
            clock: Clock {
                wall: Timestamp::now(),
                base: Instant::now(),
            },
            pending: VecDeque::new(),
            scratch: Vec::new(),
            heartbeat_seq: 0,
        }
    }

    pub(crate) fn buffer(&self) -> usize {
        self.client.options.buffer
    }

    pub(crate) fn room_id(&self) -> &str {
        &self.room_id
    }

    fn lifecycle(&self, reason: Option<String>) -> Lifecycle {
        let mut lifecycle = Lifecycle::new(self.client.room.clone(), self.clock.now());
        lifecycle.room_id = Some(self.room_id.clone());
        lifecycle.reason = reason;
        lifecycle
    }

    /// Bootstraps through the signer (with the last cursor, when there is one), opens the
    /// WebSocket and enters the room.
    pub(crate) async fn open_session(&mut self) -> Result<Session, Error> {
        let options = &self.client.options;
        let cursor = Some(self.decoder.cursor().to_owned()).filter(|c| !c.is_empty());
        let request = BootstrapRequest {
            room_id: self.room_id.clone(),
            unique_id: self.client.room.clone(),
            cursor,
            user_agent: options.user_agent.clone(),
        };
        let bootstrap = self.client.signer.bootstrap(&request).await?;
        if let Some(room_id) = bootstrap.room_id.clone() {
            self.room_id = room_id;
        }
        let room_number: i64 = self
            .room_id
            .parse()
            .map_err(|_| Error::Bootstrap(format!("room id {:?} is not a number", self.room_id)))?;
        let mut initial = Vec::new();
        let mut recorded = None;
        if let Some(body) = &bootstrap.fetch_result {
            // Decoded as the frame a recording stores, so a replay sees the very same input.
            let now = self.clock.now();
            let frame = bootstrap_frame(body);
            let decoded = self
                .decoder
                .push_frame(frame.clone().into(), now, &mut initial);
            if let Err(error) = decoded {
                self.tap_frame(&frame, now);
                return Err(Error::Codec(error));
            }
            recorded = Some((frame, now));
        }
        match self.open_socket(&bootstrap, room_number).await {
            Ok((ws, heartbeat)) => Ok(Session {
                ws,
                heartbeat,
                started: Instant::now(),
                initial,
                bootstrap: recorded,
            }),
            Err(error) => {
                // The decoder took the bootstrap in (its message ids are now known and its
                // cursor is used): deliver its history now or it never would be, and record
                // it, so a replay sees the same input.
                if let Some((frame, at)) = recorded {
                    self.tap_frame(&frame, at);
                }
                self.pending.extend(initial);
                Err(error)
            }
        }
    }

    /// Opens the WebSocket of a bootstrap and enters the room.
    async fn open_socket(
        &mut self,
        bootstrap: &Bootstrap,
        room_number: i64,
    ) -> Result<(WsConnection, Duration), Error> {
        let options = &self.client.options;
        let fetch = self.decoder.fetch_info().clone();
        let push_server = if fetch.push_server.is_empty() {
            bootstrap
                .push_server
                .clone()
                .ok_or_else(|| Error::Bootstrap("no push server in the fetch result".to_owned()))?
        } else {
            fetch.push_server.clone()
        };
        if !bootstrap.direct && fetch.cursor.is_empty() {
            return Err(Error::Bootstrap(
                "missing cursor in the initial fetch result".to_owned(),
            ));
        }
        let url = websocket_url(&UrlParts {
            push_server: &push_server,
            room_id: &self.room_id,
            user_agent: &options.user_agent,
            cursor: &fetch.cursor,
            internal_ext: &fetch.internal_ext,
            route_params: &fetch.route_params,
            direct: bootstrap.direct,
            last_rtt: 100.0 + rand::random::<f64>() * 100.0,
        });
        let mut ws_options = WsOptions::new()
            .header("User-Agent", options.user_agent.clone())
            .header("Origin", "https://www.tiktok.com")
            .header("Referer", "https://www.tiktok.com/")
            .header("Accept-Language", "en-US,en;q=0.9")
            .header("Cache-Control", "no-cache")
            .secret_param("internal_ext")
            .connect_timeout(options.connect_timeout)
            .max_message_size(4 * 1024 * 1024);
        if let Some(cookies) = &bootstrap.cookies {
            let header = cookie_header(cookies.expose());
            if !header.is_empty() {
                ws_options = ws_options.secret_header("Cookie", Secret::new(header));
            }
        }
        let mut ws = live_http::ws::connect(&url, &ws_options)
            .await
            .map_err(|e| {
                if e.kind() == WsErrorKind::Rejected {
                    let header =
                        |name: &str| e.headers().and_then(|h| h.get(name)).map(str::to_owned);
                    Error::HandshakeRejected {
                        status: e.status().unwrap_or_default(),
                        handshake_status: header("handshake-status"),
                        message: header("handshake-msg"),
                    }
                } else {
                    Error::WebSocket(Box::new(e))
                }
            })?;
        let heartbeat = options
            .heartbeat_interval
            .or_else(|| {
                ws.response_headers()
                    .get("handshake-options")
                    .and_then(ping_interval)
            })
            .or(fetch.heartbeat_duration)
            .unwrap_or(DEFAULT_HEARTBEAT)
            .max(Duration::from_millis(100));
        ws.send(WsMessage::binary(encode_enter_room(
            room_number,
            random_enter_unique_id(),
        )))
        .await
        .map_err(|e| Error::WebSocket(Box::new(e)))?;
        self.heartbeat_seq = 0;
        tracing::debug!(room = %self.client.room, room_id = %self.room_id, url = %ws.url(), ?heartbeat, "webcast connected");
        Ok((ws, heartbeat))
    }

    /// Hands a frame to the tap.
    fn tap_frame(&self, bytes: &[u8], at: Timestamp) {
        if let Some(tap) = &self.client.options.frame_tap {
            tap(TapRecord::Frame { bytes, at });
        }
    }

    /// Queues a lifecycle event for the consumer and hands it to the tap, in the order the
    /// consumer sees it.
    fn emit_lifecycle(&mut self, event: TikTokEvent) {
        if let Some(tap) = &self.client.options.frame_tap {
            tap(TapRecord::Lifecycle(&event));
        }
        self.pending.push_back(event);
    }

    fn start_session(&mut self, session: &mut Session, reason: Option<String>) {
        // The consumer sees `Connected` before the bootstrap's history: record them in that
        // order too, so a replay (which decodes as it reads) gives the same sequence.
        self.emit_lifecycle(TikTokEvent::Connected(self.lifecycle(reason)));
        if let Some((frame, at)) = session.bootstrap.take() {
            self.tap_frame(&frame, at);
        }
        self.pending.extend(session.initial.drain(..));
    }

    pub(crate) async fn run(
        mut self,
        mut session: Session,
        tx: mpsc::Sender<TikTokEvent>,
        cancel: CancellationToken,
    ) {
        let policy = self.client.options.reconnect.clone();
        let mut backoff = Backoff::new(policy.base_delay, policy.max_delay);
        let mut attempt = 0u32;
        self.start_session(&mut session, None);
        loop {
            let end = self.drive(&mut session, &tx, &cancel).await;
            let mut reason = match end {
                End::ConsumerGone => return,
                End::Cancelled => {
                    close(&mut session.ws).await;
                    return self.finish(&tx, "closed", true).await;
                }
                End::StreamEnded => {
                    close(&mut session.ws).await;
                    return self.finish(&tx, "stream ended", false).await;
                }
                End::Lost(reason) => reason,
            };
            tracing::info!(room = %self.client.room, %reason, "webcast connection lost");
            if session.started.elapsed() >= policy.stable_after {
                attempt = 0;
                backoff.reset();
            }
            loop {
                if policy.max_attempts.is_some_and(|max| attempt >= max) {
                    return self.finish(&tx, &reason, false).await;
                }
                attempt += 1;
                let delay = backoff.next_delay();
                let mut lifecycle = self.lifecycle(Some(reason.clone()));
                lifecycle.attempt = Some(attempt);
                lifecycle.retry_in = Some(delay);
                self.emit_lifecycle(TikTokEvent::Reconnecting(lifecycle));
                if !self.wait(delay, &tx, &cancel).await {
                    return self.finish(&tx, "closed", true).await;
                }
                let opened = tokio::select! {
                    _ = cancel.cancelled() => return self.finish(&tx, "closed", true).await,
                    opened = self.open_session() => opened,
                };
                match opened {
                    Ok(new_session) => {
                        session = new_session;
                        self.start_session(&mut session, Some("reconnected".to_owned()));
                        break;
                    }
                    Err(error) if is_fatal(&error) => {
                        return self.finish(&tx, &error.to_string(), false).await;
                    }
                    Err(error) => {
                        tracing::warn!(room = %self.client.room, %error, attempt, "reconnect failed");
                        reason = error.to_string();
                    }
                }
            }
        }
    }

    /// Runs one session until it ends.
    async fn drive(
        &mut self,
        session: &mut Session,
        tx: &mpsc::Sender<TikTokEvent>,
        cancel: &CancellationToken,
    ) -> End {
        let buffer = self.client.options.buffer;
        let stale_timeout = self.client.options.stale_timeout;
        let room_number: i64 = self.room_id.parse().unwrap_or_default();
        let mut heartbeat = tokio::time::interval(session.heartbeat);
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut ticker = tokio::time::interval_at(Instant::now() + STREAK_TICK, STREAK_TICK);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let stale = tokio::time::sleep(stale_timeout);
        tokio::pin!(stale);
        let mut was_reading = true;
        // One wait for the session, not one registered and dropped per frame.
        let cancelled = cancel.cancelled();
        tokio::pin!(cancelled);
        loop {
            let reading = self.pending.len() < buffer;
            if reading && !was_reading {
                stale.as_mut().reset(Instant::now() + stale_timeout);
            }
            was_reading = reading;
            tokio::select! {
                biased;
                _ = &mut cancelled => return End::Cancelled,
                permit = tx.reserve(), if !self.pending.is_empty() => match permit {
                    Ok(permit) => {
                        if let Some(event) = self.pending.pop_front() {
                            permit.send(event);
                        }
                    }
                    Err(_) => return End::ConsumerGone,
                },
                _ = heartbeat.tick() => {
                    self.heartbeat_seq += 1;
                    let frame = encode_heartbeat(room_number, self.heartbeat_seq);
                    if let Err(e) = session.ws.send(WsMessage::binary(frame)).await {
                        return End::Lost(format!("heartbeat failed: {e}"));
                    }
                }
                _ = ticker.tick() => {
                    let now = self.clock.now();
                    self.decoder.tick(now, &mut self.scratch);
                    if !self.scratch.is_empty() {
                        // A flush between frames: recorded, or a replay would flush later.
                        if let Some(tap) = &self.client.options.frame_tap {
                            tap(TapRecord::Tick { at: now });
                        }
                        self.pending.extend(self.scratch.drain(..));
                    }
                }
                message = session.ws.next(), if reading => {
                    stale.as_mut().reset(Instant::now() + stale_timeout);
                    match message {
                        None => return End::Lost("the server closed the connection".to_owned()),
                        Some(Err(e)) => return End::Lost(e.to_string()),
                        Some(Ok(WsMessage::Close(frame))) => {
                            return End::Lost(match frame {
                                Some((code, reason)) => format!("closed by the server ({code} {reason})"),
                                None => "closed by the server".to_owned(),
                            });
                        }
                        Some(Ok(WsMessage::Binary(bytes))) => {
                            let now = self.clock.now();
                            self.tap_frame(&bytes, now);
                            match self.decoder.push_frame(bytes, now, &mut self.scratch) {
                                Ok(outcome) => {
                                    if let Some(ack) = outcome.ack
                                        && let Err(e) = session.ws.send(WsMessage::binary(ack)).await
                                    {
                                        self.pending.extend(self.scratch.drain(..));
                                        return End::Lost(format!("ack failed: {e}"));
                                    }
                                }
                                Err(error) => {
                                    tracing::warn!(room = %self.client.room, %error, "undecodable frame skipped");
                                }
                            }
                            self.pending.extend(self.scratch.drain(..));
                            if self.decoder.stream_ended() {
                                return End::StreamEnded;
                            }
                        }
                        Some(Ok(_)) => {}
                    }
                }
                _ = &mut stale, if reading => {
                    return End::Lost(format!("no frame for {}s", stale_timeout.as_secs_f64()));
                }
            }
        }
    }

    /// Waits `delay` while delivering what is pending; false when cancelled.
    async fn wait(
        &mut self,
        delay: Duration,
        tx: &mpsc::Sender<TikTokEvent>,
        cancel: &CancellationToken,
    ) -> bool {
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        loop {
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return false,
                permit = tx.reserve(), if !self.pending.is_empty() => match permit {
                    Ok(permit) => {
                        if let Some(event) = self.pending.pop_front() {
                            permit.send(event);
                        }
                    }
                    Err(_) => return false,
                },
                _ = &mut sleep => return true,
            }
        }
    }

    /// Counts open streaks, reports the end and delivers what is left. After a cancel
    /// (`close`) nothing waits for the consumer.
    async fn finish(mut self, tx: &mpsc::Sender<TikTokEvent>, reason: &str, cancelled: bool) {
        self.decoder.finish(&mut self.scratch);
        self.pending.extend(self.scratch.drain(..));
        let lifecycle = self.lifecycle(Some(reason.to_owned()));
        self.emit_lifecycle(TikTokEvent::Disconnected(lifecycle));
        for event in self.pending.drain(..) {
            let sent = if cancelled {
                tx.try_send(event).is_ok()
            } else {
                tx.send(event).await.is_ok()
            };
            if !sent {
                break;
            }
        }
    }
}

/// Errors no reconnect can mend.
fn is_fatal(error: &Error) -> bool {
    matches!(
        error,
        Error::HandshakeRejected { .. }
            | Error::Unauthorized { .. }
            | Error::PlanRequired { .. }
            | Error::UserNotFound { .. }
            | Error::UserOffline { .. }
            | Error::AgeRestricted { .. }
            | Error::InvalidUniqueId(_)
    )
}

async fn close(ws: &mut WsConnection) {
    let _ = tokio::time::timeout(CLOSE_TIMEOUT, ws.close(1000, "")).await;
}

/// `ping-interval` (seconds) of a `Handshake-Options` header (`ping-interval=10; ...`).
fn ping_interval(options: &str) -> Option<Duration> {
    options.split([';', ',']).find_map(|part| {
        let (name, value) = part.trim().split_once('=')?;
        if name.trim() != "ping-interval" {
            return None;
        }
        let seconds: f64 = value.trim().parse().ok()?;
        (seconds.is_finite() && seconds > 0.0).then(|| Duration::from_secs_f64(seconds.min(3600.0)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_ping_interval() {
        assert_eq!(
            ping_interval("ping-interval=7; foo=bar"),
            Some(Duration::from_secs(7))
        );
        assert_eq!(ping_interval("foo=1"), None);
        assert_eq!(ping_interval("ping-interval=x"), None);
    }
}
