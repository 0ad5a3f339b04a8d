//! `live watch TARGET...`: one merged stream of every target's events.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::stream::{BoxStream, SelectAll, StreamExt};
use live_model::{EventKind, LiveEvent, Platform};

use crate::Ctx;
use crate::error::{CliError, CliResult};
use crate::output::EventWriter;

/// Arguments of `live watch`.
#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// `kick:SLUG` or `tiktok:UNIQUE_ID` (a leading `@` is accepted); several are merged.
    #[arg(required = true, value_name = "TARGET")]
    pub targets: Vec<String>,
    /// Exit after N events that are not lifecycle events.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Exit after this many seconds.
    #[arg(long = "for", value_name = "SECONDS")]
    pub for_secs: Option<f64>,
    /// Record every raw frame to FILE (replay it with `live replay FILE`).
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Also print events the SDK does not type (kind `other`), with their raw payload.
    #[arg(long)]
    pub all: bool,
}

/// A parsed `platform:room` target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The platform.
    pub platform: Platform,
    /// The room as given, without the prefix and without a leading `@`.
    pub room: String,
}

impl Target {
    /// Parses `kick:SLUG` or `tiktok:UNIQUE_ID`.
    pub fn parse(text: &str) -> Result<Target, CliError> {
        let (platform, room) = text.split_once(':').ok_or_else(|| {
            CliError::usage(format!(
                "target {text:?} has no platform: write kick:SLUG or tiktok:UNIQUE_ID"
            ))
        })?;
        let platform: Platform = platform
            .parse()
            .map_err(|e| CliError::usage(format!("target {text:?}: {e}")))?;
        let room = room.trim().trim_start_matches('@').to_owned();
        if room.is_empty() {
            return Err(CliError::usage(format!("target {text:?} names no room")));
        }
        Ok(Target { platform, room })
    }
}

/// One opened target: its events, and how to close it cleanly.
pub struct Opened {
    /// The target's events, lifecycle included; the stream ends when the target is done.
    pub events: BoxStream<'static, LiveEvent>,
    /// Closes the target's connections.
    pub close: Box<dyn FnOnce() -> BoxFuture<'static, ()> + Send>,
}

/// How a watch is run, shared by every platform.
#[derive(Debug, Clone, Copy)]
pub struct WatchOptions {
    /// Keep untyped events (and raw payloads).
    pub all: bool,
}

async fn open(target: &Target, ctx: &Ctx, options: WatchOptions) -> Result<Opened, CliError> {
    match target.platform {
        Platform::Kick => crate::kick::watch(&target.room, ctx, options).await,
        Platform::TikTok => crate::tiktok::watch(&target.room, ctx, options).await,
        other => Err(CliError::usage(format!("cannot watch {other} rooms"))),
    }
}

/// Runs `live watch`.
pub async fn run(args: WatchArgs, ctx: &Ctx) -> CliResult {
    let targets = args
        .targets
        .iter()
        .map(|t| Target::parse(t))
        .collect::<Result<Vec<_>, _>>()?;
    if args.record.is_some() {
        return Err(CliError::usage(
            "--record is not available in this build yet",
        ));
    }
    let options = WatchOptions { all: args.all };
    let mut streams: SelectAll<BoxStream<'static, LiveEvent>> = SelectAll::new();
    let mut closers = Vec::new();
    for target in &targets {
        let opened = open(target, ctx, options).await?;
        streams.push(opened.events);
        closers.push(opened.close);
    }
    let events = Box::pin(streams);
    let code = pump(events, &args, EventWriter::stdout(ctx.json)).await?;
    for close in closers {
        close().await;
    }
    Ok(code)
}

/// Prints events until the limit, the deadline, Ctrl-C or the end of every stream.
pub async fn pump(
    mut events: BoxStream<'static, LiveEvent>,
    args: &WatchArgs,
    mut writer: EventWriter,
) -> CliResult {
    let deadline = async {
        match args.for_secs {
            Some(secs) if secs.is_finite() && secs >= 0.0 => {
                tokio::time::sleep(Duration::from_secs_f64(secs)).await
            }
            _ => std::future::pending().await,
        }
    };
    tokio::pin!(deadline);
    let mut counted = 0u64;
    if args.limit == Some(0) {
        return Ok(ExitCode::SUCCESS);
    }
    loop {
        tokio::select! {
            biased;
            _ = tokio::signal::ctrl_c() => {
                writer.flush()?;
                return Ok(ExitCode::from(130));
            }
            _ = &mut deadline => {
                writer.flush()?;
                return Ok(ExitCode::SUCCESS);
            }
            next = events.next() => {
                let Some(event) = next else {
                    writer.flush()?;
                    return Ok(ExitCode::SUCCESS);
                };
                if matches!(event.kind, EventKind::Other(_)) && !args.all {
                    continue;
                }
                writer.write(&event)?;
                if !event.is_lifecycle() {
                    counted += 1;
                    if args.limit.is_some_and(|limit| counted >= limit) {
                        return Ok(ExitCode::SUCCESS);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_targets() {
        assert_eq!(
            Target::parse("kick:xqc").unwrap(),
            Target {
                platform: Platform::Kick,
                room: "xqc".into()
            }
        );
        assert_eq!(
            Target::parse("tiktok:@alice_01").unwrap(),
            Target {
                platform: Platform::TikTok,
                room: "alice_01".into()
            }
        );
        assert!(Target::parse("xqc").is_err());
        assert!(Target::parse("twitch:xqc").is_err());
        assert!(Target::parse("kick:").is_err());
    }
}
