//! `live watch tiktok:...`, `live tiktok ...` and `live tikhub ...` against the TikTok emulator.

use std::time::Duration;

use live_testkit::tiktok::{
    Batch, EmulatorConfig, FakeUser, PushStep, Room, RoomState, TikTokEmulator,
};
use serde_json::Value;

use crate::{live, stderr, stdout};

const ROOM_ID: &str = "7300000000000000001";
const KEY: &str = "euler_cli_SECRET_key";

fn env(emu: &TikTokEmulator) -> Vec<(&'static str, String)> {
    vec![
        ("LIVE_TIKTOK_WEB_URL", emu.web.url()),
        ("LIVE_TIKTOK_WEBCAST_URL", emu.web.url()),
        ("LIVE_EULER_URL", emu.euler.url()),
        ("LIVE_EULER_API_KEY", KEY.to_owned()),
        ("LIVE_TIKHUB_URL", emu.tikhub.url()),
        ("LIVE_TIKHUB_BASIC", "user:tikhub_SECRET".to_owned()),
        ("LIVE_LOG", "trace".to_owned()),
    ]
}

async fn run(emu: &TikTokEmulator, args: &[&str]) -> std::process::Output {
    let env = env(emu);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let output = live(args, &env).await;
    for secret in [KEY, "tikhub_SECRET", "emulated%7C1700000000"] {
        assert!(!stdout(&output).contains(secret), "stdout leaks {secret}");
        assert!(!stderr(&output).contains(secret), "stderr leaks {secret}");
    }
    output
}

fn json(output: &std::process::Output) -> Value {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status,
        stderr(output)
    );
    serde_json::from_str(&stdout(output)).unwrap()
}

fn config() -> EmulatorConfig {
    let mut config = EmulatorConfig::live("alice_01", ROOM_ID);
    config.euler_key = Some(KEY.to_owned());
    config.rooms.insert("sleepy".into(), RoomState::Offline);
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_prints_every_event_once_across_a_disconnect_and_stops_at_stream_end() {
    let r = Room::new(7_300_000_000_000_000_001, 1_700_000_000_000);
    let alice = FakeUser::new(6_796_815_426_174_960_646, "alice_01", "Alice 🌸");
    let bob = FakeUser::new(7_012_345_678_901_234_567, "bob.builds", "Bob");
    let rose = (5655, "Rose", 1, 1);
    let mut config = config();
    config.fetches = vec![
        Batch::new("c-0", vec![r.chat(1, &alice, "first")]),
        Batch::new(
            "c-1",
            vec![
                r.chat(2, &bob, "second"),
                r.gift(11, &bob, rose, 2, false, 77),
            ],
        ),
    ];
    config.scripts = vec![
        vec![
            PushStep::Batch(
                Batch::new(
                    "c-1",
                    vec![
                        r.chat(2, &bob, "second"),
                        r.gift(10, &bob, rose, 1, false, 77),
                        r.gift(11, &bob, rose, 2, false, 77),
                    ],
                )
                .with_ack(5),
            ),
            PushStep::Sleep(Duration::from_millis(200)),
            PushStep::Drop,
        ],
        vec![
            PushStep::Batch(Batch::new(
                "c-2",
                vec![
                    r.gift(12, &bob, rose, 6, true, 77),
                    r.chat(3, &alice, "third"),
                    r.like(13, &alice, 15, 100),
                ],
            )),
            PushStep::Batch(Batch::new("c-3", vec![r.control(14, 3)])),
        ],
    ];
    let emu = TikTokEmulator::start(config).await.unwrap();
    let output = run(&emu, &["watch", "tiktok:@alice_01", "--json"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "connected",
            "chat",
            "chat",
            "reconnecting",
            "connected",
            "gift",
            "chat",
            "like",
            "stream_end",
            "disconnected"
        ],
        "{}",
        stdout(&output)
    );
    let texts: Vec<&str> = lines.iter().filter_map(|l| l["text"].as_str()).collect();
    assert_eq!(texts, ["first", "second", "third"]);
    let gift = &lines[5];
    assert_eq!(
        gift["gift"],
        serde_json::json!({"id": "5655", "name": "Rose", "count": 6, "value": 6})
    );
    assert_eq!(gift["id"], "12");
    assert_eq!(
        gift["user"],
        serde_json::json!({"id": "7012345678901234567", "name": "bob.builds", "display_name": "Bob"})
    );
    assert!(
        lines
            .iter()
            .all(|l| l["platform"] == "tiktok" && l["room"] == "alice_01")
    );
    assert_eq!(
        emu.fetches()[1].query_param("cursor").as_deref(),
        Some("c-1")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn room_lookups_info_limits_and_chat() {
    let emu = TikTokEmulator::start(config()).await.unwrap();
    let room = json(&run(&emu, &["tiktok", "room-id", "@alice_01"]).await);
    assert_eq!(
        room,
        serde_json::json!({"unique_id": "alice_01", "room_id": ROOM_ID, "is_live": true, "source": "web_api"})
    );
    let offline = json(&run(&emu, &["tiktok", "room-id", "sleepy"]).await);
    assert_eq!(offline["is_live"], false);
    let missing = run(&emu, &["tiktok", "room-id", "nobody"]).await;
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("not found"),
        "{}",
        stderr(&missing)
    );

    let info = json(&run(&emu, &["tiktok", "room-info", "alice_01"]).await);
    assert_eq!(info["data"]["room_info"]["id"], ROOM_ID);
    let tikhub = json(
        &run(
            &emu,
            &["tiktok", "room-info", "alice_01", "--provider", "tikhub"],
        )
        .await,
    );
    assert_eq!(tikhub["data"]["data"]["id_str"], ROOM_ID);
    assert_eq!(emu.tikhub.requests()[0].path, "/api/v1//live/info");

    let limits = json(&run(&emu, &["tiktok", "rate-limits"]).await);
    assert_eq!(limits["minute"]["max"], 60);
    assert_eq!(
        emu.euler.requests_to("/webcast/rate_limits")[0].header("x-api-key"),
        Some(KEY)
    );

    let chat = run(&emu, &["tiktok", "send-chat", ROOM_ID, "hello"]).await;
    assert_eq!(chat.status.code(), Some(1), "no session: Euler refuses");
    assert!(stderr(&chat).contains("paid plan"), "{}", stderr(&chat));
    assert_eq!(
        emu.euler.requests_to("/webcast/chat")[0].json().unwrap()["content"],
        "hello"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tikhub_live_info() {
    let emu = TikTokEmulator::start(config()).await.unwrap();
    let info = json(
        &run(
            &emu,
            &[
                "tikhub",
                "live-info",
                "--room-id",
                "7531095702089370381",
                "--user-id",
                "6796815426174960646",
            ],
        )
        .await,
    );
    assert_eq!(info["code"], 0);
    assert_eq!(
        info["data"]["data"]["owner"]["id_str"],
        "6796815426174960646"
    );
    let sent = &emu.tikhub.requests()[0];
    assert_eq!(
        sent.path_and_query(),
        "/api/v1//live/info?room_id=7531095702089370381&user_id=6796815426174960646"
    );
    assert!(sent.header("authorization").unwrap().starts_with("Basic "));
    let error = run(&emu, &["tikhub", "live-info", "--room-id", "428"]).await;
    assert_eq!(error.status.code(), Some(1));
    assert!(
        stderr(&error).contains("session expired"),
        "{}",
        stderr(&error)
    );
}
