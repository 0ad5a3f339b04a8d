//! Every Tencent fixture round-trips through its generated model, and the model reads the
//! values a client needs.

use live_model::lenient::StringOrNumber;
use live_testkit::fixtures::{assert_round_trip, fixture_files, fixture_path};
use tencent_live::generated::get_room_info_response::GetRoomInfoResponse;
use tencent_live::generated::get_room_list_request::GetRoomListRequest;
use tencent_live::generated::get_room_list_response::GetRoomListResponse;

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
fn every_tencent_fixture_has_a_round_trip_test() {
    assert_eq!(
        fixture_files("tencent"),
        [
            "get_room_info.response.apply_to_take.json",
            "get_room_info.response.json",
            "get_room_list.request.json",
            "get_room_list.request.next_page.json",
            "get_room_list.response.error.json",
            "get_room_list.response.json",
            "get_room_list.response.last_page.json",
        ]
    );
}
