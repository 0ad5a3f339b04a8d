//! The real client against a real Pusher server: soketi (kick.md §7.1), with Kick events
//! published through its signed HTTP API (§2, §7.4), across a server restart.
//!
//! `cargo xtask test` installs soketi and exports its path as `LIVE_SOKETI_BIN`; without it
//! (and without the default install in `.tools/soketi`) this test fails, naming the command
//! that installs it.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{KeyInit, Mac};
use kick_ws::{ChannelRef, KickClient, KickEvent, Transport};
use live_http::HttpClient;
use md5::Digest;
use serde_json::json;
use tokio::process::{Child, Command};

const APP_ID: &str = "app-id";
const APP_KEY: &str = "app-key";
const APP_SECRET: &str = "app-secret";

fn soketi_bin() -> PathBuf {
    if let Some(path) = std::env::var_os("LIVE_SOKETI_BIN") {
        let path = PathBuf::from(path);
        assert!(
            path.exists(),
            "LIVE_SOKETI_BIN names {}, which does not exist: reinstall soketi with \
             `cargo xtask install-soketi` or run the tests with `cargo xtask test`",
            path.display()
        );
        return path;
    }
    let default =
        live_testkit::fixtures::workspace_root().join(".tools/soketi/node_modules/.bin/soketi");
    if default.exists() {
        return default;
    }
    panic!(
        "soketi is not installed: run the tests with `cargo xtask test` (it installs soketi and \
         sets LIVE_SOKETI_BIN), or install it once with `cargo xtask install-soketi`"
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

/// A soketi process bound to loopback only; killed when dropped (also on panic).
struct Soketi {
    child: Child,
    port: u16,
}

impl Soketi {
    async fn start(port: u16) -> Soketi {
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
            .env("SOKETI_DEFAULT_APP_ID", APP_ID)
            .env("SOKETI_DEFAULT_APP_KEY", APP_KEY)
            .env("SOKETI_DEFAULT_APP_SECRET", APP_SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", bin.display()));
        let soketi = Soketi { child, port };
        soketi.wait_ready().await;
        soketi
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn wait_ready(&self) {
        let http = HttpClient::builder(&self.url())
            .retry_policy(live_http::RetryPolicy::none())
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        for _ in 0..300 {
            if let Ok(response) = http.get("/ready").send().await
                && response.text().trim() == "OK"
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "soketi did not become ready on port {} within 30 s",
            self.port
        );
    }

    async fn stop(mut self) {
        let _ = self.child.kill().await;
    }

    /// Publishes through the signed HTTP API: md5 of the exact body, HMAC-SHA256 of
    /// `POST\n/apps/{id}/events\n{sorted query}`.
    async fn publish(&self, channels: &[&str], event: &str, data: &str) {
        let body = json!({"name": event, "channels": channels, "data": data}).to_string();
        let body_md5 = hex(&md5::Md5::digest(body.as_bytes()));
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let path = format!("/apps/{APP_ID}/events");
        let query = format!(
            "auth_key={APP_KEY}&auth_timestamp={timestamp}&auth_version=1.0&body_md5={body_md5}"
        );
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(APP_SECRET.as_bytes()).unwrap();
        mac.update(format!("POST\n{path}\n{query}").as_bytes());
        let signature = hex(&mac.finalize().into_bytes());
        let http = HttpClient::builder(&self.url()).build().unwrap();
        let response = http
            .post(&path)
            .query("auth_key", APP_KEY)
            .query("auth_timestamp", timestamp)
            .query("auth_version", "1.0")
            .query("body_md5", &body_md5)
            .query("auth_signature", signature)
            .body(body, "application/json")
            .send()
            .await
            .unwrap_or_else(|e| panic!("soketi refused the publication: {e}"));
        assert_eq!(response.status(), 200, "{}", response.text());
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn next_where(
    client: &mut KickClient,
    what: &str,
    pick: impl Fn(&KickEvent) -> bool,
) -> KickEvent {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match client.next_event().await {
                Some(event) if pick(&event) => return event,
                Some(_) => {}
                None => panic!("the stream ended while waiting for {what}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {what} from soketi within 30 s"))
}

async fn collect(client: &mut KickClient, quiet: Duration) -> Vec<KickEvent> {
    let mut events = Vec::new();
    while let Ok(Some(event)) = tokio::time::timeout(quiet, client.next_event()).await {
        events.push(event);
    }
    events
}

fn chat(id: &str, text: &str) -> String {
    json!({"id": id, "chatroom_id": "123", "content": text, "type": "message",
        "created_at": "2026-11-23T18:05:00.000000Z",
        "sender": {"id": "346148", "username": "NightOwl_42", "slug": "nightowl-42", "identity": {"color": "#FF9D00", "badges": []}},
        "metadata": null}).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kick_events_through_a_real_pusher_server() {
    let port = free_port();
    let soketi = Soketi::start(port).await;
    let mut client = KickClient::builder()
        .pusher_url(format!(
            "ws://127.0.0.1:{port}/app/{APP_KEY}?protocol=7&client=js&version=8.4.0&flash=false"
        ))
        .api_url("http://127.0.0.1:9")
        .transport(Transport::Pusher)
        .viewer_poll_interval(None)
        .build()
        .unwrap();
    client
        .watch(ChannelRef::ids(123, 456).room("soketi-room"))
        .await
        .unwrap();
    next_where(&mut client, "connected", |e| {
        matches!(e, KickEvent::Connected(_))
    })
    .await;
    // Every alias confirmed (soketi sends subscription_succeeded without data).
    tokio::time::sleep(Duration::from_millis(500)).await;

    // One chat on two aliases in one publication, and again on the plain alias.
    soketi
        .publish(
            &["chatrooms.123.v2", "chatrooms.123"],
            "App\\Events\\ChatMessageEvent",
            &chat("s-1", "hello soketi"),
        )
        .await;
    soketi
        .publish(
            &["chatrooms.123"],
            "App\\Events\\ChatMessageEvent",
            &chat("s-1", "hello soketi"),
        )
        .await;
    soketi.publish(&["chatroom_123"], "GiftedSubscriptionsEvent", &json!({"chatroom_id": 123, "gifted_usernames": ["a", "b"], "gifter_username": "BigSpender", "gifted_total": 2}).to_string()).await;
    soketi.publish(&["channel_456"], "KicksGifted", &json!({"gift_transaction_id": "gt-s", "sender": {"id": 5, "username": "BigSpender"}, "gift": {"gift_id": "rage_quit", "name": "Rage Quit", "amount": "100"}}).to_string()).await;
    soketi
        .publish(
            &["chatrooms.123.v2"],
            "App\\Events\\PinnedMessageDeletedEvent",
            "[]",
        )
        .await;
    soketi.publish(&["channel.456"], "App\\Events\\FollowersUpdated", &json!({"followersCount": 10, "channel_id": 456, "username": null, "created_at": 1_763_900_000, "followed": true}).to_string()).await;
    soketi
        .publish(
            &["chatrooms.123.v2"],
            "App\\Events\\SomethingNew",
            "{\"x\":1}",
        )
        .await;
    let events = collect(&mut client, Duration::from_secs(1)).await;
    let lines: Vec<serde_json::Value> = events
        .iter()
        .filter_map(KickEvent::to_live_event)
        .map(|e| serde_json::from_str(&e.to_json_line()).unwrap())
        .collect();
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "chat",
            "gifted_subscriptions",
            "gift",
            "unpin",
            "follow",
            "other"
        ],
        "{events:#?}"
    );
    assert_eq!(lines[0]["text"], "hello soketi");
    assert_eq!(lines[0]["user"]["id"], "346148");
    assert_eq!(lines[1]["count"], 2);
    assert_eq!(lines[2]["gift"]["value"], 100);
    assert_eq!(lines[5]["name"], "App\\Events\\SomethingNew");

    // A restart of the server: the client comes back and subscribes everything again.
    soketi.stop().await;
    next_where(&mut client, "reconnecting", |e| {
        matches!(e, KickEvent::Reconnecting(_))
    })
    .await;
    let soketi = Soketi::start(port).await;
    next_where(&mut client, "connected again", |e| {
        matches!(e, KickEvent::Connected(_))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    soketi
        .publish(
            &["chatrooms.123.v2"],
            "App\\Events\\ChatMessageEvent",
            &chat("s-2", "after the restart"),
        )
        .await;
    soketi.publish(&["channel_456"], "KicksGifted", &json!({"gift_transaction_id": "gt-t", "sender": {"id": 5, "username": "BigSpender"}, "gift": {"gift_id": "hype", "name": "Hype", "amount": 1}}).to_string()).await;
    let events = collect(&mut client, Duration::from_secs(1)).await;
    let kinds: Vec<&str> = events
        .iter()
        .filter_map(KickEvent::to_live_event)
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(kinds, ["chat", "gift"], "{events:#?}");
    client.close().await.unwrap();
    soketi.stop().await;
}
