//! `live watch` with several platforms at once, `--record` and `live replay`: a replay prints
//! exactly what the live run printed.

use std::process::Stdio;
use std::time::Duration;

use live_testkit::kick::{EmuChannel, KickEmulator};
use live_testkit::tiktok::{Batch, EmulatorConfig, FakeUser, PushStep, Room, TikTokEmulator};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::{live, stderr, stdout};

const KEY: &str = "euler_watch_SECRET";

struct World {
    kick: KickEmulator,
    channel: EmuChannel,
    tiktok: TikTokEmulator,
}

async fn world() -> World {
    let kick = KickEmulator::start().await.unwrap();
    let channel = EmuChannel::live("streamer", 1000);
    kick.add_channel(channel.clone());
    let r = Room::new(7_300_000_000_000_000_001, 1_700_000_000_000);
    let alice = FakeUser::new(6_796_815_426_174_960_646, "alice_01", "Alice 🌸");
    let bob = FakeUser::new(7_012_345_678_901_234_567, "bob.builds", "ボブ");
    let rose = (5655, "Rose", 1, 1);
    let mut config = EmulatorConfig::live("alice_01", "7300000000000000001");
    config.euler_key = Some(KEY.to_owned());
    config.fetches = vec![Batch::new("c-0", vec![r.chat(1, &alice, "from history")])];
    config.scripts = vec![vec![
        PushStep::Sleep(Duration::from_millis(600)),
        PushStep::Batch(Batch::new(
            "c-1",
            vec![
                r.chat(2, &bob, "こんにちは"),
                r.gift(10, &bob, rose, 1, false, 77),
                r.gift(11, &bob, rose, 2, false, 77),
                r.gift(12, &bob, rose, 3, true, 77),
                r.like(13, &alice, 5, 90),
            ],
        )),
        PushStep::Sleep(Duration::from_millis(600)),
        PushStep::Batch(Batch::new("c-2", vec![r.control(14, 3)])),
    ]];
    let tiktok = TikTokEmulator::start(config).await.unwrap();
    World {
        kick,
        channel,
        tiktok,
    }
}

fn env(world: &World) -> Vec<(&'static str, String)> {
    vec![
        ("LIVE_KICK_API_URL", world.kick.api_url()),
        ("LIVE_KICK_WEB_URL", world.kick.web_url()),
        ("LIVE_KICK_PUSHER_URL", world.kick.pusher_url()),
        ("LIVE_KICK_TRANSPORT", "pusher".to_owned()),
        ("LIVE_TIKTOK_WEB_URL", world.tiktok.web.url()),
        ("LIVE_TIKTOK_WEBCAST_URL", world.tiktok.web.url()),
        ("LIVE_EULER_URL", world.tiktok.euler.url()),
        ("LIVE_EULER_API_KEY", KEY.to_owned()),
    ]
}

fn kick_chat(world: &World, id: &str, text: &str) {
    let data = json!({
        "id": id, "chatroom_id": 1000, "content": text, "type": "message",
        "created_at": "2026-11-23T18:05:00+00:00",
        "sender": {"id": 346148, "username": "NightOwl_42", "slug": "nightowl-42",
                   "identity": {"color": "#FF9D00", "badges": []}},
        "metadata": null
    });
    world.kick.publish(
        &world.channel.chat_channel(),
        "App\\Events\\ChatMessageEvent",
        &data.to_string(),
    );
}

/// Runs `live watch` with `extra` arguments while the emulators play; Kick chats as soon as
/// its room is connected and again after TikTok's stream ended. Returns stdout.
async fn watch(world: &World, extra: &[&str]) -> (String, String) {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_live"));
    command
        .args(["watch", "kick:streamer", "tiktok:@alice_01"])
        .args(extra)
        .env_clear()
        .kill_on_drop(true)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env(world) {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut out = String::new();
    let read = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let value: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
            if value["room"] == "streamer" && value["kind"] == "connected" {
                kick_chat(world, "k-1", "hello from kick 👋");
            }
            if value["room"] == "alice_01" && value["kind"] == "stream_end" {
                kick_chat(world, "k-2", "بعد النهاية");
            }
            out.push_str(&line);
            out.push('\n');
        }
    };
    tokio::time::timeout(Duration::from_secs(60), read)
        .await
        .unwrap();
    let output = child.wait_with_output().await.unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (out, String::from_utf8_lossy(&output.stderr).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_platforms_merge_and_a_replay_prints_exactly_the_live_output() {
    let world = world().await;
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("watch-two-platforms.ndjson");
    let path = file.to_str().unwrap();
    let (live_out, live_err) = watch(&world, &["--json", "--record", path, "--for", "3"]).await;
    let lines: Vec<Value> = live_out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for (room, kind) in [
        ("streamer", "connected"),
        ("streamer", "chat"),
        ("alice_01", "connected"),
        ("alice_01", "chat"),
        ("alice_01", "gift"),
        ("alice_01", "like"),
        ("alice_01", "stream_end"),
        ("alice_01", "disconnected"),
        ("streamer", "disconnected"),
    ] {
        assert!(
            lines.iter().any(|l| l["room"] == room && l["kind"] == kind),
            "no {kind} for {room} in\n{live_out}"
        );
    }
    let gifts: Vec<&Value> = lines.iter().filter(|l| l["kind"] == "gift").collect();
    assert_eq!(gifts.len(), 1, "one gift per streak");
    assert_eq!(gifts[0]["gift"]["count"], 3);
    assert!(!live_err.contains(KEY));
    let recording = std::fs::read_to_string(&file).unwrap();
    assert!(!recording.contains(KEY), "the recording holds the API key");

    let replayed = live(&["replay", path, "--json", "--max"], &[]).await;
    assert!(replayed.status.success(), "{}", stderr(&replayed));
    assert_eq!(
        stdout(&replayed),
        live_out,
        "the replay differs from the live run"
    );

    // At recorded speed (sped up) and for people, it plays too.
    let human = live(&["replay", path, "--speed", "50"], &[]).await;
    assert!(human.status.success(), "{}", stderr(&human));
    assert!(stdout(&human).contains("こんにちは"));
    assert_eq!(stdout(&human).lines().count(), live_out.lines().count());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_limit_stops_the_run_and_the_replay_where_the_live_output_stopped() {
    let world = world().await;
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("watch-limit.ndjson");
    let path = file.to_str().unwrap();
    let (live_out, _) = watch(&world, &["--json", "--record", path, "--limit", "3"]).await;
    let counted = live_out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|l| {
            !["connected", "disconnected", "reconnecting"].contains(&l["kind"].as_str().unwrap())
        })
        .count();
    assert_eq!(counted, 3, "{live_out}");
    let replayed = live(&["replay", path, "--json", "--max"], &[]).await;
    assert_eq!(stdout(&replayed), live_out);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_targets_and_bad_recordings_are_clear_errors() {
    let output = live(&["watch", "twitch:xqc"], &[]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("twitch:xqc"),
        "{}",
        stderr(&output)
    );
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("not-a-recording.ndjson");
    std::fs::write(&file, "hello\n").unwrap();
    let output = live(&["replay", file.to_str().unwrap(), "--max"], &[]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("header"), "{}", stderr(&output));
    assert_eq!(stderr(&output).trim_end().lines().count(), 1);
    let output = live(&["replay", "/nonexistent/file", "--max"], &[]).await;
    assert_eq!(output.status.code(), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_closes_every_connection_cleanly_and_flushes() {
    let world = world().await;
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_live"));
    command
        .args(["watch", "kick:streamer", "--json"])
        .env_clear()
        .kill_on_drop(true)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env(&world) {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut out = Vec::new();
    // Wait until the room is connected and a chat went through, then press Ctrl-C.
    let connected = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let value: Value = serde_json::from_str(&line).unwrap();
            if value["kind"] == "connected" {
                kick_chat(&world, "k-1", "before the interrupt");
            }
            let chatted = value["kind"] == "chat";
            out.push(value);
            if chatted {
                return;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), connected)
        .await
        .unwrap();
    let pid = child.id().unwrap().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let rest = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            out.push(serde_json::from_str::<Value>(&line).unwrap());
        }
    };
    tokio::time::timeout(Duration::from_secs(30), rest)
        .await
        .unwrap();
    let status = child.wait().await.unwrap();
    assert_eq!(status.code(), Some(130), "an interrupted watch exits 130");
    // The output was flushed up to the room's last line...
    assert_eq!(out.last().unwrap()["kind"], "disconnected", "{out:#?}");
    // ...and the server saw a proper close frame, not a dropped socket.
    let closes: Vec<_> = world
        .kick
        .pusher_server()
        .connections()
        .into_iter()
        .flat_map(|c| c.received)
        .filter(|m| matches!(m, live_testkit::WsMessage::Close(Some((1000, _)))))
        .collect();
    assert_eq!(closes.len(), 1, "no close frame 1000 reached the server");
}
