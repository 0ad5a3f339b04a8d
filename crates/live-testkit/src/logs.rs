//! Capturing what `tracing` writes, for tests that check logs never carry a secret.

use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing::subscriber::DefaultGuard;

/// Everything `tracing` writes on this thread at every level, as long as the capture lives.
///
/// The subscriber is the thread's default, so use it with a current-thread runtime (the one
/// `#[tokio::test]` makes): tasks of a multi-threaded runtime log on other threads.
///
/// ```
/// let logs = live_testkit::logs::LogCapture::start();
/// tracing::warn!(url = "https://x/?key=***", "retrying");
/// assert!(logs.text().contains("retrying"));
/// logs.assert_free_of(&["sk_live_123"]);
/// ```
pub struct LogCapture {
    buffer: Arc<Mutex<Vec<u8>>>,
    _guard: DefaultGuard,
}

impl std::fmt::Debug for LogCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogCapture").finish_non_exhaustive()
    }
}

#[derive(Clone)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Sink {
    type Writer = Sink;

    fn make_writer(&'a self) -> Sink {
        self.clone()
    }
}

impl LogCapture {
    /// Installs a subscriber that writes every level, without colour, into the capture.
    pub fn start() -> LogCapture {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let subscriber = tracing_subscriber::fmt()
            .with_writer(Sink(Arc::clone(&buffer)))
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish();
        LogCapture {
            buffer,
            _guard: tracing::subscriber::set_default(subscriber),
        }
    }

    /// What was written so far.
    pub fn text(&self) -> String {
        let bytes = self.buffer.lock().unwrap_or_else(|p| p.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Panics, quoting the line, if any secret appears in the logs.
    pub fn assert_free_of(&self, secrets: &[&str]) {
        let text = self.text();
        for secret in secrets {
            if let Some(line) = text.lines().find(|line| line.contains(secret)) {
                panic!("a log line carries a secret: {line}");
            }
        }
    }
}
