//! `live demo`: the built-in emulators play a lively show on Kick and TikTok, watched like
//! real rooms. No network and no credentials are needed: everything runs on 127.0.0.1.

use live_testkit::demo::{DemoOptions, DemoWorld};

use crate::Ctx;
use crate::config::Env;
use crate::error::{CliError, CliResult};
use crate::output::EventWriter;
use crate::watch::{PumpOptions, duration_arg, live_client, parse_targets, watch_targets};

/// Arguments of `live demo`. `LIVE_DEMO_SPEED` (default 1) plays the show faster or slower.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Exit after N events that are not lifecycle events.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Exit after this many seconds.
    #[arg(long = "for", value_name = "SECONDS")]
    pub for_secs: Option<f64>,
}

/// Runs `live demo`: starts the emulators, watches both rooms until both streams end.
pub async fn run_demo(args: DemoArgs, ctx: &Ctx) -> CliResult {
    let options = PumpOptions {
        limit: args.limit,
        duration: duration_arg(args.for_secs)?,
        all: false,
        until_streams_end: true,
    };
    let speed = match std::env::var("LIVE_DEMO_SPEED") {
        Ok(text) => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0)
            .ok_or_else(|| {
                CliError::usage(format!("LIVE_DEMO_SPEED={text}: give a positive number"))
            })?,
        Err(_) => 1.0,
    };
    let world = DemoWorld::start_with(DemoOptions::new().speed(speed))
        .await
        .map_err(|e| CliError::failed(format!("the demo emulators could not start: {e}")))?;
    // Only the world's settings: the demo never reaches a real service, whatever the shell
    // says.
    let settings = world.env();
    let env = Env::from_lookup(|name| {
        settings
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.clone())
    });
    let demo = Ctx {
        env,
        json: ctx.json,
    };
    let targets = parse_targets(&world.targets())?;
    let names: Vec<String> = targets.iter().map(ToString::to_string).collect();
    eprintln!(
        "live demo: two emulated live rooms on 127.0.0.1 ({}), about {} s of chat, gifts, likes, \
         follows, a raid and viewer counts; no network or credentials used. Ctrl-C stops it.",
        names.join(" and "),
        world.show_length().as_secs()
    );
    let client = live_client(&demo, false, None, Some(world.kick_viewer_poll()))?;
    let code = watch_targets(client, &targets, options, EventWriter::stdout(ctx.json)).await;
    drop(world);
    code
}
