//! Every Tencent fixture round-trips through its generated model, and the model reads the
//! values a client needs.

use live_model::lenient::StringOrNumber;
use live_testkit::fixtures::{assert_round_trip, fixture_files, fixture_path};
use tencent_live::generated::create_room_response::CreateRoomResponse;
use tencent_live::generated::destroy_room_response::DestroyRoomResponse;
use tencent_live::generated::envelope::Envelope;
use tencent_live::generated::get_banned_member_list_response::GetBannedMemberListResponse;
use tencent_live::generated::get_muted_member_list_response::GetMutedMemberListResponse;
use tencent_live::generated::get_robot_response::GetRobotResponse;
use tencent_live::generated::get_room_info_response::GetRoomInfoResponse;
use tencent_live::generated::get_room_list_request::GetRoomListRequest;
use tencent_live::generated::get_room_list_response::GetRoomListResponse;
use tencent_live::generated::get_room_metadata_response::GetRoomMetadataResponse;
use tencent_live::generated::get_room_stats_response::GetRoomStatsResponse;
use tencent_live::generated::get_seat_list_response::GetSeatListResponse;

#[test]
fn get_room_list_requests_round_trip() {
    let first = assert_round_trip::<GetRoomListRequest>(&fixture_path(
        "tencent/get_room_list.request.json",
    ));
    assert_eq!((first.next.as_str(), first.count), ("", 20));
    let next = assert_round_trip::<GetRoomListRequest>(&fixture_path(
        "tencent/get_room_list.request.next_page.json",
    ));
    assert!(!next.next.is_empty());
}

#[test]
fn a_full_page_round_trips() {
    let page = assert_round_trip::<GetRoomListResponse>(&fixture_path(
        "tencent/get_room_list.response.json",
    ));
    assert_eq!(page.action_status, "OK");
    let response = page.response.unwrap();
    assert_eq!(response.room_list.len(), 20);
    assert!(!response.next.is_empty());
    let views: Vec<i64> = response.room_list.iter().map(|r| r.view_count).collect();
    assert!(
        views.windows(2).all(|w| w[0] >= w[1]),
        "not sorted by ViewCount: {views:?}"
    );
    assert_eq!(response.room_list[0].owner_account.as_str(), "mia_sings");
}

#[test]
fn the_last_page_round_trips() {
    let page = assert_round_trip::<GetRoomListResponse>(&fixture_path(
        "tencent/get_room_list.response.last_page.json",
    ));
    let response = page.response.unwrap();
    assert_eq!(response.next, "");
    assert!(response.room_list.iter().any(|r| r.category.is_empty()));
}

#[test]
fn an_error_reply_round_trips_without_a_response() {
    let reply = assert_round_trip::<GetRoomListResponse>(&fixture_path(
        "tencent/get_room_list.response.error.json",
    ));
    assert_eq!(
        (reply.action_status.as_str(), reply.error_code),
        ("FAIL", 100_002)
    );
    assert!(reply.response.is_none());
    // An absent `Response` stays absent: it is not serialised as `null`.
    assert!(
        serde_json::to_value(&reply)
            .unwrap()
            .get("Response")
            .is_none()
    );
}

#[test]
fn room_info_reads_loosely_typed_fields_in_either_form() {
    let numeric = assert_round_trip::<GetRoomInfoResponse>(&fixture_path(
        "tencent/get_room_info.response.json",
    ));
    let info = &numeric.response.room_info;
    assert_eq!(info.owner_account.as_i64(), Some(144_115_212_826_585_463));
    assert_eq!(info.take_seat_mode.as_i64(), Some(1));
    let textual = assert_round_trip::<GetRoomInfoResponse>(&fixture_path(
        "tencent/get_room_info.response.apply_to_take.json",
    ));
    let info = &textual.response.room_info;
    assert_eq!(info.owner_account, StringOrNumber::from("studybuddy_ken"));
    assert_eq!(info.take_seat_mode.as_str(), "ApplyToTake");
}

#[test]
fn create_room_replies_round_trip_with_and_without_a_payload() {
    let created =
        assert_round_trip::<CreateRoomResponse>(&fixture_path("tencent/create_room.response.json"));
    assert_eq!(created.response.unwrap().room_id, "live_7f3a9c21d4");
    let exists = assert_round_trip::<CreateRoomResponse>(&fixture_path(
        "tencent/create_room.response.already_exists.json",
    ));
    assert_eq!(exists.error_code, 100_010);
    assert!(exists.response.is_none());
}

#[test]
fn destroy_room_replies_round_trip_in_both_revisions() {
    let newest = assert_round_trip::<DestroyRoomResponse>(&fixture_path(
        "tencent/destroy_room.response.json",
    ));
    let statistic = newest.response.unwrap().statistic;
    assert_eq!(
        (statistic.total_viewers, statistic.total_likes_received),
        (18_342, 52_110)
    );
    let legacy = assert_round_trip::<DestroyRoomResponse>(&fixture_path(
        "tencent/destroy_room.response.legacy.json",
    ));
    assert!(legacy.response.is_none());
}

#[test]
fn stats_metadata_members_robots_and_seats_round_trip() {
    let stats = assert_round_trip::<GetRoomStatsResponse>(&fixture_path(
        "tencent/get_room_stats.response.json",
    ));
    assert_eq!(stats.response.total_msg_count, 450);

    let metadata = assert_round_trip::<GetRoomMetadataResponse>(&fixture_path(
        "tencent/get_room_metadata.response.json",
    ));
    assert_eq!(metadata.response.metadata[0].key, "pinned_notice");
    let empty = assert_round_trip::<GetRoomMetadataResponse>(&fixture_path(
        "tencent/get_room_metadata.response.empty.json",
    ));
    assert!(empty.response.metadata.is_empty());

    let banned = assert_round_trip::<GetBannedMemberListResponse>(&fixture_path(
        "tencent/get_banned_member_list.response.json",
    ));
    assert_eq!(banned.response.next_offset, 2);
    assert_eq!(banned.response.banned_account_list.len(), 2);
    let last = assert_round_trip::<GetBannedMemberListResponse>(&fixture_path(
        "tencent/get_banned_member_list.response.last_page.json",
    ));
    assert_eq!(last.response.next_offset, 0);
    // A ban "forever" is the largest u32: it must not overflow.
    assert_eq!(
        last.response.banned_account_list[0].banned_until,
        4_294_967_295
    );

    let muted = assert_round_trip::<GetMutedMemberListResponse>(&fixture_path(
        "tencent/get_muted_member_list.response.json",
    ));
    assert_eq!(
        muted.response.muted_account_list[1].member_account,
        "caps_lock_carl"
    );

    let robots =
        assert_round_trip::<GetRobotResponse>(&fixture_path("tencent/get_robot.response.json"));
    assert_eq!(
        robots.response.robot_list_account,
        ["robot_greeter", "robot_dj"]
    );

    let seats = assert_round_trip::<GetSeatListResponse>(&fixture_path(
        "tencent/get_seat_list.response.json",
    ));
    let seats = &seats.response.seat_list;
    assert_eq!(seats[0].member_account.as_deref(), Some("mia_sings"));
    assert!(seats[2].member_account.is_none() && seats[2].is_taken_disabled);
}

#[test]
fn envelopes_round_trip_success_and_failures() {
    let ok = assert_round_trip::<Envelope>(&fixture_path("tencent/envelope.response.json"));
    assert_eq!((ok.action_status.as_str(), ok.error_code), ("OK", 0));
    let expired = assert_round_trip::<Envelope>(&fixture_path(
        "tencent/envelope.response.usersig_expired.json",
    ));
    assert_eq!(expired.error_code, 70_001);
    let limited =
        assert_round_trip::<Envelope>(&fixture_path("tencent/envelope.response.rate_limited.json"));
    assert_eq!(limited.error_code, 60_007);
}

#[test]
fn every_tencent_fixture_has_a_round_trip_test() {
    assert_eq!(
        fixture_files("tencent"),
        [
            "create_room.response.already_exists.json",
            "create_room.response.json",
            "destroy_room.response.json",
            "destroy_room.response.legacy.json",
            "envelope.response.json",
            "envelope.response.rate_limited.json",
            "envelope.response.usersig_expired.json",
            "get_banned_member_list.response.json",
            "get_banned_member_list.response.last_page.json",
            "get_muted_member_list.response.json",
            "get_robot.response.json",
            "get_room_info.response.apply_to_take.json",
            "get_room_info.response.json",
            "get_room_list.request.json",
            "get_room_list.request.next_page.json",
            "get_room_list.response.error.json",
            "get_room_list.response.json",
            "get_room_list.response.last_page.json",
            "get_room_metadata.response.empty.json",
            "get_room_metadata.response.json",
            "get_room_stats.response.json",
            "get_seat_list.response.json",
        ]
    );
}

/// Decodes `fixtures/tencent/<file>` into `T` and snapshots the typed value, so a review of
/// `tests/it/snapshots` shows exactly how each captured shape reads.
fn snapshot<T: serde::de::DeserializeOwned + std::fmt::Debug>(file: &str) {
    let text = std::fs::read_to_string(fixture_path(&format!("tencent/{file}"))).unwrap();
    let value: T = serde_json::from_str(&text).unwrap();
    insta::assert_debug_snapshot!(file.trim_end_matches(".json"), value);
}

#[test]
fn every_fixture_decodes_to_a_reviewed_snapshot() {
    for file in fixture_files("tencent") {
        match file.split('.').next().unwrap() {
            "create_room" => snapshot::<CreateRoomResponse>(&file),
            "destroy_room" => snapshot::<DestroyRoomResponse>(&file),
            "envelope" => snapshot::<Envelope>(&file),
            "get_banned_member_list" => snapshot::<GetBannedMemberListResponse>(&file),
            "get_muted_member_list" => snapshot::<GetMutedMemberListResponse>(&file),
            "get_robot" => snapshot::<GetRobotResponse>(&file),
            "get_room_info" => snapshot::<GetRoomInfoResponse>(&file),
            "get_room_list" if file.contains(".request") => snapshot::<GetRoomListRequest>(&file),
            "get_room_list" => snapshot::<GetRoomListResponse>(&file),
            "get_room_metadata" => snapshot::<GetRoomMetadataResponse>(&file),
            "get_room_stats" => snapshot::<GetRoomStatsResponse>(&file),
            "get_seat_list" => snapshot::<GetSeatListResponse>(&file),
            other => panic!("no model for fixture {file} ({other})"),
        }
    }
}
