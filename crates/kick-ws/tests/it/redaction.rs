//! The Centrifugo guest token and Kick's signed playback URLs never reach logs.

use kick_ws::{ChannelRef, KickEvent, Transport};

use crate::support::*;

#[tokio::test(start_paused = true)]
async fn tokens_and_playback_urls_stay_out_of_logs_and_events() {
    let capture = live_testkit::logs::LogCapture::start();
    let (emulator, _) = emulator().await;
    emulator.set_centrifugo_timing(25, 60);
    let mut client = builder(&emulator, Transport::Centrifugo)
        .include_raw(true)
        .build()
        .unwrap();
    let debug = format!("{client:?}");
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    connected(&mut client).await;
    // Let a refresh happen too.
    tokio::time::sleep(std::time::Duration::from_secs(120)).await;
    let events = drain(&mut client, std::time::Duration::from_millis(50)).await;
    client.close().await.unwrap();
    let logs = capture.text();
    assert!(
        logs.contains("kick.client"),
        "the capture saw nothing: {logs}"
    );
    for text in [&logs, &debug, &format!("{events:?}")] {
        assert!(
            !text.contains("eyJhbGciOiJIUzI1NiJ9.guest-"),
            "a token leaked: {text}"
        );
        assert!(!text.contains("token=SIGNED"), "a playback URL leaked");
    }
    assert!(
        !events.iter().any(|e| matches!(e, KickEvent::Error(_))),
        "{events:?}"
    );
}
