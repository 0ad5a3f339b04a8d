//! What the harness measures with: a latency histogram, the process's resident memory and
//! CPU time, the file-descriptor limit, send-time stamps, and the report (table and JSON).

use std::fmt::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Microseconds since the Unix epoch, by the wall clock (both processes read the same clock).
pub fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

/// Event ids carry their send time: `send_us * 1000 + sequence % 1000` (TikTok's numeric
/// `msg_id`, unique per room as long as a room sends fewer than 1,000 messages per µs).
pub fn stamp_id(send_us: u64, sequence: u64) -> u64 {
    send_us * 1000 + sequence % 1000
}

/// The send time (µs) of a stamped id, as the unified event's `id` carries it: TikTok's
/// number, or Kick's `"<number>-k"` message id.
pub fn stamp_of(id: &str) -> Option<u64> {
    let digits = id.split('-').next()?;
    digits.parse::<u64>().ok().map(|n| n / 1000)
}

/// A log-linear histogram of microseconds, HDR-style: exact below 2,048 µs, then 1,024
/// sub-buckets per power of two (under 0.1% error), up to 2^40 µs. Fixed memory, no
/// allocation per sample.
#[derive(Clone)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    max: u64,
}

const SUB_BITS: u32 = 10;
const SUB: u64 = 1 << SUB_BITS;
const MAX_BITS: u32 = 40;

impl Default for Histogram {
    fn default() -> Self {
        Histogram::new()
    }
}

impl Histogram {
    /// An empty histogram. Its buckets (256 KiB) are allocated at the first value: a harness
    /// reader per idle room must not weigh in the memory it measures.
    pub fn new() -> Self {
        Histogram {
            counts: Vec::new(),
            total: 0,
            max: 0,
        }
    }

    fn buckets() -> usize {
        (2 * SUB + u64::from(MAX_BITS - SUB_BITS) * SUB) as usize
    }

    fn index(value: u64) -> usize {
        let value = value.min((1 << MAX_BITS) - 1);
        if value < 2 * SUB {
            return value as usize;
        }
        // value in [2^e, 2^(e+1)), e >= SUB_BITS + 1: keep the top SUB_BITS + 1 bits.
        let e = 63 - value.leading_zeros();
        let shift = e - SUB_BITS;
        let group = u64::from(e - SUB_BITS - 1);
        (2 * SUB + group * SUB + ((value >> shift) - SUB)) as usize
    }

    /// The lowest value of a bucket.
    fn value_of(index: usize) -> u64 {
        let index = index as u64;
        if index < 2 * SUB {
            return index;
        }
        let group = (index - 2 * SUB) / SUB;
        let offset = (index - 2 * SUB) % SUB;
        let shift = group + 1;
        (SUB + offset) << shift
    }

    /// Counts one value (µs).
    pub fn record(&mut self, value: u64) {
        if self.counts.is_empty() {
            self.counts = vec![0; Self::buckets()];
        }
        self.counts[Self::index(value)] += 1;
        self.total += 1;
        self.max = self.max.max(value);
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &Histogram) {
        if other.counts.is_empty() {
            return;
        }
        if self.counts.is_empty() {
            self.counts = vec![0; Self::buckets()];
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
    }

    /// How many values were recorded.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// The largest value recorded.
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The value at quantile `q` (0..=1): the lowest value of the bucket holding it (exact
    /// below 2,048 µs), never above the maximum.
    pub fn quantile(&self, q: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (index, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return Self::value_of(index).min(self.max);
            }
        }
        self.max
    }
}

/// Latencies by platform (µs).
#[derive(Clone, Default)]
pub struct Latencies {
    /// Kick events.
    pub kick: Histogram,
    /// TikTok events.
    pub tiktok: Histogram,
}

impl Latencies {
    /// Counts one latency of `platform`'s event.
    pub fn record(&mut self, platform: live_sdk::Platform, value: u64) {
        match platform {
            live_sdk::Platform::Kick => self.kick.record(value),
            _ => self.tiktok.record(value),
        }
    }

    /// Adds another's counts.
    pub fn merge(&mut self, other: &Latencies) {
        self.kick.merge(&other.kick);
        self.tiktok.merge(&other.tiktok);
    }

    /// Values recorded.
    pub fn len(&self) -> u64 {
        self.kick.len() + self.tiktok.len()
    }

    /// Both platforms together.
    pub fn all(&self) -> Histogram {
        let mut all = self.kick.clone();
        all.merge(&self.tiktok);
        all
    }
}

/// p50, p99, max of one histogram, µs.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Quantiles {
    /// Samples.
    pub samples: u64,
    /// Median.
    pub p50_us: u64,
    /// 99th percentile.
    pub p99_us: u64,
    /// Maximum.
    pub max_us: u64,
}

impl Quantiles {
    /// Of `histogram`.
    pub fn of(histogram: &Histogram) -> Quantiles {
        Quantiles {
            samples: histogram.len(),
            p50_us: histogram.quantile(0.5),
            p99_us: histogram.quantile(0.99),
            max_us: histogram.max(),
        }
    }
}

/// `VmRSS` of this process, in KiB, from `/proc/self/status`.
pub fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// User plus system CPU time of this process (all threads) from `/proc/self/stat`.
pub fn cpu_time() -> Option<Duration> {
    cpu_time_of("self")
}

/// The same for process `pid` (`self` for this one): the emulators' share of the machine.
pub fn cpu_time_of(pid: &str) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    cpu_of_stat(&stat, rustix::param::clock_ticks_per_second())
}

/// Fields 14 and 15 (utime, stime, in clock ticks) of a `stat` line; the command name in
/// field 2 may hold spaces and parentheses, so fields are counted after its last `)`.
pub fn cpu_of_stat(stat: &str, ticks_per_second: u64) -> Option<Duration> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    let ticks = user + system;
    Some(Duration::from_nanos(
        ticks * 1_000_000_000 / ticks_per_second.max(1),
    ))
}

/// Raises the soft limit on open files to the hard limit and checks that `needed` fit.
/// Returns the limit now in force.
pub fn raise_fd_limit(needed: u64) -> Result<u64, String> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let hard = limit.maximum;
    if limit.current != hard {
        let raised = rustix::process::Rlimit {
            current: hard,
            maximum: hard,
        };
        setrlimit(Resource::Nofile, raised)
            .map_err(|e| format!("could not raise the open-file limit to {hard:?}: {e}"))?;
    }
    let now = getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX);
    if now < needed {
        return Err(format!(
            "this run needs about {needed} open files in one process, and the hard limit is \
             {now} (`ulimit -Hn`): raise it, or watch fewer TikTok rooms"
        ));
    }
    Ok(now)
}

/// File descriptors this process has open now.
pub fn open_fds() -> Option<usize> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count())
}

/// What one run measured.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    /// `facade` (`live_sdk::LiveClient`) or `direct` (the platform clients).
    pub api: String,
    /// Kick channels watched (one socket).
    pub kick_channels: usize,
    /// TikTok rooms (one socket each).
    pub tiktok_rooms: usize,
    /// Time to add every target, until each had its `connected` event.
    pub connect_seconds: f64,
    /// Client on core 0, emulators on the others (`--pin`).
    pub pinned: bool,
    /// Worker threads of the client's runtime.
    pub client_threads: usize,
    /// Open file descriptors once connected.
    pub open_fds: usize,
    /// VmRSS before connecting (client built, runtime running), KiB.
    pub rss_before_kib: u64,
    /// VmRSS after connecting and idling, KiB.
    pub rss_idle_kib: u64,
    /// (rss_idle - rss_before) / rooms, KiB.
    pub rss_per_room_kib: f64,
    /// Seconds idle before the second sample.
    pub idle_seconds: f64,
    /// Offered rate (events/s over all rooms); 0 for an idle-only run.
    pub offered_per_second: f64,
    /// Length of the measurement window (after the warm-up).
    pub window_seconds: f64,
    /// Events delivered to the user during the window, per second.
    pub delivered_per_second: f64,
    /// Events the emulators sent during the whole load phase.
    pub sent: u64,
    /// Stamped events the user received during the whole load phase.
    pub delivered: u64,
    /// CPU time (user + system) of the client process over the window, seconds.
    pub cpu_seconds: f64,
    /// CPU time per delivered event, µs.
    pub cpu_us_per_event: f64,
    /// CPU time of the emulators' process over the window, seconds (the same machine's
    /// cores: what the client could not have).
    pub emulator_cpu_seconds: f64,
    /// Latency from the emulator's send to delivery to the user, over the window, µs.
    pub latency_p50_us: u64,
    /// 99th percentile, µs.
    pub latency_p99_us: u64,
    /// 99.9th percentile, µs.
    pub latency_p999_us: u64,
    /// Maximum, µs.
    pub latency_max_us: u64,
    /// Latency samples in the window.
    pub latency_samples: u64,
    /// Kick's events alone.
    pub kick_latency: Quantiles,
    /// TikTok's events alone.
    pub tiktok_latency: Quantiles,
    /// VmRSS at the end of the load, KiB.
    pub rss_loaded_kib: u64,
}

impl Report {
    /// The human table.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let rooms = self.kick_channels + self.tiktok_rooms;
        let _ = writeln!(
            out,
            "rooms            {rooms} ({} Kick channels on one socket, {} TikTok rooms), api {}, {} client threads",
            self.kick_channels, self.tiktok_rooms, self.api, self.client_threads
        );
        let _ = writeln!(
            out,
            "connect          {:.1} s, {} open files",
            self.connect_seconds, self.open_fds
        );
        let _ = writeln!(
            out,
            "memory (idle)    VmRSS {:.1} MiB before, {:.1} MiB after {:.0} s idle: {:.1} KiB per room",
            self.rss_before_kib as f64 / 1024.0,
            self.rss_idle_kib as f64 / 1024.0,
            self.idle_seconds,
            self.rss_per_room_kib
        );
        if self.offered_per_second > 0.0 {
            let _ = writeln!(
                out,
                "load             offered {:.0} events/s, delivered {:.0} events/s over {:.0} s (sent {}, delivered {}, lost {})",
                self.offered_per_second,
                self.delivered_per_second,
                self.window_seconds,
                self.sent,
                self.delivered,
                self.sent.saturating_sub(self.delivered)
            );
            let _ = writeln!(
                out,
                "cpu              {:.2} s user+sys over the window = {:.2} µs per event ({:.0}% of one core)",
                self.cpu_seconds,
                self.cpu_us_per_event,
                100.0 * self.cpu_seconds / self.window_seconds.max(1e-9)
            );
            let _ = writeln!(
                out,
                "emulators        {:.2} s user+sys over the window ({:.0}% of one core){}",
                self.emulator_cpu_seconds,
                100.0 * self.emulator_cpu_seconds / self.window_seconds.max(1e-9),
                if self.pinned {
                    "; client pinned to core 0, emulators to the others"
                } else {
                    "; both processes on every core"
                }
            );
            let _ = writeln!(
                out,
                "latency          p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms ({} samples)",
                self.latency_p50_us as f64 / 1000.0,
                self.latency_p99_us as f64 / 1000.0,
                self.latency_p999_us as f64 / 1000.0,
                self.latency_max_us as f64 / 1000.0,
                self.latency_samples
            );
            for (name, q) in [
                ("  Kick", self.kick_latency),
                ("  TikTok", self.tiktok_latency),
            ] {
                if q.samples > 0 {
                    let _ = writeln!(
                        out,
                        "{name:<17}p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} samples)",
                        q.p50_us as f64 / 1000.0,
                        q.p99_us as f64 / 1000.0,
                        q.max_us as f64 / 1000.0,
                        q.samples
                    );
                }
            }
            let _ = writeln!(
                out,
                "memory (loaded)  VmRSS {:.1} MiB",
                self.rss_loaded_kib as f64 / 1024.0
            );
        }
        out
    }

    /// The JSON line.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}
