//! `live`: watch live rooms on Kick and TikTok, record and replay them, and drive the REST
//! services around them. The command line is a contract (DESIGN.md §3): scripts and tests
//! outside the workspace drive it.

#![forbid(unsafe_code)]

mod config;
mod demo;
mod error;
mod kick;
mod kitkot;
mod output;
mod replay;
mod tencent;
mod tikhub;
mod tiktok;
mod watch;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Env;

/// Watch live rooms on Kick and TikTok, and drive the REST APIs around them.
#[derive(Debug, Parser)]
#[command(name = "live", version, about, long_about = None)]
struct Cli {
    /// Print JSON: NDJSON events for `watch`, `replay` and `demo`, JSON for REST commands
    /// (which print JSON anyway).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Watch rooms (`kick:SLUG`, `tiktok:UNIQUE_ID`) and print their events as they happen.
    Watch(watch::WatchArgs),
    /// Play a recording made with `live watch --record` through the same decoders.
    Replay(replay::ReplayArgs),
    /// Start the built-in emulators and watch them: no network or credentials needed
    /// (`LIVE_DEMO_SPEED=N` plays the show N times faster).
    Demo(demo::DemoArgs),
    /// Kick REST lookups.
    #[command(subcommand)]
    Kick(kick::Command),
    /// TikTok room lookups and Euler Stream calls.
    #[command(subcommand)]
    Tiktok(tiktok::Command),
    /// TikHub calls.
    #[command(subcommand)]
    Tikhub(tikhub::Command),
    /// Tencent Cloud Chat live rooms.
    #[command(subcommand)]
    Tencent(tencent::Command),
    /// kitkot viewer API.
    #[command(subcommand)]
    Kitkot(kitkot::Command),
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let ctx = Ctx {
        env: Env::from_process(),
        json: cli.json,
    };
    let result = match cli.command {
        Command::Watch(args) => watch::run(args, &ctx).await,
        Command::Replay(args) => replay::run_replay(args, &ctx).await,
        Command::Demo(args) => demo::run_demo(args, &ctx).await,
        Command::Kick(command) => kick::run(command, &ctx).await,
        Command::Tiktok(command) => tiktok::run(command, &ctx).await,
        Command::Tikhub(command) => tikhub::run(command, &ctx).await,
        Command::Tencent(command) => tencent::run(command, &ctx).await,
        Command::Kitkot(command) => kitkot::run(command, &ctx).await,
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            error.report();
            error.exit_code()
        }
    }
}

/// What every command gets: the `LIVE_*` settings and the global flags.
#[derive(Debug)]
pub struct Ctx {
    /// Settings from the environment.
    pub env: Env,
    /// `--json` was given.
    pub json: bool,
}

/// Logs go to stderr, filtered by `LIVE_LOG` (or `RUST_LOG`), warnings by default.
fn init_tracing() {
    let filter = std::env::var("LIVE_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "warn".to_owned());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}
