//! The load harness: thousands of rooms in one process, against live_testkit's emulators
//! running in a child process (this binary re-executed with `--serve`; the URLs come back on
//! its stdout), so the client's resident memory and CPU are the SDK's alone.
//!
//! `cargo xtask bench [ARGS]` (or `cargo bench -p live-sdk --bench load -- [ARGS]`):
//!
//! ```text
//! --kick N          Kick channels, all on one socket (default 0)
//! --tiktok N        TikTok rooms, one socket each (default 0)
//! --rate R          events/s over all rooms during the load (default 0: idle only)
//! --duration S      measurement window in seconds (default 10)
//! --warmup S        load before the window (default 2)
//! --idle S          idle seconds between connecting and the memory sample (default 5)
//! --api facade|direct   live_sdk::LiveClient (default) or the platform clients
//! --concurrency N   rooms added at once (default 100)
//! --threads N       worker threads of the client's runtime (default: one per core)
//! --pin             client on the first core, emulators on the others (needs 2 cores or
//!                   more): the SDK measured on a core of its own, as if the servers were
//!                   elsewhere, instead of taking turns with the emulators on every core
//! --json            print the report as one JSON line too
//! ```
//!
//! Figures and the commands that made them: docs/benchmarks.md.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

mod measure;
mod run;
mod serve;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitCode, Stdio};
use std::time::Duration;

use run::{Api, Emulators, Options};
use serve::{Plan, Served, Urls};

const USAGE: &str = "usage: load [--kick N] [--tiktok N] [--rate EVENTS_PER_S] [--duration S] \
[--warmup S] [--idle S] [--api facade|direct] [--concurrency N] [--threads N] [--pin] [--json]";

#[derive(Debug)]
struct Args {
    options: Options,
    json: bool,
    serve: bool,
    threads: Option<usize>,
    pin: bool,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut plan = Plan {
        kick: 0,
        tiktok: 0,
        rate: 0.0,
        load: Duration::ZERO,
    };
    let mut options = Options {
        plan: plan.clone(),
        api: Api::Facade,
        concurrency: 100,
        idle: Duration::from_secs(5),
        warmup: Duration::from_secs(2),
        pinned: false,
    };
    let mut window = Duration::from_secs(10);
    let (mut json, mut serve, mut pin) = (false, false, false);
    let mut threads = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let seconds = |v: String| {
            v.parse::<f64>()
                .ok()
                .filter(|s| *s >= 0.0 && s.is_finite())
                .map(Duration::from_secs_f64)
                .ok_or_else(|| format!("not a number of seconds: {v}"))
        };
        let number = |v: String| v.parse::<usize>().map_err(|_| format!("not a count: {v}"));
        match arg.as_str() {
            // cargo bench passes --bench to harness-less benches.
            "--bench" => {}
            "--serve" => serve = true,
            "--json" => json = true,
            "--pin" => pin = true,
            "--threads" => threads = Some(number(value(arg)?)?.max(1)),
            "--kick" => plan.kick = number(value(arg)?)?,
            "--tiktok" => plan.tiktok = number(value(arg)?)?,
            "--rate" => {
                let v = value(arg)?;
                plan.rate = v
                    .parse::<f64>()
                    .ok()
                    .filter(|r| *r >= 0.0 && r.is_finite())
                    .ok_or_else(|| format!("not a rate: {v}"))?;
            }
            "--duration" => window = seconds(value(arg)?)?,
            "--warmup" => options.warmup = seconds(value(arg)?)?,
            "--idle" => options.idle = seconds(value(arg)?)?,
            "--load" => plan.load = seconds(value(arg)?)?,
            "--concurrency" => options.concurrency = number(value(arg)?)?,
            "--api" => {
                options.api = match value(arg)?.as_str() {
                    "facade" => Api::Facade,
                    "direct" => Api::Direct,
                    other => return Err(format!("--api facade or direct, not {other}")),
                }
            }
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    if !serve {
        plan.load = options.warmup + window;
    }
    options.plan = plan;
    options.pinned = pin;
    Ok(Args {
        options,
        json,
        serve,
        threads,
        pin,
    })
}

fn main() -> ExitCode {
    // RUST_LOG=kick_ws=debug and the like, on stderr (both processes).
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&args) {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    if args.pin
        && let Err(message) = pin(args.serve)
    {
        eprintln!("{message}");
        return ExitCode::FAILURE;
    }
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = args.threads {
        builder.worker_threads(threads);
    }
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("no runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = if args.serve {
        runtime.block_on(serve_child(args.options.plan))
    } else {
        runtime.block_on(client(&args))
    };
    // Connections still open are not waited for.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("load: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Keeps this process (and the threads it starts later) on the first core, or on the others
/// for the emulators.
fn pin(serve: bool) -> Result<(), String> {
    let mut set = rustix::thread::CpuSet::new();
    if serve {
        // The client's mask was inherited: every other core, as far as the kernel has them.
        (1..rustix::thread::CpuSet::MAX_CPU).for_each(|core| set.set(core));
    } else {
        if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
            return Err("--pin needs at least two cores".to_owned());
        }
        set.set(0);
    }
    rustix::thread::sched_setaffinity(None, &set).map_err(|e| format!("--pin: {e}"))
}

/// Open files the client needs: a socket per TikTok room, one for Kick, pooled HTTP
/// connections to the two TikTok hosts while connecting, and the runtime's own.
fn files_needed(plan: &Plan, concurrency: usize) -> u64 {
    (plan.tiktok + 1 + 2 * concurrency + 64) as u64
}

async fn client(args: &Args) -> Result<(), String> {
    let options = &args.options;
    let limit = measure::raise_fd_limit(files_needed(&options.plan, options.concurrency))?;
    let mut child = ChildEmulators::spawn(&options.plan, args.pin)?;
    eprintln!(
        "emulators up (child pid {}); open-file limit {limit}; connecting {} Kick channels and {} TikTok rooms",
        child.child.id(),
        options.plan.kick,
        options.plan.tiktok
    );
    let report = run::run(options, &mut child).await;
    child.stop();
    let report = report?;
    print!("{}", report.table());
    if args.json {
        println!("{}", report.json());
    }
    Ok(())
}

/// The emulators in a child process.
struct ChildEmulators {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Option<std::io::Lines<BufReader<std::process::ChildStdout>>>,
    urls: Urls,
}

impl ChildEmulators {
    fn spawn(plan: &Plan, pin: bool) -> Result<ChildEmulators, String> {
        let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
        let mut child = Command::new(exe)
            .args([
                "--serve",
                "--kick",
                &plan.kick.to_string(),
                "--tiktok",
                &plan.tiktok.to_string(),
                "--rate",
                &plan.rate.to_string(),
                "--load",
                &plan.load.as_secs_f64().to_string(),
            ])
            .args(pin.then_some("--pin"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("could not start the emulators: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines
            .next()
            .ok_or("the emulators exited before saying where they listen")?
            .map_err(|e| e.to_string())?;
        let urls: Urls = serde_json::from_str(&first).map_err(|e| format!("{e}: {first}"))?;
        Ok(ChildEmulators {
            stdin: child.stdin.take(),
            child,
            lines: Some(lines),
            urls,
        })
    }

    fn stop(&mut self) {
        self.stdin.take();
        let _ = self.child.wait();
    }
}

impl Emulators for ChildEmulators {
    fn urls(&self) -> &Urls {
        &self.urls
    }

    fn go(&mut self) {
        if let Some(stdin) = &mut self.stdin {
            let _ = writeln!(stdin, "go");
            let _ = stdin.flush();
        }
    }

    fn cpu_time(&self) -> Duration {
        measure::cpu_time_of(&self.child.id().to_string()).unwrap_or_default()
    }

    async fn finish(&mut self) -> u64 {
        let Some(mut lines) = self.lines.take() else {
            return 0;
        };
        let line = tokio::task::spawn_blocking(move || lines.next())
            .await
            .ok()
            .flatten()
            .and_then(Result::ok)
            .unwrap_or_default();
        line.trim()
            .strip_prefix("sent ")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}

/// `--serve`: starts the emulators, prints their URLs, pushes the load on `go`, prints
/// `sent N` when it is over, and exits when stdin closes.
async fn serve_child(plan: Plan) -> Result<(), String> {
    // The client's sockets, the other end of each, plus the listeners.
    measure::raise_fd_limit(plan.tiktok as u64 + 256)?;
    let served = Served::start(plan)
        .await
        .map_err(|e| format!("emulators: {e}"))?;
    println!(
        "{}",
        serde_json::to_string(&served.urls).map_err(|e| e.to_string())?
    );
    let (tx, mut rx) = tokio::sync::mpsc::channel::<String>(4);
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.blocking_send(line).is_err() {
                break;
            }
        }
    });
    while let Some(line) = rx.recv().await {
        if line.trim() == "go" {
            served.go();
            let sent = served.finish().await;
            println!("sent {sent}");
        }
    }
    Ok(())
}
