//! [`LiveClient`]: many targets of any platform, one merged stream.

#[cfg(feature = "tiktok")]
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

use live_model::event::Lifecycle;
#[allow(unused_imports)]
use live_model::{EventKind, LiveEvent, Platform, Target, Timestamp};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::Error;
use crate::event::{Event, Source};
use crate::record::Recorder;

/// How many events wait in the merged stream by default.
const DEFAULT_BUFFER: usize = 1024;

#[cfg(feature = "tiktok")]
type TikTokFactory = Arc<dyn Fn(&str) -> tiktok_webcast::TikTokClientBuilder + Send + Sync>;

/// Configures a [`LiveClient`].
#[must_use]
pub struct LiveClientBuilder {
    buffer: usize,
    include_raw: bool,
    recorder: Option<Recorder>,
    #[cfg(feature = "kick")]
    kick: kick_ws::KickClientBuilder,
    #[cfg(feature = "tiktok")]
    tiktok: TikTokFactory,
}

impl fmt::Debug for LiveClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveClientBuilder")
            .field("buffer", &self.buffer)
            .field("include_raw", &self.include_raw)
            .finish_non_exhaustive()
    }
}

impl LiveClientBuilder {
    /// How many events wait in the merged stream (default 1024). See [`LiveClient`] for
    /// what happens when the consumer is slower than the rooms.
    pub fn buffer(mut self, events: usize) -> Self {
        self.buffer = events.max(1);
        self
    }

    /// Keeps each platform's raw payload on the unified events (`LiveEvent::raw`).
    pub fn include_raw(mut self, include: bool) -> Self {
        self.include_raw = include;
        self
    }

    /// Records every decoder input of every target (see [`crate::record`]). The platform
    /// builders' own frame taps are replaced.
    pub fn record(mut self, recorder: Recorder) -> Self {
        self.recorder = Some(recorder);
        self
    }

    /// The Kick client's settings (URLs, transport, viewer polling, reconnects). One Kick
    /// client, so one socket, serves every Kick target.
    #[cfg(feature = "kick")]
    pub fn kick(mut self, builder: kick_ws::KickClientBuilder) -> Self {
        self.kick = builder;
        self
    }

    /// Makes the TikTok client of a room (its URLs, signer, keys); called with the room as
    /// the target names it. Default: `TikTokClient::builder(room)`.
    #[cfg(feature = "tiktok")]
    pub fn tiktok(
        mut self,
        factory: impl Fn(&str) -> tiktok_webcast::TikTokClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.tiktok = Arc::new(factory);
        self
    }

    /// Builds the client. No connection is made until a target is added, and no runtime is
    /// needed until then.
    pub fn build(self) -> Result<LiveClient, Error> {
        let (tx, rx) = mpsc::channel(self.buffer);
        #[cfg(feature = "kick")]
        let kick = {
            let mut builder = self.kick.include_raw(self.include_raw);
            if let Some(recorder) = self.recorder.clone() {
                builder = builder.frame_tap(move |frame| recorder.kick(frame));
            }
            let client = builder.build()?;
            KickSide {
                handle: client.handle(),
                client: Mutex::new(Some(client)),
            }
        };
        let shared = Arc::new(Shared {
            tx,
            cancel: CancellationToken::new(),
            state: Mutex::new(State::default()),
            include_raw: self.include_raw,
            recorder: self.recorder,
            #[cfg(feature = "kick")]
            kick,
            #[cfg(feature = "tiktok")]
            tiktok: self.tiktok,
            #[cfg(feature = "tiktok")]
            tiktok_pool: live_http::ConnectionPool::new()?,
        });
        Ok(LiveClient {
            rx,
            handle: LiveHandle { shared },
        })
    }
}

#[cfg(feature = "kick")]
struct KickSide {
    handle: kick_ws::KickHandle,
    /// The client until its pump starts (at the first Kick target).
    client: Mutex<Option<kick_ws::KickClient>>,
}

#[derive(Default)]
struct State {
    // (see `finished`)
    /// Targets added and not yet ended.
    active: BTreeSet<Target>,
    /// True once a target was added (an empty client waits; a finished one ends).
    added_any: bool,
    closed: bool,
    #[cfg(feature = "tiktok")]
    tiktok: BTreeMap<Target, tiktok_webcast::CloseHandle>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl State {
    /// The stream is over: every target added (or none, after a close) has ended.
    fn finished(&self) -> bool {
        (self.added_any || self.closed) && self.active.is_empty()
    }
}

struct Shared {
    tx: mpsc::Sender<Event>,
    cancel: CancellationToken,
    state: Mutex<State>,
    #[allow(dead_code)]
    include_raw: bool,
    recorder: Option<Recorder>,
    #[cfg(feature = "kick")]
    kick: KickSide,
    #[cfg(feature = "tiktok")]
    tiktok: TikTokFactory,
    /// HTTP connections shared by every TikTok room's lookup and signer: thousands of rooms
    /// would otherwise each keep their own idle ones.
    #[cfg(feature = "tiktok")]
    tiktok_pool: live_http::ConnectionPool,
}

impl Shared {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Ends `target` in the stream with a `disconnected` event of the SDK's own.
    async fn end(&self, target: &Target, reason: &str) {
        let ended = LiveEvent::new(
            target.platform(),
            target.room(),
            Timestamp::now(),
            EventKind::Disconnected(Lifecycle::because(reason)),
        );
        let _ = self
            .tx
            .send(Event::new(target.clone(), Some(ended), Source::Sdk))
            .await;
    }
}

/// Watches many targets of any platform and merges their events into one stream.
///
/// ```no_run
/// # async fn demo() -> Result<(), live_sdk::Error> {
/// use live_sdk::{LiveClient, Target};
///
/// let mut client = LiveClient::builder().build()?;
/// client.add("kick:xqc".parse::<Target>().unwrap()).await?;
/// client.add("tiktok:@alice".parse::<Target>().unwrap()).await?;
/// while let Some(event) = client.next_event().await {
///     if let Some(line) = &event.live {
///         println!("{}", line.to_json_line());
///     }
/// }
/// # Ok(()) }
/// ```
///
/// # Targets
/// Targets can be added and removed while the stream is read (from other tasks, through a
/// [`LiveHandle`]). A target's first lifecycle event is `connected` (a viewer count known
/// from a lookup may come before it) and its last event is `disconnected`; a target that
/// cannot be added ends at once with a `disconnected` event saying why, and
/// [`LiveHandle::add`] returns the error. Kick targets share one socket; each TikTok target
/// has its own.
///
/// # Backpressure
/// The merged stream holds [`LiveClientBuilder::buffer`] events. When the consumer falls
/// behind, the stream stops taking events from the platform clients, whose own buffers then
/// fill; from there each platform applies its policy: TikTok stops reading its socket (and
/// keeps its heartbeats), so nothing is lost while its server waits; Kick keeps reading (a
/// stalled Pusher socket is closed by the server), drops the newest events and reports how
/// many with a `connected` lifecycle event of the room whose reason says so. Nothing is
/// dropped silently.
///
/// # Cancel safety
/// [`LiveClient::next_event`] is cancel-safe. Close with [`LiveClient::close`]; dropping the
/// client cancels its connections without waiting (nothing async runs in `Drop`).
pub struct LiveClient {
    rx: mpsc::Receiver<Event>,
    handle: LiveHandle,
}

impl fmt::Debug for LiveClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveClient").finish_non_exhaustive()
    }
}

/// Adds, removes and closes targets of a [`LiveClient`] from any task. Cheap to clone.
#[derive(Clone)]
pub struct LiveHandle {
    shared: Arc<Shared>,
}

impl fmt::Debug for LiveHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveHandle").finish_non_exhaustive()
    }
}

impl LiveClient {
    /// Starts configuring a client.
    pub fn builder() -> LiveClientBuilder {
        LiveClientBuilder {
            buffer: DEFAULT_BUFFER,
            include_raw: false,
            recorder: None,
            #[cfg(feature = "kick")]
            kick: kick_ws::KickClient::builder(),
            #[cfg(feature = "tiktok")]
            tiktok: Arc::new(|room: &str| tiktok_webcast::TikTokClient::builder(room)),
        }
    }

    /// A handle to add and remove targets from other tasks.
    pub fn handle(&self) -> LiveHandle {
        self.handle.clone()
    }

    /// Starts watching `target`; see [`LiveHandle::add`].
    pub async fn add(&self, target: Target) -> Result<(), Error> {
        self.handle.add(target).await
    }

    /// Stops watching `target`; see [`LiveHandle::remove`].
    pub async fn remove(&self, target: &Target) -> Result<bool, Error> {
        self.handle.remove(target).await
    }

    /// The targets added and not yet ended.
    pub fn targets(&self) -> Vec<Target> {
        self.handle.shared.state().active.iter().cloned().collect()
    }

    /// The next event of any target. `None` once the client is closed, or once every target
    /// added so far has ended (a client with no target yet waits). Cancel-safe.
    pub async fn next_event(&mut self) -> Option<Event> {
        if self.handle.shared.state().finished() {
            return None;
        }
        let event = tokio::select! {
            biased;
            event = self.rx.recv() => event?,
            _ = self.handle.shared.cancel.cancelled() => return None,
        };
        self.delivered(&event);
        Some(event)
    }

    /// Bookkeeping of a delivered event: its target may end, and a recording marks it.
    fn delivered(&self, event: &Event) {
        if event.ends_target() {
            self.handle.shared.state().active.remove(&event.target);
        }
        if let Some(recorder) = &self.handle.shared.recorder {
            recorder.output(event);
        }
    }

    /// Closes every connection (each sends its close frame), drops the events not yet read
    /// and waits for the connections' tasks to end. To read the last events instead, call
    /// [`LiveHandle::close`] and keep reading until the stream ends.
    pub async fn close(mut self) {
        self.handle.close().await;
        self.handle.shared.cancel.cancel();
        self.rx.close();
        while self.rx.try_recv().is_ok() {}
        let tasks = std::mem::take(&mut self.handle.shared.state().tasks);
        for task in tasks {
            let _ = task.await;
        }
    }
}

impl futures_util::Stream for LiveClient {
    type Item = Event;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Event>> {
        use std::task::Poll;
        if self.handle.shared.state().finished() || self.handle.shared.cancel.is_cancelled() {
            return Poll::Ready(None);
        }
        match self.rx.poll_recv(cx) {
            Poll::Ready(Some(event)) => {
                self.delivered(&event);
                Poll::Ready(Some(event))
            }
            other => other,
        }
    }
}

impl Drop for LiveClient {
    fn drop(&mut self) {
        // Only a cancel: the connections' tasks notice and end (nothing async in Drop).
        self.handle.shared.cancel.cancel();
    }
}

impl LiveHandle {
    /// Starts watching `target`. Kick targets are looked up (slug → ids) and subscribed on
    /// the shared socket; TikTok targets are resolved, signed and connected. On failure the
    /// target's stream ends at once with a `disconnected` event giving the reason, and the
    /// error is returned.
    pub async fn add(&self, target: Target) -> Result<(), Error> {
        {
            let mut state = self.shared.state();
            if state.closed {
                return Err(Error::Closed);
            }
            if !state.active.insert(target.clone()) {
                return Err(Error::AlreadyWatched(target));
            }
            state.added_any = true;
        }
        let added = match target.platform() {
            #[cfg(feature = "kick")]
            Platform::Kick => self.add_kick(&target).await,
            #[cfg(feature = "tiktok")]
            Platform::TikTok => self.add_tiktok(&target).await,
            #[allow(unreachable_patterns)]
            other => Err(Error::PlatformDisabled(other.as_str())),
        };
        if let Err(error) = &added {
            // The consumer learns of the failure in the stream too; it ends the target.
            self.shared.end(&target, &error.to_string()).await;
        }
        added
    }

    #[cfg(feature = "kick")]
    async fn add_kick(&self, target: &Target) -> Result<(), Error> {
        let client = self
            .shared
            .kick
            .client
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(mut client) = client {
            let shared = Arc::clone(&self.shared);
            let task = tokio::spawn(async move {
                let mut ended = BTreeSet::new();
                // One wait for the whole loop: a new one per event registered and unregistered
                // with the token each time (a few percent of the CPU at 100,000 events/s).
                let cancelled = shared.cancel.cancelled();
                tokio::pin!(cancelled);
                loop {
                    let event = tokio::select! {
                        biased;
                        _ = &mut cancelled => break,
                        event = client.next_event() => event,
                    };
                    let Some(event) = event else { break };
                    let Some(event) = crate::convert::kick(event) else {
                        continue;
                    };
                    if event.ends_target() {
                        ended.insert(event.target.clone());
                    }
                    if shared.tx.send(event).await.is_err() {
                        break;
                    }
                }
                let _ = client.close().await;
                // The socket is gone: every Kick target still open ends here.
                let open: Vec<Target> = shared
                    .state()
                    .active
                    .iter()
                    .filter(|t| t.platform() == Platform::Kick && !ended.contains(*t))
                    .cloned()
                    .collect();
                for target in open {
                    shared.end(&target, "the Kick connection is closed").await;
                }
            });
            self.shared.state().tasks.push(task);
        }
        let channel = kick_ws::ChannelRef::slug(target.room());
        self.shared.kick.handle.watch(channel).await?;
        Ok(())
    }

    #[cfg(feature = "tiktok")]
    async fn add_tiktok(&self, target: &Target) -> Result<(), Error> {
        let mut builder = (self.shared.tiktok)(target.room())
            .include_raw(self.shared.include_raw)
            .default_connection_pool(&self.shared.tiktok_pool);
        if let Some(recorder) = self.shared.recorder.clone() {
            let room = tiktok_webcast::room::normalize_unique_id(target.room())
                .unwrap_or_else(|_| target.room().to_owned());
            builder = builder.frame_tap(move |record| recorder.tiktok(&room, record));
        }
        let mut stream = builder.connect().await?;
        let close = stream.close_handle();
        let shared = Arc::clone(&self.shared);
        let owner = target.clone();
        let task = tokio::spawn(async move {
            let mut ended = false;
            let cancelled = shared.cancel.cancelled();
            tokio::pin!(cancelled);
            loop {
                let event = tokio::select! {
                    biased;
                    _ = &mut cancelled => break,
                    event = stream.next_event() => event,
                };
                let Some(event) = event else { break };
                let event = crate::convert::tiktok(&owner, event);
                ended |= event.ends_target();
                if shared.tx.send(event).await.is_err() {
                    return;
                }
            }
            stream.close().await;
            if !ended {
                shared.end(&owner, "closed").await;
            }
        });
        let mut state = self.shared.state();
        state.tiktok.insert(target.clone(), close);
        state.tasks.push(task);
        Ok(())
    }

    /// Stops watching `target`: its stream ends with a `disconnected` event. `false` when it
    /// was not watched.
    pub async fn remove(&self, target: &Target) -> Result<bool, Error> {
        if !self.shared.state().active.contains(target) {
            return Ok(false);
        }
        match target.platform() {
            #[cfg(feature = "kick")]
            Platform::Kick => Ok(self.shared.kick.handle.unwatch(target.room()).await?),
            #[cfg(feature = "tiktok")]
            Platform::TikTok => {
                let close = self.shared.state().tiktok.remove(target);
                match close {
                    Some(close) => {
                        close.close().await;
                        Ok(true)
                    }
                    None => Ok(false),
                }
            }
            #[allow(unreachable_patterns)]
            other => Err(Error::PlatformDisabled(other.as_str())),
        }
    }

    /// Closes every connection gracefully: each sends its close frame, its last events
    /// (`disconnected` included) still reach the stream, and the stream ends once every
    /// target has ended. No target can be added afterwards.
    pub async fn close(&self) {
        #[cfg(feature = "tiktok")]
        let closers: Vec<tiktok_webcast::CloseHandle> = {
            let mut state = self.shared.state();
            state.closed = true;
            std::mem::take(&mut state.tiktok).into_values().collect()
        };
        #[cfg(not(feature = "tiktok"))]
        {
            self.shared.state().closed = true;
        }
        #[cfg(feature = "kick")]
        {
            // A Kick client never started (no Kick target) has nothing to close.
            let unused = self
                .shared
                .kick
                .client
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .take();
            if unused.is_none()
                && let Err(error) = self.shared.kick.handle.close().await
            {
                tracing::debug!(%error, "the Kick connection ended with an error");
            }
        }
        #[cfg(feature = "tiktok")]
        for close in closers {
            close.close().await;
        }
    }
}
