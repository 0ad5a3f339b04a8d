//! The Centrifugo guest token and Kick's signed playback URLs never reach logs.

use std::io::Write;
use std::sync::{Arc, Mutex};

use kick_ws::{ChannelRef, KickEvent, Transport};
use tracing_subscriber::fmt::MakeWriter;

use crate::support::*;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

#[tokio::test(start_paused = true)]
async fn tokens_and_playback_urls_stay_out_of_logs_and_events() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
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
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
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
