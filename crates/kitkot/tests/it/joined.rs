//! The joined-room handle: leave, leave again, a failed leave, drop without leaving, detach.

use kitkot::Error;
use live_testkit::kitkot::{DEMO_ROOM_ID, Endpoint, Fault, KitkotEmulator, SESSION_KEY};

use crate::client;

#[tokio::test]
async fn leave_leaves_once() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    let client = client(&kitkot).build().unwrap();
    let mut room = client.join(DEMO_ROOM_ID).await.unwrap();
    assert!(room.is_joined());
    assert!(kitkot.is_joined(DEMO_ROOM_ID, SESSION_KEY));
    room.leave().await.unwrap();
    assert!(!room.is_joined());
    assert!(!kitkot.is_joined(DEMO_ROOM_ID, SESSION_KEY));
    // Leaving again sends nothing.
    room.leave().await.unwrap();
    assert_eq!(kitkot.requests_to(Endpoint::Leave).len(), 1);
}

#[tokio::test]
async fn a_failed_leave_keeps_the_handle_joined_for_another_try() {
    let kitkot = KitkotEmulator::start().await.unwrap();
    kitkot.inject(Endpoint::Leave, Fault::TooManyAttempts);
    let client = client(&kitkot).build().unwrap();
    let mut room = client.join(DEMO_ROOM_ID).await.unwrap();
    let error = room.leave().await.unwrap_err();
    assert!(matches!(error, Error::TooManyAttempts { .. }), "{error:?}");
    assert!(room.is_joined());
    room.leave().await.unwrap();
    assert!(!kitkot.is_joined(DEMO_ROOM_ID, SESSION_KEY));
}

#[tokio::test]
async fn dropping_without_leaving_warns_and_stays_in_the_room() {
    let capture = live_testkit::logs::LogCapture::start();
    let kitkot = KitkotEmulator::start().await.unwrap();
    let client = client(&kitkot).build().unwrap();
    let room = client.join(DEMO_ROOM_ID).await.unwrap();
    drop(room);
    let logs = capture.text();
    let warning = logs
        .lines()
        .find(|l| l.contains("WARN") && l.contains("without leave()"))
        .unwrap_or_else(|| panic!("no warning in: {logs}"));
    assert!(warning.contains(DEMO_ROOM_ID), "{warning}");
    // Nothing was sent: the viewer is still in the room.
    tokio::task::yield_now().await;
    assert!(kitkot.requests_to(Endpoint::Leave).is_empty());
    assert!(kitkot.is_joined(DEMO_ROOM_ID, SESSION_KEY));
}

#[tokio::test]
async fn detach_and_a_left_room_drop_quietly() {
    let capture = live_testkit::logs::LogCapture::start();
    let kitkot = KitkotEmulator::start().await.unwrap();
    let client = client(&kitkot).build().unwrap();
    let room = client.join(DEMO_ROOM_ID).await.unwrap().detach();
    assert_eq!(room.id().as_deref(), Some(DEMO_ROOM_ID));
    assert!(kitkot.is_joined(DEMO_ROOM_ID, SESSION_KEY));
    let mut joined = client.join(DEMO_ROOM_ID).await.unwrap();
    joined.leave().await.unwrap();
    drop(joined);
    assert!(!capture.text().contains("WARN"), "{}", capture.text());
}
