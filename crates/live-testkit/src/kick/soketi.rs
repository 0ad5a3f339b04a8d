//! A real Pusher server for tests: soketi (kick.md §7.1), started on free loopback ports and
//! published to through its signed HTTP API (§2, §7.4). `cargo xtask test` installs soketi and
//! exports its path as `LIVE_SOKETI_BIN`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{KeyInit, Mac};
use md5::Digest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The app id soketi's default app uses here.
pub const SOKETI_APP_ID: &str = "app-id";
/// Its key (the path segment of the WebSocket URL).
pub const SOKETI_APP_KEY: &str = "app-key";
/// Its secret (signs HTTP API calls).
pub const SOKETI_APP_SECRET: &str = "app-secret";

/// Where soketi is: `LIVE_SOKETI_BIN`, else the default install in `.tools/soketi`.
///
/// # Panics
/// When neither exists, with a message naming the commands that install it: a test that needs
/// soketi must fail, never pass silently.
pub fn soketi_bin() -> PathBuf {
    let hint = "run the tests with `cargo xtask test` (it installs soketi and sets \
                LIVE_SOKETI_BIN), or install it once with `cargo xtask install-soketi`";
    if let Some(path) = std::env::var_os("LIVE_SOKETI_BIN") {
        let path = PathBuf::from(path);
        assert!(
            path.exists(),
            "LIVE_SOKETI_BIN names {}, which does not exist: {hint}",
            path.display()
        );
        return path;
    }
    let default = crate::fixtures::workspace_root().join(".tools/soketi/node_modules/.bin/soketi");
    assert!(default.exists(), "soketi is not installed: {hint}");
    default
}

/// A free TCP port on 127.0.0.1 (free when asked).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(0)
}

/// A soketi process bound to loopback only (HTTP, WebSocket, metrics and cluster discovery);
/// killed when dropped, also when a test panics.
#[derive(Debug)]
pub struct Soketi {
    child: Option<Child>,
    port: u16,
}

impl Soketi {
    /// Starts soketi on `port` and waits until `/ready` answers `OK` (at most 30 s).
    ///
    /// # Panics
    /// When soketi is missing, cannot start, or never becomes ready.
    pub async fn start(port: u16) -> Soketi {
        let bin = soketi_bin();
        let child = Command::new(&bin)
            .arg("start")
            .env("SOKETI_HOST", "127.0.0.1")
            .env("SOKETI_PORT", port.to_string())
            .env("SOKETI_METRICS_HOST", "127.0.0.1")
            .env("SOKETI_METRICS_SERVER_PORT", free_port().to_string())
            .env("SOKETI_CLUSTER_PORT", free_port().to_string())
            .env("SOKETI_CLUSTER_UNICAST_ADDRESSES", "127.0.0.1")
            .env("SOKETI_CLUSTER_BROADCAST_ADDRESS", "127.255.255.255")
            .env("SOKETI_DEFAULT_APP_ID", SOKETI_APP_ID)
            .env("SOKETI_DEFAULT_APP_KEY", SOKETI_APP_KEY)
            .env("SOKETI_DEFAULT_APP_SECRET", SOKETI_APP_SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", bin.display()));
        let soketi = Soketi {
            child: Some(child),
            port,
        };
        for _ in 0..300 {
            if let Ok((200, body)) = soketi.request("GET", "/ready", "").await
                && body.trim() == "OK"
            {
                return soketi;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("soketi did not become ready on port {port} within 30 s");
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The client URL of the default app (protocol 7).
    pub fn ws_url(&self) -> String {
        format!(
            "ws://127.0.0.1:{}/app/{SOKETI_APP_KEY}?protocol=7&client=js&version=8.4.0&flash=false",
            self.port
        )
    }

    /// Kills the process and waits for it.
    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Publishes an event on channels through the signed HTTP API: MD5 of the exact body,
    /// HMAC-SHA256 of `POST\n/apps/{id}/events\n{sorted query}`. Returns the HTTP status and
    /// body (`200`, `{"ok":true}`).
    pub async fn publish(&self, channels: &[&str], event: &str, data: &str) -> (u16, String) {
        let body =
            serde_json::json!({"name": event, "channels": channels, "data": data}).to_string();
        let body_md5 = hex(&md5::Md5::digest(body.as_bytes()));
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let path = format!("/apps/{SOKETI_APP_ID}/events");
        let query = format!(
            "auth_key={SOKETI_APP_KEY}&auth_timestamp={timestamp}&auth_version=1.0&body_md5={body_md5}"
        );
        let signature =
            match hmac::Hmac::<sha2::Sha256>::new_from_slice(SOKETI_APP_SECRET.as_bytes()) {
                Ok(mut mac) => {
                    mac.update(format!("POST\n{path}\n{query}").as_bytes());
                    hex(&mac.finalize().into_bytes())
                }
                Err(_) => String::new(),
            };
        let target = format!("{path}?{query}&auth_signature={signature}");
        self.request("POST", &target, &body)
            .await
            .unwrap_or((0, String::new()))
    }

    /// One HTTP/1.1 request over a fresh connection (`Connection: close`).
    async fn request(
        &self,
        method: &str,
        target: &str,
        body: &str,
    ) -> std::io::Result<(u16, String)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).await?;
        let request = format!(
            "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        );
        stream.write_all(request.as_bytes()).await?;
        let mut response = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut response))
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer"))??;
        let text = String::from_utf8_lossy(&response).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        // Chunked answers: keep only the chunk data lines.
        let body = if text
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            body.lines()
                .filter(|l| !l.is_empty() && !l.chars().all(|c| c.is_ascii_hexdigit()))
                .collect::<Vec<_>>()
                .join("")
        } else {
            body.to_owned()
        };
        Ok((status, body))
    }
}

impl Drop for Soketi {
    fn drop(&mut self) {
        self.kill();
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
