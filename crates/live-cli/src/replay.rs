//! `live replay FILE` and `live demo`. Owned by the facade issue.

use std::path::PathBuf;

use crate::Ctx;
use crate::error::{CliError, CliResult};

/// Arguments of `live replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// A file written by `live watch --record`.
    pub file: PathBuf,
    /// Play at this multiple of the recorded speed.
    #[arg(long, conflicts_with = "max")]
    pub speed: Option<f64>,
    /// Play as fast as possible.
    #[arg(long)]
    pub max: bool,
}

/// Arguments of `live demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Exit after N events that are not lifecycle events.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Exit after this many seconds.
    #[arg(long = "for", value_name = "SECONDS")]
    pub for_secs: Option<f64>,
}

/// Runs `live replay`.
pub async fn run_replay(_args: ReplayArgs, _ctx: &Ctx) -> CliResult {
    Err(CliError::failed(
        "`live replay` is not available in this build yet",
    ))
}

/// Runs `live demo`.
pub async fn run_demo(_args: DemoArgs, _ctx: &Ctx) -> CliResult {
    Err(CliError::failed(
        "`live demo` is not available in this build yet",
    ))
}
