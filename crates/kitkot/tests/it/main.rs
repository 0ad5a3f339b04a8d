//! Integration tests of the kitkot crate, in one binary (one link step). Every test runs the
//! real client against the live-testkit kitkot emulator on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod chat;
mod endpoints;
mod errors;
mod fixtures;
mod fuzz;
mod joined;
mod redaction;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use kitkot::{KitkotClient, KitkotClientBuilder};
use live_http::RetryPolicy;
use live_testkit::kitkot::{API_KEY, KitkotEmulator, SESSION_KEY};

/// A client of `emulator` with its credentials and quick retries.
pub fn client(emulator: &KitkotEmulator) -> KitkotClientBuilder {
    KitkotClient::builder()
        .base_url(emulator.url())
        .api_key(API_KEY)
        .session_key(SESSION_KEY)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(2)
                .backoff(Duration::from_millis(100), Duration::from_secs(1)),
        )
}

/// Collects what a `tracing` subscriber writes.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// A subscriber writing every level into this capture; keep the guard alive.
    pub fn install(&self) -> tracing::subscriber::DefaultGuard {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(self.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_default(subscriber)
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}
