//! `live replay FILE`: a recording through the same decoders, at recorded speed or faster.

use std::io::BufReader;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use live_model::Timestamp;
use live_sdk::Replay;
use live_sdk::record;

use crate::Ctx;
use crate::error::{CliError, CliResult};
use crate::output::EventWriter;
use crate::watch::print;

/// Arguments of `live replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// A file written by `live watch --record`.
    pub file: PathBuf,
    /// Play at this multiple of the recorded speed (default 1).
    #[arg(long, conflicts_with = "max")]
    pub speed: Option<f64>,
    /// Play as fast as possible.
    #[arg(long)]
    pub max: bool,
}

/// Runs `live replay`.
pub async fn run_replay(args: ReplayArgs, ctx: &Ctx) -> CliResult {
    let speed = match (args.max, args.speed) {
        (true, _) => None,
        (false, None) => Some(1.0),
        (false, Some(s)) if s.is_finite() && s > 0.0 => Some(s),
        (false, Some(s)) => {
            return Err(CliError::usage(format!(
                "--speed {s}: give a positive number"
            )));
        }
    };
    let file = std::fs::File::open(&args.file)
        .map_err(|e| CliError::failed(format!("cannot open {}: {e}", args.file.display())))?;
    let (header, frames) = record::read(BufReader::new(file))?;
    let mut replay = Replay::new(&header);
    let mut writer = EventWriter::stdout(ctx.json);
    let all = header.include_raw;
    let mut previous: Option<Timestamp> = None;
    for frame in frames {
        let frame = frame?;
        if let Some(speed) = speed {
            let at = frame.time();
            if let Some(before) = previous {
                let gap = at.unix_nanos() - before.unix_nanos();
                if gap > 0 {
                    let wait = Duration::from_nanos(u64::try_from(gap).unwrap_or(u64::MAX));
                    tokio::select! {
                        _ = tokio::signal::ctrl_c() => {
                            writer.flush()?;
                            return Ok(ExitCode::from(130));
                        }
                        _ = tokio::time::sleep(wait.div_f64(speed)) => {}
                    }
                }
            }
            previous = Some(at);
        }
        for event in replay.feed(frame) {
            if let Some(live) = event.live {
                print(&mut writer, &live, all)?;
            }
        }
    }
    for event in replay.finish() {
        if let Some(live) = event.live {
            print(&mut writer, &live, all)?;
        }
    }
    writer.flush()?;
    Ok(ExitCode::SUCCESS)
}
