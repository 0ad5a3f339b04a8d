//! `live kitkot ...` against the kitkot emulator: every command, usage and service errors, and
//! no credential in any output, even with `LIVE_LOG=trace`.

use live_testkit::kitkot::{
    API_KEY, ChatLine, DEMO_ROOM_ID, EmulatedRoom, Endpoint, Fault, KitkotEmulator, SESSION_KEY,
};
use serde_json::Value;

use crate::{live, stderr, stdout};

fn env(kitkot: &KitkotEmulator) -> Vec<(&'static str, String)> {
    vec![
        ("LIVE_KITKOT_URL", kitkot.url()),
        ("LIVE_KITKOT_API_KEY", API_KEY.to_owned()),
        ("LIVE_KITKOT_SESSION_KEY", SESSION_KEY.to_owned()),
    ]
}

async fn run(kitkot: &KitkotEmulator, args: &[&str]) -> std::process::Output {
    let env = env(kitkot);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    live(args, &env).await
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_prints_the_room_and_stays_joined() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let output = run(
        &kitkot,
        &[
            "kitkot",
            "join",
            DEMO_ROOM_ID,
            "--anchor-id",
            "7089254113840563206",
            "--request-id",
            "20250731A1",
        ],
    )
    .await;
    let room = json(&output);
    assert_eq!(room["room_id"], DEMO_ROOM_ID);
    assert_eq!(room["owner"]["display_id"], "sunny.bakes");
    assert_eq!(room["viewers"], 11);
    // Joined on purpose: still in the room, and no warning about it.
    assert!(kitkot.is_joined(DEMO_ROOM_ID, SESSION_KEY));
    assert!(!stderr(&output).contains("WARN"), "{}", stderr(&output));
    let sent = &kitkot.requests_to(Endpoint::Join)[0];
    assert_eq!(
        sent.query_param("request_id").as_deref(),
        Some("20250731A1")
    );

    let left = json(&run(&kitkot, &["kitkot", "leave", DEMO_ROOM_ID]).await);
    assert_eq!(left["code"], 200);
    assert!(!kitkot.is_joined(DEMO_ROOM_ID, SESSION_KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn join_help_says_it_does_not_leave() {
    let output = live(&["kitkot", "join", "--help"], &[]).await;
    let help = stdout(&output);
    assert!(help.contains("without leaving"), "{help}");
    assert!(help.contains("live kitkot leave ROOM"), "{help}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exists_needs_no_session_key() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    kitkot.add_room(EmulatedRoom::new("7531804739027651342").alive(false));
    let url = kitkot.url();
    let output = live(
        &["kitkot", "exists", DEMO_ROOM_ID, "7531804739027651342"],
        &[("LIVE_KITKOT_URL", &url), ("LIVE_KITKOT_API_KEY", API_KEY)],
    )
    .await;
    let answer = json(&output);
    assert_eq!(answer["rooms"][0]["alive"], true);
    assert_eq!(answer["rooms"][1]["alive"], false);
    assert_eq!(answer["rooms"][1]["room_id_str"], "7531804739027651342");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_prints_one_message_per_line_across_pages() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    kitkot.set_fetch_interval(Some(20));
    for i in 0..7 {
        kitkot.push_chat(
            DEMO_ROOM_ID,
            ChatLine::new("martak_88", "Marta K", &format!("message {i} ✨")),
        );
    }
    let output = run(&kitkot, &["kitkot", "chat", DEMO_ROOM_ID]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let texts: Vec<&str> = lines
        .iter()
        .map(|l| l["content"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..7).map(|i| format!("message {i} ✨")).collect();
    assert_eq!(texts, expected);
    assert_eq!(lines[0]["user"]["uniqueId"], "martak_88");
    assert_eq!(kitkot.requests_to(Endpoint::Chat).len(), 3);

    // --limit fetches no more pages than it needs.
    kitkot.server().clear_requests();
    let output = run(&kitkot, &["kitkot", "chat", DEMO_ROOM_ID, "--limit", "4"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).lines().count(), 4);
    assert_eq!(kitkot.requests_to(Endpoint::Chat).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_posts_the_message() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let room = json(
        &run(
            &kitkot,
            &["kitkot", "send", DEMO_ROOM_ID, "hello from the CLI 👋"],
        )
        .await,
    );
    assert_eq!(room["room_id"], DEMO_ROOM_ID);
    let chat = kitkot.chat(DEMO_ROOM_ID);
    assert_eq!(chat.last().unwrap()["content"], "hello from the CLI 👋");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_prints_the_account_without_credentials() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let output = run(&kitkot, &["kitkot", "session"]).await;
    let session = json(&output);
    assert_eq!(session["screen_name"], "Night Owl 🦉");
    assert_eq!(session["session_key"], "***");
    assert_eq!(session["cloud_token"], "***");
    assert!(!stdout(&output).contains(SESSION_KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_settings_are_usage_errors_naming_the_variable() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let url = kitkot.url();
    let output = live(
        &["kitkot", "session"],
        &[
            ("LIVE_KITKOT_URL", &url),
            ("LIVE_KITKOT_SESSION_KEY", SESSION_KEY),
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("LIVE_KITKOT_API_KEY"),
        "{}",
        stderr(&output)
    );

    let output = live(
        &["kitkot", "join", DEMO_ROOM_ID],
        &[("LIVE_KITKOT_URL", &url), ("LIVE_KITKOT_API_KEY", API_KEY)],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("LIVE_KITKOT_SESSION_KEY"),
        "{}",
        stderr(&output)
    );
    assert!(kitkot.server().requests().is_empty());

    let output = live(
        &["kitkot", "session"],
        &[
            ("LIVE_KITKOT_URL", "kitkot.xyz"),
            ("LIVE_KITKOT_API_KEY", API_KEY),
            ("LIVE_KITKOT_SESSION_KEY", SESSION_KEY),
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("LIVE_KITKOT_URL"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_errors_exit_1_with_a_clear_message() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let output = run(&kitkot, &["kitkot", "join", "7000000000000000404"]).await;
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("error: kitkot: room 7000000000000000404 does not exist"),
        "{err}"
    );
    // One line on stderr, the HTTP cause joined to it.
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(": GET http://127.0.0.1"), "{err}");

    kitkot.revoke_api_key(API_KEY);
    let output = run(&kitkot, &["kitkot", "leave", DEMO_ROOM_ID]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("kitkot refused the credentials (code 401: Invalid api_key)"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_credential_in_any_output_even_at_trace_level() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    kitkot.push_chat(DEMO_ROOM_ID, ChatLine::new("martak_88", "Marta K", "hi"));
    kitkot.set_fetch_interval(Some(20));
    kitkot.inject(Endpoint::Join, Fault::Status(503));
    let cloud_token = {
        let output = run(&kitkot, &["kitkot", "session"]).await;
        assert!(output.status.success());
        // The emulator's token for the default session; it must not show either.
        live_testkit::kitkot::EmulatedSession::new(SESSION_KEY)
            .cloud_token()
            .to_owned()
    };
    let mut env = env(&kitkot);
    env.push(("LIVE_LOG", "trace".to_owned()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut everything = String::new();
    for args in [
        &["kitkot", "join", DEMO_ROOM_ID][..],
        &["kitkot", "chat", DEMO_ROOM_ID],
        &["kitkot", "send", DEMO_ROOM_ID, "hi"],
        &["kitkot", "exists", DEMO_ROOM_ID],
        &["kitkot", "session"],
        &["kitkot", "leave", DEMO_ROOM_ID],
        &["kitkot", "join", "7000000000000000404"],
    ] {
        let output = live(args, &env).await;
        everything.push_str(&stdout(&output));
        everything.push_str(&stderr(&output));
    }
    assert!(
        everything.contains("TRACE") || everything.contains("DEBUG"),
        "{everything}"
    );
    assert!(everything.contains("retrying"), "{everything}");
    assert!(everything.contains("api_key=***"), "{everything}");
    for secret in [API_KEY, SESSION_KEY, cloud_token.as_str()] {
        assert!(
            !everything.contains(secret),
            "a credential shows in the output: {everything}"
        );
    }
}
