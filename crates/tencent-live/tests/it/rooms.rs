//! `get_room_list` as a stream: every room once, in order, across pages and faults; no page
//! more than a limit needs.

use std::collections::HashSet;
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use live_testkit::tencent::{Fault, RoomSeed};
use live_testkit::{HttpServer, Reply};
use serde_json::json;
use tencent_live::{Error, RoomListOptions, TencentClient};

use crate::{KEY, SDKAPPID, setup};

#[tokio::test(start_paused = true)]
async fn lists_every_room_once_most_viewed_first() {
    let (emulator, client) = setup().await;
    let mut ids = emulator.seed_rooms(47);
    // Ties on ViewCount are paged in a stable order too.
    for i in 0..4 {
        emulator.insert_room(RoomSeed::new(format!("live_tie_{i}"), "tie").view_count(500));
        ids.push(format!("live_tie_{i}"));
    }
    emulator.insert_room(
        RoomSeed::new("live_private", "mia")
            .public(false)
            .view_count(10_000),
    );
    let rooms: Vec<_> = client
        .rooms(RoomListOptions::new())
        .try_collect()
        .await
        .unwrap();
    let listed: Vec<&str> = rooms.iter().map(|r| r.room_id.as_str()).collect();
    let unique: HashSet<&str> = listed.iter().copied().collect();
    assert_eq!(listed.len(), 51);
    assert_eq!(unique, ids.iter().map(String::as_str).collect());
    assert!(rooms.windows(2).all(|w| w[0].view_count >= w[1].view_count));
    // 51 rooms at 20 a page: three pages, each with a cursor from the page before.
    let calls = emulator.calls_of("get_room_list");
    let bodies: Vec<_> = calls.iter().map(|c| c.body.clone().unwrap()).collect();
    assert_eq!(bodies.len(), 3);
    assert_eq!(bodies[0], json!({"Next": "", "Count": 20}));
    assert_ne!(bodies[1]["Next"], "");
    assert_ne!(bodies[1]["Next"], bodies[2]["Next"]);
    assert_eq!(rooms[0].owner(), "mia_sings");
}

#[tokio::test(start_paused = true)]
async fn pages_through_injected_faults_without_losing_or_repeating_a_room() {
    let (emulator, client) = setup().await;
    let ids = emulator.seed_rooms(95);
    // Faults on the first page, then on pages in the middle and the last one.
    emulator.fail_next("get_room_list", 1, 100_001);
    let mut stream = std::pin::pin!(client.rooms(RoomListOptions::new().count(20)));
    let mut seen = Vec::new();
    while let Some(room) = stream.next().await {
        seen.push(room.unwrap().room_id);
        match seen.len() {
            20 => emulator.fail_next("get_room_list", 2, 60_018),
            60 => emulator.fail_next("get_room_list", 1, 70_001),
            80 => emulator.inject("get_room_list", 1, Fault::Drop),
            _ => {}
        }
    }
    assert_eq!(seen.len(), 95);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 95);
    assert_eq!(
        seen.iter().cloned().collect::<HashSet<_>>(),
        ids.into_iter().collect()
    );
    let codes: Vec<i64> = emulator
        .calls_of("get_room_list")
        .iter()
        .map(|c| c.code)
        .collect();
    assert_eq!(codes, [100_001, 0, 60_018, 60_018, 0, 0, 70_001, 0, -1, 0]);
    assert!(emulator.max_calls_in_window("get_room_list", Duration::from_secs(1)) <= 10);
}

#[tokio::test(start_paused = true)]
async fn a_limit_fetches_no_page_it_does_not_need() {
    let (emulator, client) = setup().await;
    emulator.seed_rooms(100);
    let rooms: Vec<_> = client
        .rooms(RoomListOptions::new().count(20).limit(25))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rooms.len(), 25);
    let counts: Vec<u64> = emulator
        .calls_of("get_room_list")
        .iter()
        .map(|c| c.body.as_ref().unwrap()["Count"].as_u64().unwrap())
        .collect();
    // Two pages; the second asks only for the five still needed.
    assert_eq!(counts, [20, 5]);

    let exact: Vec<_> = client
        .rooms(RoomListOptions::new().limit(20))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(exact.len(), 20);
    assert_eq!(emulator.calls_of("get_room_list").len(), 3);
    let none: Vec<_> = client
        .rooms(RoomListOptions::new().limit(0))
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());
    assert_eq!(emulator.calls_of("get_room_list").len(), 3);
}

#[tokio::test(start_paused = true)]
async fn count_is_clamped_to_what_the_service_accepts() {
    let (emulator, client) = setup().await;
    emulator.seed_rooms(7);
    for (asked, sent) in [(0, 1), (3, 3), (20, 20), (500, 20)] {
        emulator.server().clear_requests();
        let rooms: Vec<_> = client
            .rooms(RoomListOptions::new().count(asked))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(rooms.len(), 7);
        let first = &emulator.server().requests()[0];
        assert_eq!(first.json().unwrap()["Count"], sent, "asked {asked}");
    }
    // An empty service: one call, no rooms.
    let (empty_service, empty) = setup().await;
    let rooms: Vec<_> = empty
        .rooms(RoomListOptions::new())
        .try_collect()
        .await
        .unwrap();
    assert!(rooms.is_empty());
    assert_eq!(empty_service.calls_of("get_room_list").len(), 1);
}

#[tokio::test(start_paused = true)]
async fn an_error_ends_the_stream_after_the_rooms_already_read() {
    let (emulator, client) = setup().await;
    emulator.seed_rooms(30);
    let mut stream = std::pin::pin!(client.rooms(RoomListOptions::new()));
    for _ in 0..20 {
        stream.next().await.unwrap().unwrap();
    }
    emulator.fail_next("get_room_list", 1, 100_002);
    let error = stream.next().await.unwrap().unwrap_err();
    assert_eq!(error.code(), Some(100_002));
    assert!(stream.next().await.is_none());
}

fn page(next: &str, ids: &[&str]) -> Reply {
    let rooms: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| json!({"RoomId": id, "RoomName": id, "Owner_Account": 144115212826585463u64, "ViewCount": 100 - i, "Category": [], "CreateTime": 1, "ActivityStatus": 1, "CoverURL": ""}))
        .collect();
    Reply::json(
        200,
        &json!({"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "Id-x", "Response": {"Next": next, "RoomList": rooms}}),
    )
}

#[tokio::test(start_paused = true)]
async fn repeated_rooms_are_yielded_once_and_a_stuck_cursor_is_an_error() {
    let server = HttpServer::start().await.unwrap();
    let path = "/v4/live_engine_http_srv/get_room_list";
    // View counts moved while paging: b comes again on the second page.
    server.script(
        "POST",
        path,
        [
            page("c1", &["a", "b"]),
            page("c2", &["b", "c"]),
            page("", &["d"]),
        ],
    );
    let client = TencentClient::builder(SDKAPPID, KEY)
        .base_url(server.url())
        .build()
        .unwrap();
    let ids: Vec<String> = client
        .rooms(RoomListOptions::new())
        .map_ok(|r| r.room_id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c", "d"]);

    // A numeric Owner_Account reads as text.
    let server = HttpServer::start().await.unwrap();
    server.script("POST", path, [page("same", &["a"]), page("same", &["b"])]);
    let client = TencentClient::builder(SDKAPPID, KEY)
        .base_url(server.url())
        .build()
        .unwrap();
    let results: Vec<_> = client.rooms(RoomListOptions::new()).collect().await;
    // The stuck page's rooms still come out, then the error, then nothing.
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().unwrap().owner(), "144115212826585463");
    assert_eq!(results[1].as_ref().unwrap().room_id, "b");
    assert!(
        matches!(&results[2], Err(Error::Protocol { command, .. }) if command == "get_room_list")
    );
    assert_eq!(server.requests().len(), 2);
}
