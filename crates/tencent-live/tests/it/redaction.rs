//! The app key and every UserSig stay out of `Debug`, errors and logs, even at TRACE level and
//! through retries, renewals and failures.

use futures_util::TryStreamExt;
use live_testkit::tencent::{Fault, RoomSeed};
use tencent_live::{RoomListOptions, TencentClient};

use crate::{KEY, builder};

#[tokio::test(start_paused = true)]
async fn the_key_and_usersigs_never_reach_debug_errors_or_logs() {
    let capture = live_testkit::logs::LogCapture::start();

    let emulator = crate::emulator().await;
    emulator.seed_rooms(45);
    emulator.insert_room(RoomSeed::new("live_a", "mia"));
    let client = builder(&emulator).build().unwrap();
    emulator.fail_next("get_room_list", 1, 100_001);
    emulator.fail_next("get_room_list", 1, 70_001);
    emulator.inject("get_room_list", 1, Fault::Status(502));
    let rooms: Vec<_> = client
        .rooms(RoomListOptions::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rooms.len(), 46);
    let failure = client.room_info("live_missing").await.unwrap_err();
    emulator.inject("get_room_info", 4, Fault::Drop);
    let transport = client.room_info("live_a").await.unwrap_err();
    let wrong_key = TencentClient::builder(crate::SDKAPPID, "wrong-key-0123456789abcdef")
        .base_url(emulator.url())
        .build()
        .unwrap();
    let refused = wrong_key.room_info("live_a").await.unwrap_err();

    let usersigs: Vec<String> = emulator
        .server()
        .requests()
        .iter()
        .filter_map(|r| r.query_param("usersig"))
        .collect();
    assert!(usersigs.len() > 5);
    let logs = capture.text();
    assert!(logs.contains("retrying"), "retries were not logged");
    assert!(logs.contains("UserSig"), "the renewal was not logged");
    assert!(logs.contains("usersig=***"), "URLs are not logged redacted");
    let shown = [
        logs,
        format!("{client:?} {wrong_key:?}"),
        format!("{failure} {failure:?}"),
        format!("{transport} {transport:?}"),
        format!("{refused} {refused:?}"),
        std::error::Error::source(&transport)
            .map(|s| s.to_string())
            .unwrap_or_default(),
        format!("{:?}", builder(&emulator)),
    ];
    for text in &shown {
        assert!(!text.contains(KEY), "the key leaked: {text}");
        assert!(
            !text.contains("wrong-key-0123456789abcdef"),
            "a key leaked: {text}"
        );
        for sig in &usersigs {
            assert!(!text.contains(sig.as_str()), "a UserSig leaked: {text}");
        }
    }
}
