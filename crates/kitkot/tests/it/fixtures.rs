//! Every kitkot fixture round-trips through its model (generated for the room payload,
//! hand-written for the others) and is snapshotted; the error bodies are served to the real
//! client and become typed errors.

use kitkot::generated::room::JoinResponse;
use kitkot::{ChatPage, Error, KitkotClient, LeaveResponse, Room, RoomExists, Session};
use live_testkit::fixtures::{assert_round_trip, fixture_files, fixture_path, read_json};
use live_testkit::{HttpServer, Reply};

#[test]
fn join_round_trips() {
    let room = assert_round_trip::<JoinResponse>(&fixture_path("kitkot/join.json"));
    assert_eq!(room.code, 200);
    assert_eq!(room.room_id.as_str(), "7532218465099557662");
    // Ids keep the form they arrived in: a number here, a string in `id_str`.
    assert_eq!(room.owner.id.as_i64(), Some(7_089_254_113_840_563_206));
    assert_eq!(room.owner.id_str.as_str(), "7089254113840563206");
    assert_eq!(
        room.owner.own_room.room_ids,
        [live_model::lenient::StringOrNumber::from(
            7_532_218_465_099_557_662
        )]
    );
    assert_eq!(room.owner.avatar_thumb.url_list.len(), 3);
    let fans: Vec<_> = room
        .top_fans
        .iter()
        .map(|f| (f.fan_ticket, f.user.display_id.as_str()))
        .collect();
    assert_eq!(
        fans,
        [
            (1118, "martak_88"),
            (603, "doughboy_dan"),
            (389, "priya.eats")
        ]
    );
    assert!(room.stream_url.flv_pull_url["FULL_HD1"].starts_with("https://"));
    assert_eq!(room.stream_url.resolution_name["HD1"], "720p");
    assert_eq!(room.extra_field.digg_color, 15_754_271);
    assert!(
        room.extra.is_empty(),
        "unexpected unknown fields: {:?}",
        room.extra
    );
}

#[test]
fn send_message_round_trips() {
    let room = assert_round_trip::<JoinResponse>(&fixture_path("kitkot/send_message.json"));
    // `video_detail` is 0 in one sample and 0.03 in the other: one f64 field reads both.
    assert!((room.stats.user_count_composition.video_detail - 0.03).abs() < 1e-9);
}

#[test]
fn unknown_fields_survive_in_extra() {
    let json = r#"{"code": 200, "msg": "success", "brand_new": {"a": [1]}, "owner": {"nickname": "x", "is_new": true}}"#;
    let room: JoinResponse = serde_json::from_str(json).unwrap();
    assert_eq!(room.extra["brand_new"], serde_json::json!({"a": [1]}));
    assert_eq!(room.owner.extra["is_new"], true);
    let back: serde_json::Value = serde_json::to_value(&room).unwrap();
    assert_eq!(back["brand_new"], serde_json::json!({"a": [1]}));
    assert_eq!(back["owner"]["is_new"], true);
}

#[test]
fn the_room_reads_through_its_accessors() {
    let room =
        Room::from_json_slice(&std::fs::read(fixture_path("kitkot/join.json")).unwrap()).unwrap();
    insta::assert_json_snapshot!("join_summary", room.summary());
    let sent =
        Room::from_json_slice(&std::fs::read(fixture_path("kitkot/send_message.json")).unwrap())
            .unwrap();
    assert_eq!(sent.counts().like_count, 212);
    assert_eq!(sent.viewer_count(), 14);
}

#[test]
fn leave_round_trips() {
    let leave = assert_round_trip::<LeaveResponse>(&fixture_path("kitkot/leave.json"));
    assert_eq!((leave.code, leave.msg.as_str()), (200, "success"));
    assert!(leave.data.is_empty() && leave.extra.is_empty());
}

#[test]
fn room_exists_round_trips() {
    let answer = assert_round_trip::<RoomExists>(&fixture_path("kitkot/room_exists.json"));
    assert_eq!(answer.is_alive("7532218465099557662"), Some(true));
    assert_eq!(answer.is_alive("7531804739027651342"), Some(false));
    insta::assert_json_snapshot!("room_exists", answer);
}

#[test]
fn chat_pages_round_trip() {
    let first = assert_round_trip::<ChatPage>(&fixture_path("kitkot/chat.json"));
    let last = assert_round_trip::<ChatPage>(&fixture_path("kitkot/chat.last_page.json"));
    assert!(first.has_more && !last.has_more);
    assert_eq!(
        first.fetch_interval(),
        Some(std::time::Duration::from_secs(1))
    );
    assert_eq!(
        last.fetch_interval(),
        Some(std::time::Duration::from_millis(2500))
    );
    let cursor = first.next_cursor().unwrap();
    assert_eq!(cursor.cursor, "t-1753958225000_r-4_d-1_u-1_h-1");
    assert!(cursor.internal_ext.contains("next_offset:4"));
    // Each message as the unified event `live` prints; the emote has no text: `other`.
    let lines: Vec<serde_json::Value> = first
        .messages
        .iter()
        .chain(&last.messages)
        .map(|m| serde_json::from_str(&m.to_live_event("sunny.bakes").to_json_line()).unwrap())
        .collect();
    insta::assert_json_snapshot!("chat_events", lines);
}

#[test]
fn session_round_trips_except_its_credentials() {
    let path = fixture_path("kitkot/session.json");
    let session: Session = serde_json::from_value(read_json(&path)).unwrap();
    assert_eq!(
        session.session_key.as_ref().map(|k| k.expose()),
        Some("a3f1c9e07b5d2468f0e1d2c3b4a59687")
    );
    assert_eq!(session.user_id().as_deref(), Some("7342198765432109876"));
    let mut expected = read_json(&path);
    expected["session_key"] = "***".into();
    expected["cloud_token"] = "***".into();
    let written = serde_json::to_value(&session).unwrap();
    assert_eq!(
        live_testkit::fixtures::json_differences(&expected, &written),
        Vec::<String>::new()
    );
    insta::assert_json_snapshot!("session", written);
}

/// Serves a fixture with the HTTP status of its code to the real client.
async fn error_of(fixture: &str) -> Error {
    let body = std::fs::read(fixture_path(&format!("kitkot/{fixture}"))).unwrap();
    let code: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let status = u16::try_from(code["code"].as_u64().unwrap()).unwrap();
    let server = HttpServer::start().await.unwrap();
    server.script(
        "GET",
        "/api/live/join",
        [Reply::bytes(status, "application/json", body)],
    );
    let client = KitkotClient::builder()
        .base_url(format!("{}/api", server.url()))
        .api_key("k")
        .session_key("s")
        .build()
        .unwrap();
    let error = client.join("7532218465099557662").await.unwrap_err();
    assert_eq!(server.requests().len(), 1, "{fixture} was retried");
    error
}

#[tokio::test]
async fn documented_error_bodies_become_typed_errors() {
    let mut shown = Vec::new();
    for fixture in [
        "error.room_not_found.json",
        "error.too_many_attempts.json",
        "error.failed_login_2step.json",
        "error.incorrect_username_password.json",
        "error.incorrect_email.json",
    ] {
        let error = error_of(fixture).await;
        let kind = match &error {
            Error::RoomNotFound { .. } => "RoomNotFound",
            Error::TooManyAttempts { .. } => "TooManyAttempts",
            Error::Unauthorized { .. } => "Unauthorized",
            other => panic!("{fixture}: {other:?}"),
        };
        shown.push(format!("{fixture}: {kind}: {error}"));
    }
    insta::assert_snapshot!("error_bodies", shown.join("\n"));
}

#[test]
fn every_kitkot_fixture_has_a_round_trip_test() {
    assert_eq!(
        fixture_files("kitkot"),
        [
            "chat.json",
            "chat.last_page.json",
            "error.failed_login_2step.json",
            "error.incorrect_email.json",
            "error.incorrect_username_password.json",
            "error.room_not_found.json",
            "error.too_many_attempts.json",
            "join.json",
            "leave.json",
            "room_exists.json",
            "send_message.json",
            "session.json",
        ]
    );
}
