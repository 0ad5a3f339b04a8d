//! `live demo`: both emulated platforms play, every kind the issue names shows up, and the run
//! ends by itself after both streams ended.

use serde_json::Value;

use crate::{live, stderr, stdout};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_shows_both_platforms_and_ends_by_itself() {
    let output = live(&["demo", "--json"], &[("LIVE_DEMO_SPEED", "10")]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let has = |platform: &str, kind: &str| {
        lines
            .iter()
            .any(|l| l["platform"] == platform && l["kind"] == kind)
    };
    for kind in [
        "chat",
        "gift",
        "viewer_count",
        "stream_end",
        "connected",
        "disconnected",
    ] {
        for platform in ["kick", "tiktok"] {
            assert!(has(platform, kind), "no {platform} {kind}");
        }
    }
    for kind in ["like", "join", "follow", "share", "subscription"] {
        assert!(has("tiktok", kind), "no tiktok {kind}");
    }
    for kind in [
        "host",
        "gifted_subscriptions",
        "ban",
        "unban",
        "pin",
        "poll",
        "message_deleted",
    ] {
        assert!(has("kick", kind), "no kick {kind}");
    }
    let languages = ["こんばんは", "안녕하세요", "¡Hola", "नमस्ते", "مرحبا"];
    for word in languages {
        assert!(stdout(&output).contains(word), "no chat containing {word}");
    }
    // The last line of each room is its disconnection.
    for platform in ["kick", "tiktok"] {
        let last = lines
            .iter()
            .rev()
            .find(|l| l["platform"] == platform)
            .unwrap();
        assert_eq!(last["kind"], "disconnected", "{platform}");
    }
    assert!(stderr(&output).contains("no network or credentials"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_obeys_limit_and_bad_speeds_are_usage_errors() {
    let output = live(
        &["demo", "--json", "--limit", "5"],
        &[("LIVE_DEMO_SPEED", "10")],
    )
    .await;
    assert!(output.status.success(), "{}", stderr(&output));
    let counted = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|l| {
            !["connected", "disconnected", "reconnecting"].contains(&l["kind"].as_str().unwrap())
        })
        .count();
    assert_eq!(counted, 5);
    let output = live(&["demo"], &[("LIVE_DEMO_SPEED", "fast")]).await;
    assert_eq!(output.status.code(), Some(2));
}
