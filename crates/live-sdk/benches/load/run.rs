//! The client side: connect the plan's rooms through `live_sdk::LiveClient` (or the platform
//! clients directly), sample memory before and after, tell the emulators to go, and measure
//! delivery, latency and CPU at the user's end of the stream.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use live_sdk::kick::{ChannelRef, KickClient, Transport};
use live_sdk::tiktok::TikTokClient;
use live_sdk::{EventKind, LiveClient, Target};
use tokio::sync::Mutex;
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::measure::{Latencies, Quantiles, Report, cpu_time, now_us, open_fds, rss_kib, stamp_of};
use super::serve::{Plan, Served, Urls};

/// Which API the rooms are watched through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// `live_sdk::LiveClient`: one merged stream.
    Facade,
    /// `KickClient` and one `TikTokStream` per room, each read by its own task.
    Direct,
}

impl Api {
    fn name(self) -> &'static str {
        match self {
            Api::Facade => "facade",
            Api::Direct => "direct",
        }
    }
}

/// How the client runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The rooms and the load.
    pub plan: Plan,
    /// Facade or direct.
    pub api: Api,
    /// Rooms added at once while connecting.
    pub concurrency: usize,
    /// Idle time between the connection and the second memory sample.
    pub idle: Duration,
    /// Warm-up before the measurement window.
    pub warmup: Duration,
    /// Client and emulators on separate cores.
    pub pinned: bool,
}

/// What the client needs from the emulators, wherever they run.
pub trait Emulators {
    /// Their URLs.
    fn urls(&self) -> &Urls;
    /// Starts the load.
    fn go(&mut self);
    /// Waits for the load to end; the stamped messages sent.
    fn finish(&mut self) -> impl std::future::Future<Output = u64>;
    /// CPU time of the emulators' process so far (zero when they run in this process).
    fn cpu_time(&self) -> Duration {
        Duration::ZERO
    }
}

/// The emulators in this process (the harness's own test).
impl Emulators for Served {
    fn urls(&self) -> &Urls {
        &self.urls
    }

    fn go(&mut self) {
        Served::go(self);
    }

    async fn finish(&mut self) -> u64 {
        Served::finish(self).await
    }
}

/// What the reader of the stream counts: stamped events, and their latency while the window
/// is open.
#[derive(Default)]
struct Tally {
    /// Window bounds (wall-clock µs); 0 while closed.
    window: (AtomicU64, AtomicU64),
    /// `connected` lifecycle events seen.
    connected: AtomicU64,
    /// Stamped events delivered (all of the load).
    delivered: AtomicU64,
    /// Stamped events delivered inside the window.
    in_window: AtomicU64,
}

impl Tally {
    /// Counts one event; returns its latency when it falls in the window.
    fn see(&self, event: &live_sdk::Event, latencies: &mut Latencies) {
        let Some(live) = &event.live else { return };
        if matches!(live.kind, EventKind::Connected(_)) {
            self.connected.fetch_add(1, Ordering::Relaxed);
            return;
        }
        let Some(sent) = live.id.as_deref().and_then(stamp_of) else {
            return;
        };
        let now = now_us();
        self.delivered.fetch_add(1, Ordering::Relaxed);
        let from = self.window.0.load(Ordering::Relaxed);
        let to = self.window.1.load(Ordering::Relaxed);
        if from != 0 && now >= from && now < to {
            self.in_window.fetch_add(1, Ordering::Relaxed);
            latencies.record(event.target.platform(), now.saturating_sub(sent));
        }
    }
}

/// Runs the client against `emulators` and measures.
pub async fn run(options: &Options, emulators: &mut impl Emulators) -> Result<Report, String> {
    let urls = emulators.urls().clone();
    let plan = options.plan.clone();
    let tally = Arc::new(Tally::default());
    let histograms = Arc::new(Mutex::new(Latencies::default()));
    let rss_before = rss_kib().unwrap_or(0);
    let started = Instant::now();
    let mut readers = JoinSet::new();
    let closer: Closer = match options.api {
        Api::Facade => connect_facade(options, &urls, &tally, &histograms, &mut readers).await?,
        Api::Direct => connect_direct(options, &urls, &tally, &histograms, &mut readers).await?,
    };
    // Every room has said `connected` (Kick per channel, TikTok per room).
    let rooms = (plan.kick + plan.tiktok) as u64;
    let deadline = Instant::now() + Duration::from_secs(120);
    while tally.connected.load(Ordering::Relaxed) < rooms {
        if Instant::now() > deadline {
            return Err(format!(
                "only {} of {rooms} rooms connected within 120 s",
                tally.connected.load(Ordering::Relaxed)
            ));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let connect_seconds = started.elapsed().as_secs_f64();
    tokio::time::sleep(options.idle).await;
    let rss_idle = rss_kib().unwrap_or(0);
    let mut report = Report {
        api: options.api.name().to_owned(),
        kick_channels: plan.kick,
        tiktok_rooms: plan.tiktok,
        connect_seconds,
        open_fds: open_fds().unwrap_or(0),
        rss_before_kib: rss_before,
        rss_idle_kib: rss_idle,
        rss_per_room_kib: rss_idle.saturating_sub(rss_before) as f64 / rooms.max(1) as f64,
        idle_seconds: options.idle.as_secs_f64(),
        pinned: options.pinned,
        client_threads: tokio::runtime::Handle::current().metrics().num_workers(),
        ..Report::default()
    };
    if plan.rate > 0.0 {
        emulators.go();
        let go = now_us();
        let window = plan.load.saturating_sub(options.warmup);
        let from = go + options.warmup.as_micros() as u64;
        let to = from + window.as_micros() as u64;
        tally.window.1.store(to, Ordering::SeqCst);
        tally.window.0.store(from, Ordering::SeqCst);
        sleep_until_wall(from).await;
        let cpu_from = cpu_time().unwrap_or_default();
        let emulator_from = emulators.cpu_time();
        sleep_until_wall(to).await;
        let cpu_to = cpu_time().unwrap_or_default();
        let emulator_to = emulators.cpu_time();
        let sent = emulators.finish().await;
        // Whatever was in flight arrives.
        let settle = Instant::now() + Duration::from_secs(5);
        while tally.delivered.load(Ordering::Relaxed) < sent && Instant::now() < settle {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let in_window = tally.in_window.load(Ordering::Relaxed);
        let cpu = cpu_to.saturating_sub(cpu_from).as_secs_f64();
        report.offered_per_second = plan.rate;
        report.window_seconds = window.as_secs_f64();
        report.delivered_per_second = in_window as f64 / window.as_secs_f64().max(1e-9);
        report.sent = sent;
        report.delivered = tally.delivered.load(Ordering::Relaxed);
        report.cpu_seconds = cpu;
        report.cpu_us_per_event = cpu * 1e6 / (in_window.max(1) as f64);
        report.emulator_cpu_seconds = emulator_to.saturating_sub(emulator_from).as_secs_f64();
        report.rss_loaded_kib = rss_kib().unwrap_or(0);
    }
    closer.close().await;
    readers.abort_all();
    while readers.join_next().await.is_some() {}
    let latencies = histograms.lock().await;
    report.kick_latency = Quantiles::of(&latencies.kick);
    report.tiktok_latency = Quantiles::of(&latencies.tiktok);
    let histogram = latencies.all();
    report.latency_samples = histogram.len();
    report.latency_p50_us = histogram.quantile(0.50);
    report.latency_p99_us = histogram.quantile(0.99);
    report.latency_p999_us = histogram.quantile(0.999);
    report.latency_max_us = histogram.max();
    Ok(report)
}

async fn sleep_until_wall(at_us: u64) {
    let now = now_us();
    if at_us > now {
        tokio::time::sleep(Duration::from_micros(at_us - now)).await;
    }
}

/// Closes what was opened.
enum Closer {
    Facade(live_sdk::LiveHandle),
    Direct(
        Vec<live_sdk::tiktok::CloseHandle>,
        Option<live_sdk::kick::KickHandle>,
    ),
}

impl Closer {
    async fn close(self) {
        match self {
            Closer::Facade(handle) => handle.close().await,
            Closer::Direct(tiktok, kick) => {
                for close in tiktok {
                    close.close().await;
                }
                if let Some(kick) = kick {
                    let _ = kick.close().await;
                }
            }
        }
    }
}

fn kick_builder(urls: &Urls) -> live_sdk::kick::KickClientBuilder {
    KickClient::builder()
        .api_url(&urls.kick_api)
        .web_url(&urls.kick_api)
        .pusher_url(&urls.kick_pusher)
        .transport(Transport::Pusher)
}

fn tiktok_builder(urls: &Urls, room: &str) -> live_sdk::tiktok::TikTokClientBuilder {
    TikTokClient::builder(room)
        .web_url(&urls.tiktok_web)
        .webcast_url(&urls.tiktok_web)
        .euler_url(&urls.tiktok_euler)
}

/// Flushes a reader's histogram into the shared one every so often (and at the end).
struct Local {
    histogram: Latencies,
    shared: Arc<Mutex<Latencies>>,
    last: Instant,
}

impl Local {
    fn new(shared: &Arc<Mutex<Latencies>>) -> Self {
        Local {
            histogram: Latencies::default(),
            shared: Arc::clone(shared),
            last: Instant::now(),
        }
    }

    async fn maybe_flush(&mut self) {
        if self.histogram.len() > 0 && self.last.elapsed() > Duration::from_millis(200) {
            self.flush().await;
        }
    }

    async fn flush(&mut self) {
        self.shared.lock().await.merge(&self.histogram);
        self.histogram = Latencies::default();
        self.last = Instant::now();
    }
}

async fn connect_facade(
    options: &Options,
    urls: &Urls,
    tally: &Arc<Tally>,
    histograms: &Arc<Mutex<Latencies>>,
    readers: &mut JoinSet<()>,
) -> Result<Closer, String> {
    let tiktok_urls = urls.clone();
    let mut client = LiveClient::builder()
        .kick(kick_builder(urls))
        .tiktok(move |room| tiktok_builder(&tiktok_urls, room))
        .build()
        .map_err(|e| e.to_string())?;
    let handle = client.handle();
    let reader_tally = Arc::clone(tally);
    let mut local = Local::new(histograms);
    readers.spawn(async move {
        while let Some(event) = client.next_event().await {
            reader_tally.see(&event, &mut local.histogram);
            if local.histogram.len() > 0 {
                local.maybe_flush().await;
            }
        }
        local.flush().await;
    });
    let targets: Vec<Target> = options
        .plan
        .kick_slugs()
        .iter()
        .map(|s| format!("kick:{s}"))
        .chain(
            options
                .plan
                .tiktok_ids()
                .iter()
                .map(|t| format!("tiktok:@{t}")),
        )
        .map(|t| t.parse::<Target>().map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    add_all(targets, options.concurrency, |target| {
        let handle = handle.clone();
        async move { handle.add(target).await.map_err(|e| chain(&e)) }
    })
    .await?;
    Ok(Closer::Facade(handle))
}

async fn connect_direct(
    options: &Options,
    urls: &Urls,
    tally: &Arc<Tally>,
    histograms: &Arc<Mutex<Latencies>>,
    readers: &mut JoinSet<()>,
) -> Result<Closer, String> {
    let mut kick_handle = None;
    if options.plan.kick > 0 {
        let kick = kick_builder(urls).build().map_err(|e| e.to_string())?;
        let handle = kick.handle();
        let reader = Reader::new(tally, histograms, live_sdk::Platform::Kick);
        readers.spawn(reader.read(kick, live_sdk::kick::KickEvent::to_live_event));
        add_all(options.plan.kick_slugs(), options.concurrency, |slug| {
            let handle = handle.clone();
            async move {
                handle
                    .watch(ChannelRef::slug(&slug))
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
        })
        .await?;
        kick_handle = Some(handle);
    }
    let closers = Arc::new(std::sync::Mutex::new(Vec::new()));
    let streams = Arc::new(std::sync::Mutex::new(Vec::new()));
    // As a program watching thousands of rooms should: one pool of HTTP connections for every
    // room's lookup and signer (LiveClient does the same), not one each.
    let pool = live_sdk::ConnectionPool::new().map_err(|e| chain(&e))?;
    add_all(options.plan.tiktok_ids(), options.concurrency, |room| {
        let builder = tiktok_builder(urls, &room).connection_pool(pool.clone());
        let closers = Arc::clone(&closers);
        let streams = Arc::clone(&streams);
        async move {
            let stream = builder.connect().await.map_err(|e| chain(&e))?;
            closers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(stream.close_handle());
            streams
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(stream);
            Ok(())
        }
    })
    .await?;
    let streams = std::mem::take(&mut *streams.lock().unwrap_or_else(|p| p.into_inner()));
    for stream in streams {
        let reader = Reader::new(tally, histograms, live_sdk::Platform::TikTok);
        readers.spawn(reader.read(stream, live_sdk::tiktok::TikTokEvent::to_live_event));
    }
    let closers = std::mem::take(&mut *closers.lock().unwrap_or_else(|p| p.into_inner()));
    Ok(Closer::Direct(closers, kick_handle))
}

/// An error with its causes, on one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// Reads one platform client's stream in direct mode, as a user of that crate would.
struct Reader {
    tally: Arc<Tally>,
    local: Local,
    platform: live_sdk::Platform,
}

impl Reader {
    fn new(
        tally: &Arc<Tally>,
        histograms: &Arc<Mutex<Latencies>>,
        platform: live_sdk::Platform,
    ) -> Self {
        Reader {
            tally: Arc::clone(tally),
            local: Local::new(histograms),
            platform,
        }
    }

    async fn read<S, E>(mut self, mut stream: S, convert: fn(&E) -> Option<live_sdk::LiveEvent>)
    where
        S: futures_util::Stream<Item = E> + Unpin,
    {
        use futures_util::StreamExt;
        while let Some(event) = stream.next().await {
            if let Some(live) = convert(&event) {
                let target = Target::new(self.platform, &live.room);
                let event = live_sdk::Event::new(target, Some(live), live_sdk::Source::Sdk);
                self.tally.see(&event, &mut self.local.histogram);
                self.local.maybe_flush().await;
            }
        }
        self.local.flush().await;
    }
}

/// Runs `add` for every item, `concurrency` at a time; the first error ends the run.
async fn add_all<T, F, Fut>(items: Vec<T>, concurrency: usize, add: F) -> Result<(), String>
where
    T: Send + 'static,
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
{
    let mut running = JoinSet::new();
    for item in items {
        if running.len() >= concurrency.max(1)
            && let Some(done) = running.join_next().await
        {
            done.map_err(|e| e.to_string())??;
        }
        running.spawn(add(item));
    }
    while let Some(done) = running.join_next().await {
        done.map_err(|e| e.to_string())??;
    }
    Ok(())
}
