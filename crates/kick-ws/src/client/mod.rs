//! The live client: one socket for every watched channel, reconnects, viewer polling, and a
//! bounded stream of [`KickEvent`]s.

mod backlog;
mod driver;

use std::fmt;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::Stream;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::api::KickApi;
use crate::channel::ChannelRef;
use crate::decoder::DecoderOptions;
use crate::error::{Error, Result};
use crate::event::KickEvent;
use crate::frame::{RawFrame, WatchRecord};
use crate::names::Alias;

/// Kick's public Pusher app: key `32cbd69e4b950bf97679` on cluster us2, protocol 7.
pub const DEFAULT_PUSHER_URL: &str = "wss://ws-us2.pusher.com/app/32cbd69e4b950bf97679?protocol=7&client=js&version=8.4.0&flash=false";

/// kick.com: channel lookups and viewer counts.
pub const DEFAULT_API_URL: &str = "https://kick.com";

/// web.kick.com: transport negotiation and Centrifugo tokens.
pub const DEFAULT_WEB_URL: &str = "https://web.kick.com";

/// Which real-time transport to use.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Transport {
    /// Ask kick.com's negotiation endpoint and use what it offers (Centrifugo first), falling
    /// back to Pusher when the negotiation or the offered transport fails.
    #[default]
    Auto,
    /// Pusher protocol 7 at the configured URL, no negotiation.
    Pusher,
    /// Centrifugo only (negotiation and guest token required).
    Centrifugo,
}

impl FromStr for Transport {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Transport::Auto),
            "pusher" => Ok(Transport::Pusher),
            "centrifugo" => Ok(Transport::Centrifugo),
            other => Err(Error::InvalidConfig(format!(
                "transport {other:?}: use auto, pusher or centrifugo"
            ))),
        }
    }
}

/// How the client reconnects.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconnectPolicy {
    /// The first backoff (default 1 s); it doubles per failed attempt, with jitter.
    pub base_delay: Duration,
    /// The longest backoff (default 30 s).
    pub max_delay: Duration,
    /// A connection that lived this long resets the backoff (default 30 s).
    pub stable_after: Duration,
    /// Give up after this many consecutive failed attempts (default: never).
    pub max_attempts: Option<u32>,
    /// After a terminal Centrifugo code, wait at least this long (default 5 min, doubling to
    /// `terminal_max_delay`); `Transport::Auto` falls back to Pusher instead.
    pub terminal_delay: Duration,
    /// The longest wait after terminal codes (default 30 min).
    pub terminal_max_delay: Duration,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            stable_after: Duration::from_secs(30),
            max_attempts: None,
            terminal_delay: Duration::from_secs(300),
            terminal_max_delay: Duration::from_secs(1800),
        }
    }
}

impl ReconnectPolicy {
    /// The defaults.
    pub fn new() -> Self {
        ReconnectPolicy::default()
    }

    /// Sets the backoff range.
    #[must_use]
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max;
        self
    }

    /// Sets the attempt limit.
    #[must_use]
    pub fn max_attempts(mut self, attempts: Option<u32>) -> Self {
        self.max_attempts = attempts;
        self
    }
}

/// A callback that sees every frame the decoder reads, in order (for recordings).
pub type FrameTap = Arc<dyn Fn(&RawFrame) + Send + Sync>;

/// Everything the driver needs, fixed at build time.
#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) pusher_url: String,
    pub(crate) transport: Transport,
    pub(crate) viewer_poll: Option<Duration>,
    pub(crate) buffer: usize,
    pub(crate) decoder: DecoderOptions,
    pub(crate) tap: Option<FrameTap>,
    pub(crate) reconnect: ReconnectPolicy,
    pub(crate) handshake_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_frame_bytes: usize,
}

/// Configures a [`KickClient`].
pub struct KickClientBuilder {
    api_url: String,
    web_url: String,
    config: Config,
}

impl fmt::Debug for KickClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KickClientBuilder")
            .field("api_url", &self.api_url)
            .field("web_url", &self.web_url)
            .field("pusher_url", &self.config.pusher_url)
            .field("transport", &self.config.transport)
            .field("viewer_poll", &self.config.viewer_poll)
            .field("buffer", &self.config.buffer)
            .finish_non_exhaustive()
    }
}

impl Default for KickClientBuilder {
    fn default() -> Self {
        KickClientBuilder {
            api_url: DEFAULT_API_URL.to_owned(),
            web_url: DEFAULT_WEB_URL.to_owned(),
            config: Config {
                pusher_url: DEFAULT_PUSHER_URL.to_owned(),
                transport: Transport::Auto,
                viewer_poll: Some(Duration::from_secs(60)),
                buffer: 1024,
                decoder: DecoderOptions::default(),
                tap: None,
                reconnect: ReconnectPolicy::default(),
                handshake_timeout: Duration::from_secs(20),
                connect_timeout: Duration::from_secs(20),
                max_frame_bytes: 1024 * 1024,
            },
        }
    }
}

impl KickClientBuilder {
    /// kick.com's base URL (default `https://kick.com`): lookups and viewer counts.
    #[must_use]
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = url.into();
        self
    }

    /// The Pusher WebSocket URL (default: Kick's app on cluster us2, protocol 7).
    #[must_use]
    pub fn pusher_url(mut self, url: impl Into<String>) -> Self {
        self.config.pusher_url = url.into();
        self
    }

    /// web.kick.com's base URL (default `https://web.kick.com`): negotiation and tokens.
    #[must_use]
    pub fn web_url(mut self, url: impl Into<String>) -> Self {
        self.web_url = url.into();
        self
    }

    /// The transport (default [`Transport::Auto`]).
    #[must_use]
    pub fn transport(mut self, transport: Transport) -> Self {
        self.config.transport = transport;
        self
    }

    /// How often viewer counts are polled for every live watched channel in one request
    /// (default 60 s); `None` turns polling off (the lookup's count is still emitted).
    #[must_use]
    pub fn viewer_poll_interval(mut self, interval: Option<Duration>) -> Self {
        self.config.viewer_poll = interval.filter(|d| !d.is_zero());
        self
    }

    /// How many events wait for the consumer before new ones are dropped (default 1024;
    /// see [`KickClient`] for the policy).
    #[must_use]
    pub fn event_buffer(mut self, capacity: usize) -> Self {
        self.config.buffer = capacity.max(1);
        self
    }

    /// Keep each event's raw `data` (`LiveEvent.raw`, what `live watch --all` prints).
    #[must_use]
    pub fn include_raw(mut self, include: bool) -> Self {
        self.config.decoder.include_raw = include;
        self
    }

    /// Calls `tap` with every frame the decoder reads (wire frames and the client's records),
    /// with its arrival time and source, before decoding it (for `live watch --record`).
    #[must_use]
    pub fn frame_tap(mut self, tap: impl Fn(&RawFrame) + Send + Sync + 'static) -> Self {
        self.config.tap = Some(Arc::new(tap));
        self
    }

    /// The channel aliases subscribed per watched channel (default: all five).
    #[must_use]
    pub fn aliases(mut self, aliases: impl IntoIterator<Item = Alias>) -> Self {
        self.config.decoder = self.config.decoder.aliases(aliases);
        self
    }

    /// The decoder's options (de-duplication windows, chunk timeout...); `include_raw` and
    /// `aliases` set before are replaced.
    #[must_use]
    pub fn decoder_options(mut self, options: DecoderOptions) -> Self {
        self.config.decoder = options;
        self
    }

    /// How the client reconnects.
    #[must_use]
    pub fn reconnect(mut self, policy: ReconnectPolicy) -> Self {
        self.config.reconnect = policy;
        self
    }

    /// The time allowed from the socket opening to the server's handshake (default 20 s).
    #[must_use]
    pub fn handshake_timeout(mut self, timeout: Duration) -> Self {
        self.config.handshake_timeout = timeout;
        self
    }

    /// The time allowed to open the socket (default 20 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// The largest frame accepted (default 1 MiB); a larger one drops the connection, which
    /// is then re-established.
    #[must_use]
    pub fn max_frame_bytes(mut self, bytes: usize) -> Self {
        self.config.max_frame_bytes = bytes.max(1024);
        self
    }

    /// Builds the client and starts its task (call inside a tokio runtime). No connection is
    /// made until the first channel is watched.
    pub fn build(self) -> Result<KickClient> {
        if !(self.config.pusher_url.starts_with("ws://")
            || self.config.pusher_url.starts_with("wss://"))
        {
            return Err(Error::InvalidConfig(format!(
                "the Pusher URL must start with ws:// or wss://: {}",
                self.config.pusher_url
            )));
        }
        let api = KickApi::new(&self.api_url, &self.web_url)?;
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| {
            Error::InvalidConfig("KickClient::build needs a tokio runtime".to_owned())
        })?;
        let (events_tx, events_rx) = mpsc::channel(self.config.buffer);
        let (commands_tx, commands_rx) = mpsc::channel(64);
        let cancel = CancellationToken::new();
        let driver = driver::Driver::new(
            self.config,
            api.clone(),
            events_tx,
            commands_rx,
            cancel.clone(),
        );
        let task = runtime.spawn(tracing::Instrument::instrument(
            driver.run(),
            tracing::debug_span!("kick.client"),
        ));
        Ok(KickClient {
            handle: KickHandle {
                shared: Arc::new(Shared {
                    commands: commands_tx,
                    cancel,
                    task: Mutex::new(Some(task)),
                    api,
                }),
            },
            events: events_rx,
        })
    }
}

pub(crate) enum Command {
    Watch(WatchRecord, oneshot::Sender<Result<()>>),
    Unwatch(String, oneshot::Sender<bool>),
}

struct Shared {
    commands: mpsc::Sender<Command>,
    cancel: CancellationToken,
    task: Mutex<Option<JoinHandle<Result<()>>>>,
    api: KickApi,
}

/// A cheap, cloneable handle to a running [`KickClient`]: watch and unwatch channels and
/// close the client from any task.
#[derive(Clone)]
pub struct KickHandle {
    shared: Arc<Shared>,
}

impl fmt::Debug for KickHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KickHandle")
            .field("closed", &self.shared.cancel.is_cancelled())
            .finish()
    }
}

impl KickHandle {
    /// Watches a channel on the client's socket and returns its room name. A slug is looked
    /// up on kick.com first ([`Error::Blocked`] when Cloudflare refuses: pass ids instead);
    /// ids are used as given. The channel's viewer count, when the lookup has one, is the
    /// room's first event; `Connected` follows once its subscriptions are confirmed.
    pub async fn watch(&self, channel: ChannelRef) -> Result<String> {
        let record = match channel.to_record() {
            Some(record) => record,
            None => {
                let slug = channel.slug.clone().ok_or_else(|| {
                    Error::InvalidConfig("a channel needs a slug or both ids".to_owned())
                })?;
                let info = self.shared.api.channel(&slug).await?;
                info.to_record(channel.room_name())
                    .ok_or_else(|| Error::Unexpected {
                        what: "channel lookup",
                        message: format!(
                            "ids that are not numbers (channel {:?}, chatroom {:?})",
                            info.id, info.chatroom.id
                        ),
                    })?
            }
        };
        self.watch_record(record).await
    }

    /// Watches a channel from a ready record (ids, livestream, viewers), skipping any lookup.
    pub async fn watch_record(&self, record: WatchRecord) -> Result<String> {
        let room = record.room.clone();
        let (reply, answer) = oneshot::channel();
        self.shared
            .commands
            .send(Command::Watch(record, reply))
            .await
            .map_err(|_| Error::Closed)?;
        answer.await.map_err(|_| Error::Closed)??;
        Ok(room)
    }

    /// Stops watching a room: its channels are unsubscribed (unless another room uses them)
    /// and its last event is `Disconnected` (reason `unwatched`). False when it was not
    /// watched.
    pub async fn unwatch(&self, room: &str) -> Result<bool> {
        let (reply, answer) = oneshot::channel();
        self.shared
            .commands
            .send(Command::Unwatch(room.to_owned(), reply))
            .await
            .map_err(|_| Error::Closed)?;
        answer.await.map_err(|_| Error::Closed)
    }

    /// Looks a channel up without watching it.
    pub async fn lookup(&self, slug: &str) -> Result<crate::ChannelInfo> {
        self.shared.api.channel(slug).await
    }

    /// Closes the socket cleanly and ends the event stream (after `Disconnected` for every
    /// room). Returns the error that had stopped the client, if one did (a refusal such as
    /// Pusher's 4001). Closing twice is harmless.
    pub async fn close(&self) -> Result<()> {
        self.shared.cancel.cancel();
        let task = self
            .shared
            .task
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        match task {
            Some(task) => task.await.unwrap_or(Err(Error::Closed)),
            None => Ok(()),
        }
    }

    /// True once the client was closed or stopped.
    pub fn is_closed(&self) -> bool {
        self.shared.cancel.is_cancelled() || self.shared.commands.is_closed()
    }
}

/// A Kick real-time client: one socket (Pusher or Centrifugo) carrying every watched channel,
/// and the stream of their events.
///
/// - **Watching**: [`KickClient::watch`] adds a channel at any time (by slug or by ids);
///   [`KickClient::unwatch`] removes it. Watching N channels uses one socket; after every
///   reconnect all of them are subscribed again.
/// - **Events**: the client is a `Stream` of [`KickEvent`]; [`KickClient::next_event`] is the
///   same as a method. Both are cancel-safe: a `select!` that drops the future loses nothing.
/// - **Slow consumers**: events wait in a bounded buffer ([`KickClientBuilder::event_buffer`],
///   1024 by default). When it is full, new events are dropped and counted, and a
///   [`KickEvent::Lagged`] per room with its count is delivered as soon as there is room
///   again. Lifecycle events (connected, reconnecting, disconnected, error) are not dropped:
///   they wait, in order, with the drop notices, and reach the consumer before anything newer
///   (up to four per watched room; a consumer that never reads loses those too). The socket
///   is never stalled by a slow consumer: a stalled socket misses Pusher's pings and is
///   closed by the server, which loses more.
/// - **Closing**: [`KickClient::close`] closes the socket cleanly and waits for the task;
///   dropping the client only cancels the task (no async work in `Drop`).
///
/// ```no_run
/// # async fn demo() -> kick_ws::Result<()> {
/// use kick_ws::{ChannelRef, KickClient, KickEvent};
/// let mut client = KickClient::builder().build()?;
/// client.watch(ChannelRef::slug("xqc")).await?;
/// while let Some(event) = client.next_event().await {
///     if let KickEvent::ChatMessage(chat) = &event {
///         println!("{}: {}", chat.data.sender.username, chat.data.content);
///     }
///     if let Some(line) = event.to_live_event() {
///         println!("{}", line.to_json_line());
///     }
/// }
/// client.close().await
/// # }
/// ```
pub struct KickClient {
    handle: KickHandle,
    events: mpsc::Receiver<KickEvent>,
}

impl fmt::Debug for KickClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KickClient")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

impl KickClient {
    /// A builder with Kick's defaults.
    pub fn builder() -> KickClientBuilder {
        KickClientBuilder::default()
    }

    /// A handle for other tasks.
    pub fn handle(&self) -> KickHandle {
        self.handle.clone()
    }

    /// See [`KickHandle::watch`].
    pub async fn watch(&self, channel: ChannelRef) -> Result<String> {
        self.handle.watch(channel).await
    }

    /// See [`KickHandle::unwatch`].
    pub async fn unwatch(&self, room: &str) -> Result<bool> {
        self.handle.unwatch(room).await
    }

    /// The next event; `None` once the client is closed and the buffer drained. Cancel-safe.
    pub async fn next_event(&mut self) -> Option<KickEvent> {
        self.events.recv().await
    }

    /// See [`KickHandle::close`].
    pub async fn close(self) -> Result<()> {
        self.handle.close().await
    }
}

impl Stream for KickClient {
    type Item = KickEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<KickEvent>> {
        self.events.poll_recv(cx)
    }
}

impl Drop for KickClient {
    fn drop(&mut self) {
        // Only a signal: the task closes the socket by itself.
        self.handle.shared.cancel.cancel();
    }
}
