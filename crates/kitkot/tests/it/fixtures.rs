//! Every kitkot fixture round-trips through its generated model, and the model reads the
//! values a client needs.

use kitkot::generated::room::JoinResponse;
use live_testkit::fixtures::{assert_round_trip, fixture_files, fixture_path};

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
fn every_kitkot_fixture_has_a_round_trip_test() {
    assert_eq!(fixture_files("kitkot"), ["join.json", "send_message.json"]);
}
