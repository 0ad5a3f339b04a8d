//! `live watch TARGET...`: every target through one `LiveClient`, merged into one stream.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use live_model::{EventKind, LiveEvent};
use live_sdk::record::{Header, Recorder};
use live_sdk::{LiveClient, Target};

use crate::Ctx;
use crate::error::{CliError, CliResult};
use crate::output::EventWriter;

/// How long a clean shutdown may take to deliver the last events (close frames, the final
/// `disconnected` lines) before the tool exits anyway.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

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

/// When a pump stops, besides the end of every target.
#[derive(Debug, Clone, Copy, Default)]
pub struct PumpOptions {
    /// Stop after this many events that are not lifecycle events.
    pub limit: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// Print untyped (`other`) events.
    pub all: bool,
    /// Stop once every target has reported `stream_end` (`live demo`).
    pub until_streams_end: bool,
}

/// Parses the targets of the command line.
pub fn parse_targets(texts: &[String]) -> Result<Vec<Target>, CliError> {
    texts
        .iter()
        .map(|text| text.parse().map_err(|e| CliError::usage(format!("{e}"))))
        .collect()
}

/// A `--for` value as a duration.
pub fn duration_arg(seconds: Option<f64>) -> Result<Option<Duration>, CliError> {
    match seconds {
        None => Ok(None),
        Some(s) if s.is_finite() && s >= 0.0 => Ok(Some(Duration::from_secs_f64(s))),
        Some(s) => Err(CliError::usage(format!(
            "--for {s}: give a number of seconds"
        ))),
    }
}

/// The client every watching command uses: platforms configured from the `LIVE_*` variables.
pub fn live_client(
    ctx: &Ctx,
    all: bool,
    recorder: Option<Recorder>,
    kick_poll: Option<Duration>,
) -> Result<LiveClient, CliError> {
    let mut kick = crate::kick::client_builder(ctx)?;
    if let Some(interval) = kick_poll {
        kick = kick.viewer_poll_interval(Some(interval));
    }
    let mut builder = LiveClient::builder()
        .include_raw(all)
        .kick(kick)
        .tiktok(crate::tiktok::client_factory(ctx));
    if let Some(recorder) = recorder {
        builder = builder.record(recorder);
    }
    Ok(builder.build()?)
}

/// Runs `live watch`.
pub async fn run(args: WatchArgs, ctx: &Ctx) -> CliResult {
    let targets = parse_targets(&args.targets)?;
    let options = PumpOptions {
        limit: args.limit,
        duration: duration_arg(args.for_secs)?,
        all: args.all,
        until_streams_end: false,
    };
    let recorder = match &args.record {
        Some(path) => Some(
            Recorder::create(path, &Header::new(args.all, targets.clone())).map_err(|e| {
                CliError::failed(format!("cannot record to {}: {e}", path.display()))
            })?,
        ),
        None => None,
    };
    let client = live_client(ctx, args.all, recorder.clone(), None)?;
    let result = watch_targets(client, &targets, options, EventWriter::stdout(ctx.json)).await;
    if let Some(recorder) = recorder {
        recorder.finish()?;
    }
    result
}

/// Adds every target at once, then prints the merged stream until it ends (or the limit,
/// the deadline or Ctrl-C). Fails when no target could be added.
pub async fn watch_targets(
    mut client: LiveClient,
    targets: &[Target],
    options: PumpOptions,
    mut writer: EventWriter,
) -> CliResult {
    let handle = client.handle();
    let adds = targets.iter().cloned().map(|target| {
        let handle = handle.clone();
        async move { handle.add(target).await }
    });
    let results = futures_util::future::join_all(adds).await;
    if let Some(Err(first)) = results.iter().find(|r| r.is_err())
        && results.iter().all(Result::is_err)
    {
        let message = first.to_string();
        client.close().await;
        return Err(CliError::failed(message));
    }
    for (target, result) in targets.iter().zip(&results) {
        if let Err(error) = result {
            tracing::warn!(%target, %error, "target not watched");
        }
    }
    let code = pump(&mut client, options, &mut writer).await;
    // Waits for every connection's task, so nothing is recorded after this returns.
    client.close().await;
    code
}

/// Prints events until the stream ends, the limit, the deadline or Ctrl-C.
pub async fn pump(
    client: &mut LiveClient,
    options: PumpOptions,
    writer: &mut EventWriter,
) -> CliResult {
    let deadline = async {
        match options.duration {
            Some(d) => tokio::time::sleep(d).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(deadline);
    let mut counted = 0u64;
    let mut streaming: std::collections::BTreeSet<Target> = client.targets().into_iter().collect();
    if options.limit == Some(0) {
        client.handle().close().await;
        return Ok(ExitCode::SUCCESS);
    }
    loop {
        tokio::select! {
            biased;
            _ = tokio::signal::ctrl_c() => {
                finish(client, options, writer).await?;
                return Ok(ExitCode::from(130));
            }
            _ = &mut deadline => {
                finish(client, options, writer).await?;
                return Ok(ExitCode::SUCCESS);
            }
            next = client.next_event() => {
                let Some(event) = next else {
                    writer.flush()?;
                    return Ok(ExitCode::SUCCESS);
                };
                let Some(live) = event.live else { continue };
                if !print(writer, &live, options.all)? {
                    continue;
                }
                if matches!(live.kind, EventKind::StreamEnd) {
                    streaming.remove(&event.target);
                }
                if !live.is_lifecycle() {
                    counted += 1;
                    if options.limit.is_some_and(|limit| counted >= limit) {
                        writer.flush()?;
                        client.handle().close().await;
                        return Ok(ExitCode::SUCCESS);
                    }
                }
                if options.until_streams_end && streaming.is_empty() {
                    finish(client, options, writer).await?;
                    return Ok(ExitCode::SUCCESS);
                }
            }
        }
    }
}

/// Writes an event unless it is untyped and `--all` was not given; says whether it was.
pub fn print(writer: &mut EventWriter, event: &LiveEvent, all: bool) -> std::io::Result<bool> {
    if matches!(event.kind, EventKind::Other(_)) && !all {
        return Ok(false);
    }
    writer.write(event)?;
    Ok(true)
}

/// Closes every connection cleanly and prints what they still deliver (their last lines).
async fn finish(
    client: &mut LiveClient,
    options: PumpOptions,
    writer: &mut EventWriter,
) -> std::io::Result<()> {
    client.handle().close().await;
    let drain = async {
        while let Some(event) = client.next_event().await {
            if let Some(live) = event.live {
                print(writer, &live, options.all)?;
            }
        }
        Ok::<(), std::io::Error>(())
    };
    if tokio::time::timeout(DRAIN_TIMEOUT, drain).await.is_err() {
        tracing::warn!("some connections did not close in time");
    }
    writer.flush()
}

#[cfg(test)]
mod tests {
    use live_model::Platform;

    use super::*;

    #[test]
    fn parses_targets() {
        let targets = parse_targets(&["kick:xqc".into(), "tiktok:@alice_01".into()]).unwrap();
        assert_eq!(
            targets,
            [
                Target::new(Platform::Kick, "xqc"),
                Target::new(Platform::TikTok, "alice_01")
            ]
        );
        for bad in ["xqc", "twitch:xqc", "kick:"] {
            assert!(
                matches!(parse_targets(&[bad.into()]), Err(CliError::Usage(_))),
                "{bad}"
            );
        }
        assert!(duration_arg(Some(-1.0)).is_err());
        assert_eq!(
            duration_arg(Some(1.5)).unwrap(),
            Some(Duration::from_millis(1500))
        );
    }
}
