//! `live kick channel` and `live watch kick:SLUG` against the Kick emulator (both transports),
//! across a forced server restart.

use std::process::Stdio;
use std::time::Duration;

use live_testkit::kick::{EmuChannel, KickEmulator, Offer};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::{live, stderr, stdout};

const CHAT: &str = "App\\Events\\ChatMessageEvent";

fn env(emulator: &KickEmulator, transport: &str) -> Vec<(&'static str, String)> {
    vec![
        ("LIVE_KICK_API_URL", emulator.api_url()),
        ("LIVE_KICK_WEB_URL", emulator.web_url()),
        ("LIVE_KICK_PUSHER_URL", emulator.pusher_url()),
        ("LIVE_KICK_TRANSPORT", transport.to_owned()),
    ]
}

fn chat(id: &str, text: &str) -> String {
    json!({
        "id": id, "chatroom_id": 1000, "content": text, "type": "message",
        "created_at": "2026-11-23T18:05:00+00:00",
        "sender": {"id": 346148, "username": "NightOwl_42", "slug": "nightowl-42", "identity": {"color": "#FF9D00", "badges": []}},
        "metadata": null
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kick_channel_prints_the_lookup_as_json() {
    let emulator = KickEmulator::start().await.unwrap();
    emulator.add_channel(EmuChannel::live("streamer", 1000));
    let vars = env(&emulator, "pusher");
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let output = live(&["kick", "channel", "streamer"], &vars).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let json: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    assert_eq!(json["chatroom_id"], "1000");
    assert_eq!(json["channel_id"], "1176");
    assert_eq!(json["is_live"], true);
    assert_eq!(json["livestream"]["viewers"], 1200);
    assert!(
        !stdout(&output).contains("SIGNED"),
        "the playback URL is not printed"
    );

    let output = live(&["kick", "channel", "nobody"], &vars).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("not found"), "{}", stderr(&output));

    emulator.set_blocked(true);
    let output = live(&["kick", "channel", "streamer"], &vars).await;
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("blocked") && message.contains("LIVE_KICK_API_URL"),
        "{message}"
    );
}

/// Runs `live watch kick:streamer --json --limit 6` while the emulator publishes: each event
/// on two aliases, a restart in the middle. Every event must print exactly once.
async fn watch_across_a_restart(transport: &str) -> Vec<Value> {
    let emulator = KickEmulator::start().await.unwrap();
    emulator.set_offer(Offer::Both);
    let channel = EmuChannel::live("streamer", 1000);
    emulator.add_channel(channel.clone());
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_live"));
    command
        .args(["watch", "kick:streamer", "--json", "--limit", "6"])
        .env_clear()
        .kill_on_drop(true)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env(&emulator, transport) {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = tokio::spawn(async move {
        let mut lines = BufReader::new(stdout).lines();
        let mut out = Vec::new();
        while let Ok(Some(line)) = lines.next_line().await {
            out.push(line);
        }
        out
    });
    let v2 = channel.chat_channel();
    let copy = format!("chatrooms.{}", channel.chatroom_id);
    tokio::time::timeout(
        Duration::from_secs(30),
        emulator.wait_for_subscribes(&v2, 1),
    )
    .await
    .expect("the CLI never subscribed");
    // Subscriptions confirmed before publishing: wait for every alias.
    for alias in channel.aliases() {
        tokio::time::timeout(
            Duration::from_secs(10),
            emulator.wait_for_subscribed(&alias),
        )
        .await
        .unwrap();
    }
    for (id, text) in [("a", "one"), ("b", "two")] {
        emulator.publish(&v2, CHAT, &chat(id, text));
        emulator.publish(&copy, CHAT, &chat(id, text));
    }
    emulator.publish(
        &format!("channel_{}", channel.channel_id),
        "KicksGifted",
        &json!({"gift_transaction_id": "gt1", "sender": {"id": 5, "username": "BigSpender"}, "gift": {"gift_id": "rage_quit", "name": "Rage Quit", "amount": 100}}).to_string(),
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    emulator.restart();
    tokio::time::timeout(
        Duration::from_secs(30),
        emulator.wait_for_subscribes(&v2, 2),
    )
    .await
    .expect("the CLI never re-subscribed");
    for alias in channel.aliases() {
        tokio::time::timeout(
            Duration::from_secs(10),
            emulator.wait_for_subscribed(&alias),
        )
        .await
        .unwrap();
    }
    for (id, text) in [("c", "three"), ("d", "four")] {
        emulator.publish(&v2, CHAT, &chat(id, text));
        emulator.publish(&copy, CHAT, &chat(id, text));
    }
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("`live watch` did not stop at its limit")
        .unwrap();
    assert!(status.success());
    let lines = reader.await.unwrap();
    lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn check(lines: &[Value]) {
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    let counted: Vec<&Value> = lines
        .iter()
        .filter(|l| {
            !matches!(
                l["kind"].as_str(),
                Some("connected" | "reconnecting" | "disconnected")
            )
        })
        .collect();
    assert_eq!(counted.len(), 6, "{kinds:?}");
    assert_eq!(counted[0]["kind"], "viewer_count");
    assert_eq!(counted[0]["viewers"], 1200);
    let texts: Vec<&str> = counted
        .iter()
        .filter(|l| l["kind"] == "chat")
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["one", "two", "three", "four"], "{kinds:?}");
    let gift = counted.iter().find(|l| l["kind"] == "gift").unwrap();
    assert_eq!(
        gift["gift"],
        json!({"id": "rage_quit", "name": "Rage Quit", "count": 1, "value": 100})
    );
    assert!(kinds.contains(&"reconnecting"), "{kinds:?}");
    assert!(
        kinds.iter().filter(|k| **k == "connected").count() >= 2,
        "{kinds:?}"
    );
    for line in lines {
        assert_eq!(line["platform"], "kick");
        assert_eq!(line["room"], "streamer");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_prints_every_event_once_across_a_restart_over_pusher() {
    check(&watch_across_a_restart("pusher").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_prints_every_event_once_across_a_restart_over_centrifugo() {
    check(&watch_across_a_restart("auto").await);
}

/// The same contract against a real Pusher server: the emulator only answers the lookup,
/// soketi carries the events, and is restarted in the middle.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_prints_every_event_once_across_a_soketi_restart() {
    use live_testkit::kick::soketi::{Soketi, free_port};

    let port = free_port();
    let soketi = Soketi::start(port).await;
    let emulator = KickEmulator::start().await.unwrap();
    let channel = EmuChannel::live("streamer", 1000);
    emulator.add_channel(channel.clone());
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_live"));
    command
        .args(["watch", "kick:streamer", "--json", "--limit", "5"])
        .env_clear()
        .env("LIVE_KICK_API_URL", emulator.api_url())
        .env("LIVE_KICK_WEB_URL", emulator.web_url())
        .env("LIVE_KICK_PUSHER_URL", soketi.ws_url())
        .env("LIVE_KICK_TRANSPORT", "pusher")
        .kill_on_drop(true)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen: Vec<Value> = Vec::new();
    let mut read_until = async |kind: &str, seen: &mut Vec<Value>| {
        loop {
            let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
                .await
                .unwrap_or_else(|_| panic!("no {kind} line within 30 s: {seen:?}"))
                .unwrap()
                .unwrap_or_else(|| panic!("`live watch` ended before {kind}: {seen:?}"));
            let value: Value = serde_json::from_str(&line).unwrap();
            let found = value["kind"] == kind;
            seen.push(value);
            if found {
                return;
            }
        }
    };
    read_until("connected", &mut seen).await;
    // soketi confirms each alias on its own: give the other four a moment.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (v2, copy) = (
        channel.chat_channel(),
        format!("chatrooms.{}", channel.chatroom_id),
    );
    for (id, text) in [("a", "one"), ("b", "two")] {
        let (status, body) = soketi
            .publish(&[v2.as_str(), copy.as_str()], CHAT, &chat(id, text))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    read_until("chat", &mut seen).await;
    read_until("chat", &mut seen).await;
    soketi.stop();
    read_until("reconnecting", &mut seen).await;
    let soketi = Soketi::start(port).await;
    read_until("connected", &mut seen).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    for (id, text) in [("c", "three"), ("d", "four")] {
        let (status, body) = soketi
            .publish(&[v2.as_str(), copy.as_str()], CHAT, &chat(id, text))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    while let Ok(Some(line)) = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .unwrap()
    {
        seen.push(serde_json::from_str(&line).unwrap());
    }
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
    let texts: Vec<&str> = seen
        .iter()
        .filter(|l| l["kind"] == "chat")
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["one", "two", "three", "four"], "{seen:#?}");
    assert_eq!(seen[0]["kind"], "viewer_count");
    soketi.stop();
}
