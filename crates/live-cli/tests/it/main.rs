//! End-to-end tests of the `live` binary: each module runs the real executable against the
//! live-testkit emulators on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod demo;
mod kick;
mod kitkot;
mod tencent;
mod tiktok;
mod watch;

use std::process::Output;
use std::time::Duration;

/// Runs `live ARGS...` with only the given environment variables (no `LIVE_*` leaks in from the
/// developer's shell), and waits for it to exit (at most a minute).
pub async fn live(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_live"));
    command.args(args).env_clear().kill_on_drop(true);
    for (name, value) in env {
        command.env(name, value);
    }
    tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("`live` did not exit within a minute")
        .expect("`live` could not be run")
}

/// stdout as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
