//! The live connection to one room: builder, options and the event stream.

mod run;
mod url;

use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use live_http::{ConnectionPool, Secret};
use live_model::Timestamp;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::decoder::{Decoder, DecoderOptions};
use crate::error::{Error, Service};
use crate::euler::{DEFAULT_EULER_URL, EulerAuth, EulerClient};
use crate::event::TikTokEvent;
use crate::room::{DEFAULT_USER_AGENT, RoomLookup, normalize_unique_id};
use crate::signer::{DEFAULT_DIRECT_PUSH_SERVER, DirectSigner, EulerSigner, Signer};

/// tiktok.com.
pub const DEFAULT_WEB_URL: &str = "https://www.tiktok.com";
/// The webcast API host.
pub const DEFAULT_WEBCAST_URL: &str = "https://webcast.tiktok.com";

/// What a connection hands its tap, in the order it happens: every binary frame about to be
/// decoded (WebSocket frames, and the bootstrap as the `msg` frame it stands for) and every
/// lifecycle event. Replaying these through a [`crate::Replayer`] gives the very events the
/// live connection gave (`live watch --record`, `live replay`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy)]
pub enum TapRecord<'a> {
    /// A binary frame and its arrival time.
    Frame {
        /// The frame as received.
        bytes: &'a [u8],
        /// When it arrived.
        at: Timestamp,
    },
    /// A `Connected`, `Reconnecting` or `Disconnected` event, as the consumer will see it.
    Lifecycle(&'a TikTokEvent),
    /// The streak clock ran between frames and counted gift streaks that had timed out.
    Tick {
        /// The time it ran at.
        at: Timestamp,
    },
}

/// Sees every [`TapRecord`] of a connection.
pub type FrameTap = Arc<dyn Fn(TapRecord<'_>) + Send + Sync>;

/// Which signer bootstraps connections.
#[non_exhaustive]
#[derive(Clone, Default)]
pub enum SignerChoice {
    /// Euler Stream's `/webcast/fetch` (default).
    #[default]
    Euler,
    /// The direct ttwid flow (no sign server; fragile).
    Direct,
    /// Your own.
    Custom(Arc<dyn Signer>),
}

impl fmt::Debug for SignerChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SignerChoice::Euler => "Euler",
            SignerChoice::Direct => "Direct",
            SignerChoice::Custom(_) => "Custom",
        })
    }
}

/// When and how often to reconnect.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconnectPolicy {
    /// Attempts in a row before giving up (`None`: never give up).
    pub max_attempts: Option<u32>,
    /// The first wait (jittered: half to all of it).
    pub base_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
    /// A connection that lasted this long resets the attempt count and backoff.
    pub stable_after: Duration,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            max_attempts: Some(10),
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            stable_after: Duration::from_secs(60),
        }
    }
}

impl ReconnectPolicy {
    /// Never reconnect.
    pub fn never() -> Self {
        ReconnectPolicy {
            max_attempts: Some(0),
            ..ReconnectPolicy::default()
        }
    }

    /// Sets the attempts allowed in a row.
    #[must_use]
    pub fn max_attempts(mut self, attempts: Option<u32>) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Sets the backoff range.
    #[must_use]
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max;
        self
    }
}

/// Configures a connection to one room. Every URL is an option, so tests point it at loopback
/// emulators.
#[derive(Clone)]
pub struct TikTokClientBuilder {
    pub(crate) room: String,
    pub(crate) room_id: Option<String>,
    pub(crate) web_url: String,
    pub(crate) webcast_url: String,
    pub(crate) euler_url: String,
    pub(crate) euler_api_key: Option<Secret>,
    pub(crate) signer: SignerChoice,
    pub(crate) direct_push_server: String,
    pub(crate) user_agent: String,
    pub(crate) heartbeat_interval: Option<Duration>,
    pub(crate) stale_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) reconnect: ReconnectPolicy,
    pub(crate) buffer: usize,
    pub(crate) check_room_info: bool,
    pub(crate) decoder: DecoderOptions,
    pub(crate) frame_tap: Option<FrameTap>,
    pub(crate) pool: Option<ConnectionPool>,
}

impl fmt::Debug for TikTokClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TikTokClientBuilder")
            .field("room", &self.room)
            .field("room_id", &self.room_id)
            .field("web_url", &self.web_url)
            .field("webcast_url", &self.webcast_url)
            .field("euler_url", &self.euler_url)
            .field("euler_api_key", &self.euler_api_key)
            .field("signer", &self.signer)
            .field("heartbeat_interval", &self.heartbeat_interval)
            .field("stale_timeout", &self.stale_timeout)
            .field("reconnect", &self.reconnect)
            .field("buffer", &self.buffer)
            .finish_non_exhaustive()
    }
}

impl TikTokClientBuilder {
    /// Overrides tiktok.com (room lookups, the ttwid cookie).
    #[must_use]
    pub fn web_url(mut self, url: impl Into<String>) -> Self {
        self.web_url = url.into();
        self
    }

    /// Overrides webcast.tiktok.com (room info).
    #[must_use]
    pub fn webcast_url(mut self, url: impl Into<String>) -> Self {
        self.webcast_url = url.into();
        self
    }

    /// Overrides the Euler Stream API.
    #[must_use]
    pub fn euler_url(mut self, url: impl Into<String>) -> Self {
        self.euler_url = url.into();
        self
    }

    /// The Euler Stream API key (sent as `x-api-key`).
    #[must_use]
    pub fn euler_api_key(mut self, key: Secret) -> Self {
        self.euler_api_key = Some(key);
        self
    }

    /// Keeps the HTTP connections of the lookup and the signer (tiktok.com, Euler) in `pool`,
    /// shared with other rooms' clients. Without one, each room's client has a pool of its own
    /// and keeps its idle connections (two or three file descriptors) for a minute after
    /// connecting; a process watching thousands of rooms should share one.
    /// [`live-sdk`'s `LiveClient`] does this for every room it watches.
    ///
    /// [`live-sdk`'s `LiveClient`]: https://docs.rs/live-sdk
    #[must_use]
    pub fn connection_pool(mut self, pool: ConnectionPool) -> Self {
        self.pool = Some(pool);
        self
    }

    /// Uses `pool` unless [`connection_pool`](Self::connection_pool) already chose one.
    #[must_use]
    pub fn default_connection_pool(mut self, pool: &ConnectionPool) -> Self {
        if self.pool.is_none() {
            self.pool = Some(pool.clone());
        }
        self
    }

    /// Skips the room lookup: connect to this room id.
    #[must_use]
    pub fn room_id(mut self, room_id: impl Into<String>) -> Self {
        self.room_id = Some(room_id.into());
        self
    }

    /// Which signer bootstraps connections (default Euler).
    #[must_use]
    pub fn signer(mut self, signer: SignerChoice) -> Self {
        self.signer = signer;
        self
    }

    /// The push server of the direct flow (default TikTok's global one).
    #[must_use]
    pub fn direct_push_server(mut self, url: impl Into<String>) -> Self {
        self.direct_push_server = url.into();
        self
    }

    /// The browser user agent used for lookups, signing and the WebSocket.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// A fixed heartbeat interval, overriding the server's suggestion (default: the server's
    /// `Handshake-Options: ping-interval`, else the fetch result's, else 10 s).
    #[must_use]
    pub fn heartbeat_interval(mut self, interval: Duration) -> Self {
        self.heartbeat_interval = Some(interval);
        self
    }

    /// No frame at all for this long means the connection is dead (default 40 s; the server
    /// echoes every heartbeat, so a healthy connection is never this quiet).
    #[must_use]
    pub fn stale_timeout(mut self, timeout: Duration) -> Self {
        self.stale_timeout = timeout;
        self
    }

    /// Time allowed to open the WebSocket (default 20 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The reconnect policy.
    #[must_use]
    pub fn reconnect(mut self, policy: ReconnectPolicy) -> Self {
        self.reconnect = policy;
        self
    }

    /// Events buffered for a slow consumer (default 256); see [`TikTokStream`].
    #[must_use]
    pub fn buffer(mut self, events: usize) -> Self {
        self.buffer = events.max(1);
        self
    }

    /// Check `webcast/room/info` before connecting (age restriction, ended rooms; default on).
    #[must_use]
    pub fn check_room_info(mut self, check: bool) -> Self {
        self.check_room_info = check;
        self
    }

    /// Attach each typed message as JSON (`raw`) to its unified event.
    #[must_use]
    pub fn include_raw(mut self, include: bool) -> Self {
        self.decoder.include_raw = include;
        self
    }

    /// Decoder options (streak timeout, de-duplication memory, decompression cap).
    #[must_use]
    pub fn decoder_options(mut self, options: DecoderOptions) -> Self {
        self.decoder = options;
        self
    }

    /// Sees every raw binary frame with its arrival time (for recording).
    #[must_use]
    pub fn frame_tap(mut self, tap: impl Fn(TapRecord<'_>) + Send + Sync + 'static) -> Self {
        self.frame_tap = Some(Arc::new(tap));
        self
    }

    /// Builds the client and connects ([`TikTokClient::connect`]).
    pub async fn connect(self) -> Result<TikTokStream, Error> {
        self.build()?.connect().await
    }

    /// Builds the client (no I/O yet).
    pub fn build(self) -> Result<TikTokClient, Error> {
        let room = normalize_unique_id(&self.room)?;
        let pool = match &self.pool {
            Some(pool) => pool.clone(),
            None => ConnectionPool::new().map_err(|e| Error::http(Service::TikTok, e))?,
        };
        let euler = {
            let mut builder = EulerClient::builder()
                .base_url(&self.euler_url)
                .connection_pool(pool.clone());
            if let Some(key) = &self.euler_api_key {
                builder = builder.auth(EulerAuth::ApiKeyHeader(key.clone()));
            }
            builder.build()?
        };
        let lookup = RoomLookup::with_connection_pool(
            &self.web_url,
            &self.webcast_url,
            &self.user_agent,
            Some(euler.clone()),
            pool,
        )?;
        let signer: Arc<dyn Signer> = match &self.signer {
            SignerChoice::Euler => Arc::new(EulerSigner::new(euler.clone())),
            SignerChoice::Direct => Arc::new(DirectSigner::new(
                lookup.clone(),
                self.direct_push_server.clone(),
            )),
            SignerChoice::Custom(signer) => Arc::clone(signer),
        };
        Ok(TikTokClient {
            room,
            lookup,
            euler,
            signer,
            options: self,
        })
    }
}

/// A client for one TikTok room. [`TikTokClient::connect`] opens the live stream.
pub struct TikTokClient {
    pub(crate) room: String,
    pub(crate) lookup: RoomLookup,
    pub(crate) euler: EulerClient,
    pub(crate) signer: Arc<dyn Signer>,
    pub(crate) options: TikTokClientBuilder,
}

impl fmt::Debug for TikTokClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TikTokClient")
            .field("room", &self.room)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl TikTokClient {
    /// A builder for the room of `unique_id` (`alice`, `@alice` or a profile URL); events are
    /// stamped with the unique id as given, without `@`.
    pub fn builder(unique_id: impl Into<String>) -> TikTokClientBuilder {
        TikTokClientBuilder {
            room: unique_id.into(),
            room_id: None,
            web_url: DEFAULT_WEB_URL.to_owned(),
            webcast_url: DEFAULT_WEBCAST_URL.to_owned(),
            euler_url: DEFAULT_EULER_URL.to_owned(),
            euler_api_key: None,
            signer: SignerChoice::Euler,
            direct_push_server: DEFAULT_DIRECT_PUSH_SERVER.to_owned(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            heartbeat_interval: None,
            stale_timeout: Duration::from_secs(40),
            connect_timeout: Duration::from_secs(20),
            reconnect: ReconnectPolicy::default(),
            buffer: 256,
            check_room_info: true,
            decoder: DecoderOptions::default(),
            frame_tap: None,
            pool: None,
        }
    }

    /// The room name events carry.
    pub fn room(&self) -> &str {
        &self.room
    }

    /// The room lookups this client uses.
    pub fn lookup(&self) -> &RoomLookup {
        &self.lookup
    }

    /// The Euler client this client uses.
    pub fn euler(&self) -> &EulerClient {
        &self.euler
    }

    /// Resolves the room, bootstraps and opens the WebSocket; fails with a typed error when
    /// the user is not found, offline or age-restricted, when signing fails, or when the
    /// handshake is refused. Afterwards the connection lives in a background task that
    /// reconnects by itself.
    pub async fn connect(self) -> Result<TikTokStream, Error> {
        let room_id = match &self.options.room_id {
            Some(room_id) => room_id.clone(),
            None => self.lookup.resolve(&self.room).await?.room_id,
        };
        if self.options.check_room_info {
            match self.lookup.check_room(&room_id, &self.room).await {
                Ok(()) => {}
                Err(e @ (Error::AgeRestricted { .. } | Error::UserOffline { .. })) => {
                    return Err(e);
                }
                Err(e) => tracing::debug!(error = %e, "room info check failed; connecting anyway"),
            }
        }
        let decoder = Decoder::new(&self.room, self.options.decoder.clone());
        let mut runner = run::Runner::new(self, room_id, decoder);
        let session = runner.open_session().await?;
        let (tx, rx) = mpsc::channel(runner.buffer());
        let cancel = CancellationToken::new();
        let room_id = runner.room_id().to_owned();
        let task = tokio::spawn(runner.run(session, tx, cancel.clone()));
        Ok(TikTokStream {
            rx,
            cancel,
            task: Arc::new(tokio::sync::Mutex::new(Some(task))),
            room_id,
        })
    }
}

/// The events of a connected room.
///
/// **Slow consumers:** at most the configured buffer of events (default 256) waits for you.
/// When it is full the connection stops reading the socket (nothing is dropped) while
/// heartbeats go on; TikTok may eventually close a connection that does not read, and the
/// client then reconnects and resumes from the last cursor, de-duplicating what it had.
///
/// Dropping the stream cancels the connection; [`TikTokStream::close`] also waits for it to
/// close cleanly.
pub struct TikTokStream {
    rx: mpsc::Receiver<TikTokEvent>,
    cancel: CancellationToken,
    task: Arc<tokio::sync::Mutex<Option<JoinHandle<()>>>>,
    room_id: String,
}

/// Closes a [`TikTokStream`] from elsewhere (when the stream itself was moved into a pump).
#[derive(Debug, Clone)]
pub struct CloseHandle {
    cancel: CancellationToken,
    task: Arc<tokio::sync::Mutex<Option<JoinHandle<()>>>>,
}

impl CloseHandle {
    /// Closes the WebSocket cleanly and waits for the background task to end. Events not yet
    /// read stay readable; nothing waits for them to be read.
    pub async fn close(self) {
        self.cancel.cancel();
        let task = self.task.lock().await.take();
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

impl fmt::Debug for TikTokStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TikTokStream")
            .field("room_id", &self.room_id)
            .finish_non_exhaustive()
    }
}

impl TikTokStream {
    /// The next event; `None` once the connection is over (after its `Disconnected` event).
    /// Cancel-safe: use it in `tokio::select!`.
    pub async fn next_event(&mut self) -> Option<TikTokEvent> {
        self.rx.recv().await
    }

    /// TikTok's room id.
    pub fn room_id(&self) -> &str {
        &self.room_id
    }

    /// Closes the WebSocket cleanly and waits for the background task to end.
    pub async fn close(self) {
        self.close_handle().close().await;
    }

    /// A handle that closes this stream, for when the stream is moved elsewhere.
    pub fn close_handle(&self) -> CloseHandle {
        CloseHandle {
            cancel: self.cancel.clone(),
            task: Arc::clone(&self.task),
        }
    }
}

impl futures_util::Stream for TikTokStream {
    type Item = TikTokEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<TikTokEvent>> {
        self.rx.poll_recv(cx)
    }
}

impl Drop for TikTokStream {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}
