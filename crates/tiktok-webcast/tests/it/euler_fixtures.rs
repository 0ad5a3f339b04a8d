//! The Euler Stream JSON fixtures decode through the client's models without losing a field,
//! and the accessors read them.

use live_testkit::fixtures::{fixture_files, fixture_path, json_differences, read_json};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tiktok_webcast::euler::{
    JsonResponse, RateLimits, RoomIdResponse, RoomInfoResponse, SignUrlResponse,
};

fn round_trip<T: DeserializeOwned + Serialize>(name: &str) -> T {
    let original = read_json(&fixture_path(&format!("euler/{name}")));
    let model: T = serde_json::from_value(original.clone()).unwrap();
    let back = serde_json::to_value(&model).unwrap();
    let lost: Vec<String> = json_differences(&original, &back)
        .into_iter()
        // `null` optional values are written back as absent.
        .filter(|d| !d.contains("null"))
        .collect();
    assert!(lost.is_empty(), "{name}: {lost:?}");
    insta::assert_json_snapshot!(format!("euler_{name}"), back);
    model
}

#[test]
fn euler_fixtures_round_trip() {
    let limits: RateLimits = round_trip("rate_limits.json");
    assert_eq!(limits.minute.unwrap().remaining, Some(57));
    let room: RoomIdResponse = round_trip("room_id.json");
    assert_eq!(room.room_id.as_deref(), Some("7531095702089370381"));
    let offline: RoomIdResponse =
        serde_json::from_value(read_json(&fixture_path("euler/room_id.offline.json"))).unwrap();
    assert_eq!(
        (offline.is_live, offline.room_id.as_deref()),
        (Some(false), Some("0"))
    );
    let info: RoomInfoResponse = round_trip("room_info.json");
    assert_eq!(info.room_id().as_deref(), Some("7531095702089370381"));
    assert_eq!(info.title(), Some("cozy morning stream"));
    let signed: SignUrlResponse = round_trip("sign_url.json");
    assert!(signed.signed_url().unwrap().contains("X-Bogus="));
    let chat: JsonResponse = round_trip("chat.json");
    assert_eq!(chat.data["msg_id"], "7531099999999999999");
    let error: JsonResponse = round_trip("error.rate_limited.json");
    assert_eq!(error.extra["limit_label"], "rate_limit_account_minute");
}

#[test]
fn every_euler_fixture_has_a_test() {
    assert_eq!(
        fixture_files("euler"),
        [
            "chat.json",
            "error.rate_limited.json",
            "rate_limits.json",
            "room_id.json",
            "room_id.offline.json",
            "room_info.json",
            "sign_url.json"
        ]
    );
}
