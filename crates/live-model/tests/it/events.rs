use live_model::event::{
    Ban, Chat, Gift, GiftedSubscriptions, Host, Lifecycle, Like, MessageDeleted, Other, Pin, Poll,
    PollEnd, PollOption, RawPayload, ReplyTo, Subscription, Unban, Unpin, ViewerCount,
};
use live_model::{EventKind, LiveEvent, Platform, Timestamp, User};
use serde_json::json;

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(ms)
}

fn alice() -> User {
    User::new("7310000000000000001", "alice_01").with_display_name("Alice ✨")
}

/// One event of every kind, as a user of the library would build them.
fn every_kind() -> Vec<LiveEvent> {
    let kick = |kind: EventKind| LiveEvent::new(Platform::Kick, "xqc", at(1_730_038_312_000), kind);
    let tiktok =
        |kind: EventKind| LiveEvent::new(Platform::TikTok, "alice_01", at(1_730_038_312_345), kind);
    let bob = User::new("44065611", "bob");
    vec![
        kick(Chat::new("hi [emote:37226:KEKW]").into())
            .with_id("579f6afc-88ea-45fc-8dfd-1336e29ecb8b")
            .with_user(User::new("346148", "User")),
        kick(
            Chat::new("test2")
                .with_reply_to(ReplyTo::new("579f6afc", "test", bob.clone()))
                .into(),
        )
        .with_id("a1")
        .with_user(User::new("346149", "User2")),
        tiktok(Gift::new("5655", "Rose", 7u64, 7u64).into())
            .with_id("7430000000000000123")
            .with_user(alice()),
        kick(Gift::new("rage_quit", "Rage Quit", 1u64, 100u64).into()).with_user(bob.clone()),
        tiktok(Like::new(15u64, 519_000u64).into()).with_user(alice()),
        tiktok(EventKind::Join).with_user(alice()),
        tiktok(EventKind::Follow).with_user(alice()),
        tiktok(EventKind::Share).with_user(alice()),
        kick(Subscription::new(12u32).into()).with_user(User::new("0", "user")),
        kick(GiftedSubscriptions::new(2u32, vec!["user1".to_owned(), "user2".to_owned()]).into())
            .with_user(User::new("0", "gifter")),
        tiktok(ViewerCount::new(1234u64).into()),
        kick(MessageDeleted::new("579f6afc").into()).with_id("d1"),
        kick(Pin::new("579f6afc", "pinned text").into()).with_user(bob.clone()),
        kick(Unpin::new(Some("579f6afc".to_owned())).into()),
        kick(Unpin::new(None).into()),
        kick(
            Poll::new(
                "What do you prefer?",
                vec![
                    PollOption::new("javascript", 0u64),
                    PollOption::new("typescript", 1u64),
                ],
            )
            .into(),
        ),
        kick(PollEnd::new(Some("What do you prefer?".to_owned())).into()),
        kick(Ban::permanent(User::new("2", "User2")).into()).with_user(bob.clone()),
        kick(Ban::timeout(User::new("2", "User2"), 86_400).into()).with_user(bob.clone()),
        kick(Unban::new(User::new("2", "User2")).into()).with_user(bob.clone()),
        kick(EventKind::StreamStart),
        tiktok(EventKind::StreamEnd),
        kick(Host::new(77u64).into()).with_user(User::new("0", "raider")),
        kick(EventKind::ChatCleared),
        kick(EventKind::Connected(Lifecycle::new())),
        tiktok(EventKind::Disconnected(Lifecycle::because("stream ended"))),
        kick(EventKind::Reconnecting(
            Lifecycle::because("close 4200").with_retry(2, 1500),
        )),
        kick(Other::new("App\\Events\\NewThing", RawPayload::Json(json!({"a": 1}))).into())
            .with_raw(json!({"a": 1})),
    ]
}

#[test]
fn every_kind_serialises_to_its_ndjson_line() {
    let lines: Vec<String> = every_kind().iter().map(LiveEvent::to_json_line).collect();
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn every_line_reads_back_to_the_same_event() {
    for event in every_kind() {
        let line = event.to_json_line();
        let back = LiveEvent::from_json_line(&line).unwrap();
        // The payload of an untyped event is not on the line (it is in `raw` when asked for).
        if let EventKind::Other(other) = &event.kind {
            assert_eq!(back.kind.as_str(), "other");
            let EventKind::Other(back_other) = &back.kind else {
                panic!("{line}")
            };
            assert_eq!(back_other.name(), other.name());
            continue;
        }
        assert_eq!(back, event, "{line}");
    }
}

#[test]
fn line_has_the_contract_fields() {
    for event in every_kind() {
        let value: serde_json::Value = serde_json::from_str(&event.to_json_line()).unwrap();
        let object = value.as_object().unwrap();
        for key in ["platform", "room", "kind", "time"] {
            assert!(object.contains_key(key), "{key} missing in {value}");
        }
        assert_eq!(object["kind"], event.kind.as_str());
        if let Some(user) = object.get("user") {
            assert!(user["id"].is_string() && user["name"].is_string());
            assert!(user.as_object().unwrap().contains_key("display_name"));
        }
        if let Some(id) = object.get("id") {
            assert!(id.is_string());
        }
    }
}

#[test]
fn lifecycle_kinds_are_flagged() {
    let lifecycle: Vec<&str> = every_kind()
        .iter()
        .filter(|e| e.is_lifecycle())
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(lifecycle, ["connected", "disconnected", "reconnecting"]);
}

#[test]
fn binary_payload_becomes_base64() {
    let raw = RawPayload::Bytes(vec![0x1f, 0x8b, 0x08]);
    assert_eq!(raw.to_json(), json!("H4sI"));
}
