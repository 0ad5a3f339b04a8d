//! `live tencent ...` end to end: the real binary against the Tencent emulator started here,
//! configured only through the `LIVE_TENCENT_*` variables. Real time (the binary is another
//! process), so pacing is checked on the emulator's side, never with wall-clock assertions.

use std::collections::HashSet;
use std::process::Output;
use std::time::Duration;

use live_testkit::tencent::usersig::verify;
use live_testkit::tencent::{Fault, TencentConfig, TencentEmulator};
use serde_json::Value;

const SDKAPPID: u64 = 1_400_654_321;
const KEY: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

async fn emulator() -> TencentEmulator {
    TencentEmulator::start(TencentConfig::new(SDKAPPID, KEY))
        .await
        .unwrap()
}

/// The environment pointing `live` at `emulator`.
fn env(emulator: &TencentEmulator) -> Vec<(&'static str, String)> {
    vec![
        ("LIVE_TENCENT_URL", emulator.url()),
        ("LIVE_TENCENT_SDKAPPID", SDKAPPID.to_string()),
        ("LIVE_TENCENT_KEY", KEY.to_owned()),
        ("LIVE_TENCENT_IDENTIFIER", "administrator".to_owned()),
    ]
}

/// Runs `live ARGS...` with exactly `vars` as its environment, at most a minute.
async fn live(args: &[&str], vars: &[(&'static str, String)]) -> Output {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_live"));
    command.args(args).env_clear().kill_on_drop(true);
    for (name, value) in vars {
        command.env(name, value);
    }
    tokio::time::timeout(Duration::from_secs(60), command.output())
        .await
        .expect("`live` did not exit within a minute")
        .expect("`live` could not be run")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Neither the key nor any UserSig the emulator received shows in `output`.
fn assert_no_secret(emulator: &TencentEmulator, output: &Output) {
    let sigs: Vec<String> = emulator
        .server()
        .requests()
        .iter()
        .filter_map(|r| r.query_param("usersig"))
        .collect();
    for stream in [text(&output.stdout), text(&output.stderr)] {
        assert!(!stream.contains(KEY), "the key leaked:\n{stream}");
        for sig in &sigs {
            assert!(
                !stream.contains(sig.as_str()),
                "a UserSig leaked:\n{stream}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_lists_every_room_once_across_pages_and_faults_within_the_rate_limit() {
    let emulator = emulator().await;
    let ids: HashSet<String> = emulator.seed_rooms(80).into_iter().collect();
    // 80 rooms at 5 a page: 16 pages, so an unpaced client would put far more than 10 calls
    // in one second. Faults on the way: an internal error, "too frequent" twice, an expired
    // UserSig, later another internal error and another "too frequent".
    let schedule = [
        (1, 100_001),
        (3, 60_018),
        (4, 60_018),
        (6, 70_001),
        (12, 100_001),
        (14, 60_018),
    ];
    for (nth, code) in schedule {
        emulator.inject_at("get_room_list", nth, Fault::Code(code));
    }
    let mut vars = env(&emulator);
    vars.push(("LIVE_LOG", "trace".to_owned()));
    let output = live(&["tencent", "rooms", "--count", "5", "--json"], &vars).await;
    let stderr = text(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}\n{stderr}",
        output.status
    );

    let rooms: Vec<Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("an NDJSON line"))
        .collect();
    let listed: Vec<String> = rooms
        .iter()
        .map(|r| r["RoomId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(listed.len(), 80, "a room was lost or repeated");
    assert_eq!(listed.iter().cloned().collect::<HashSet<_>>(), ids);
    let views: Vec<u64> = rooms
        .iter()
        .map(|r| r["ViewCount"].as_u64().unwrap())
        .collect();
    assert!(
        views.windows(2).all(|w| w[0] >= w[1]),
        "not most viewed first"
    );
    assert!(rooms[0]["RoomName"].is_string() && rooms[0]["Owner_Account"].is_string());

    let codes: Vec<i64> = emulator
        .calls_of("get_room_list")
        .iter()
        .map(|c| c.code)
        .collect();
    // 16 pages, six faults, each mended by one more call.
    let mut expected = vec![0; 22];
    for (nth, code) in schedule {
        expected[nth - 1] = code;
    }
    assert_eq!(codes, expected);
    // Never faster than documented: no one-second window (as the emulator saw the arrivals)
    // holds more than 10 get_room_list calls, and none was refused for going too fast.
    assert!(emulator.max_calls_in_window("get_room_list", Duration::from_secs(1)) <= 10);
    assert!(!codes.contains(&60_007));

    // The run was logged at trace level, redacted.
    assert!(
        stderr.contains("usersig=***"),
        "no redacted request URL in the logs:\n{stderr}"
    );
    assert!(stderr.contains("retrying"), "{stderr}");
    assert_no_secret(&emulator, &output);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_stops_at_the_limit_without_fetching_further_pages() {
    let emulator = emulator().await;
    emulator.seed_rooms(100);
    let output = live(
        &["tencent", "rooms", "--count", "10", "--limit", "25"],
        &env(&emulator),
    )
    .await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout).lines().count(), 25);
    let counts: Vec<u64> = emulator
        .calls_of("get_room_list")
        .iter()
        .map(|c| c.body.as_ref().unwrap()["Count"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, [10, 10, 5]);

    let bad = live(&["tencent", "rooms", "--count", "21"], &env(&emulator)).await;
    assert_eq!(bad.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_reads_and_destroys_a_room() {
    let emulator = emulator().await;
    let vars = env(&emulator);
    let created = live(
        &[
            "tencent",
            "create-room",
            "live_cli",
            "--name",
            "CLI karaoke 🎤",
            "--owner",
            "mia_sings",
            "--category",
            "1",
            "--category",
            "4",
            "--seats",
            "6",
            "--take-seat-mode",
            "apply",
        ],
        &vars,
    )
    .await;
    assert!(created.status.success(), "{}", text(&created.stderr));
    let reply: Value = serde_json::from_slice(&created.stdout).unwrap();
    assert_eq!(reply["RoomId"], "live_cli");
    assert_eq!(reply["AlreadyExisted"], false);
    let body = emulator.calls_of("create_room")[0].body.clone().unwrap();
    assert_eq!(body["RoomInfo"]["RoomType"], "Live");
    assert_eq!(body["RoomInfo"]["Category"], serde_json::json!([1, 4]));
    assert_eq!(body["RoomInfo"]["TakeSeatMode"], "ApplyToTake");

    let room = live(&["tencent", "room", "live_cli", "--json"], &vars).await;
    assert!(room.status.success(), "{}", text(&room.stderr));
    let info: Value = serde_json::from_slice(&room.stdout).unwrap();
    assert_eq!(info["RoomName"], "CLI karaoke 🎤");
    assert_eq!(info["Owner_Account"], "mia_sings");
    assert_eq!(info["MaxSeatCount"], 6);

    let destroyed = live(&["tencent", "destroy-room", "live_cli"], &vars).await;
    assert!(destroyed.status.success(), "{}", text(&destroyed.stderr));
    let reply: Value = serde_json::from_slice(&destroyed.stdout).unwrap();
    assert_eq!(reply["RoomId"], "live_cli");
    assert!(reply["Statistic"]["TotalViewers"].is_u64());

    let gone = live(&["tencent", "room", "live_cli"], &vars).await;
    assert_eq!(gone.status.code(), Some(1));
    let stderr = text(&gone.stderr);
    assert!(
        stderr.contains("ErrorCode 100004") && stderr.contains("RequestId Id-"),
        "{stderr}"
    );
    for output in [&created, &room, &destroyed, &gone] {
        assert_no_secret(&emulator, output);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usersig_prints_a_sig_the_service_accepts() {
    let emulator = emulator().await;
    let mut vars = env(&emulator);
    vars.retain(|(name, _)| *name != "LIVE_TENCENT_URL");
    vars.retain(|(name, _)| *name != "LIVE_TENCENT_IDENTIFIER");
    vars.push(("LIVE_TENCENT_IDENTIFIER", "ops_admin".to_owned()));
    let output = live(&["tencent", "usersig"], &vars).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let sig = text(&output.stdout).trim().to_owned();
    let now = emulator.now_unix();
    let claims = verify(&sig, SDKAPPID, "ops_admin", KEY, now).unwrap();
    assert_eq!(claims.expire, 86_400);
    assert!(claims.time.abs_diff(now) < 60);

    let output = live(&["tencent", "usersig", "--json", "--expire", "600"], &vars).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["identifier"], "ops_admin");
    assert_eq!(doc["expire"], 600);
    verify(
        doc["usersig"].as_str().unwrap(),
        SDKAPPID,
        "ops_admin",
        KEY,
        now,
    )
    .unwrap();
    assert!(!text(&output.stdout).contains(KEY) && !text(&output.stderr).contains(KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_or_wrong_settings_are_usage_errors_naming_the_variable() {
    let emulator = emulator().await;
    let full = env(&emulator);
    let without = |name: &str| -> Vec<(&'static str, String)> {
        full.iter().filter(|(n, _)| *n != name).cloned().collect()
    };
    let with = |name: &'static str, value: &str| -> Vec<(&'static str, String)> {
        let mut vars = without(name);
        vars.push((name, value.to_owned()));
        vars
    };
    let cases = [
        (without("LIVE_TENCENT_SDKAPPID"), "LIVE_TENCENT_SDKAPPID"),
        (without("LIVE_TENCENT_KEY"), "LIVE_TENCENT_KEY"),
        (
            with("LIVE_TENCENT_SDKAPPID", "not-a-number"),
            "LIVE_TENCENT_SDKAPPID",
        ),
        (
            with("LIVE_TENCENT_URL", "http://example.com"),
            "LIVE_TENCENT_URL",
        ),
        (
            {
                let mut vars = without("LIVE_TENCENT_URL");
                vars.push(("LIVE_TENCENT_REGION", "atlantis".to_owned()));
                vars
            },
            "LIVE_TENCENT_REGION",
        ),
    ];
    for (vars, variable) in cases {
        for args in [
            &["tencent", "rooms"][..],
            &["tencent", "room", "live_a"],
            &["tencent", "usersig"],
        ] {
            if args[1] == "usersig"
                && (variable == "LIVE_TENCENT_URL" || variable == "LIVE_TENCENT_REGION")
            {
                continue; // no network involved
            }
            let output = live(args, &vars).await;
            let stderr = text(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{args:?} without a good {variable}: {stderr}"
            );
            assert!(stderr.contains(variable), "{args:?}: {stderr}");
            assert!(!stderr.contains(KEY));
        }
    }
    assert!(
        emulator.calls().is_empty(),
        "a request went out despite bad settings"
    );
}
