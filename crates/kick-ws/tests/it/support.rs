//! Shared helpers: an emulator with one channel, a client pointed at it, event waits.

use std::time::Duration;

use kick_ws::{KickClient, KickClientBuilder, KickEvent, Transport};
use live_testkit::kick::{EmuChannel, KickEmulator};
use serde_json::json;

pub async fn emulator() -> (KickEmulator, EmuChannel) {
    let emulator = KickEmulator::start().await.unwrap();
    let channel = EmuChannel::live("streamer", 1_000);
    emulator.add_channel(channel.clone());
    (emulator, channel)
}

pub fn builder(emulator: &KickEmulator, transport: Transport) -> KickClientBuilder {
    KickClient::builder()
        .api_url(emulator.api_url())
        .web_url(emulator.web_url())
        .pusher_url(emulator.pusher_url())
        .transport(transport)
        .viewer_poll_interval(None)
}

/// The next event that `pick` accepts, skipping others; panics after 10 minutes (tokio time).
pub async fn next_where(
    client: &mut KickClient,
    what: &str,
    pick: impl Fn(&KickEvent) -> bool,
) -> KickEvent {
    let found = tokio::time::timeout(Duration::from_secs(600), async {
        loop {
            match client.next_event().await {
                Some(event) if pick(&event) => return event,
                Some(_) => {}
                None => panic!("the stream ended while waiting for {what}"),
            }
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("no {what} within 10 minutes"))
}

/// Every event until the stream is quiet for `quiet` (tokio time).
pub async fn drain(client: &mut KickClient, quiet: Duration) -> Vec<KickEvent> {
    let mut events = Vec::new();
    while let Ok(Some(event)) = tokio::time::timeout(quiet, client.next_event()).await {
        events.push(event);
    }
    events
}

pub async fn connected(client: &mut KickClient) -> KickEvent {
    next_where(client, "connected", |e| {
        matches!(e, KickEvent::Connected(_))
    })
    .await
}

pub fn chat(id: &str, text: &str) -> String {
    json!({
        "id": id,
        "chatroom_id": 1000,
        "content": text,
        "type": "message",
        "created_at": "2026-11-23T18:05:00+00:00",
        "sender": {"id": 346148, "username": "NightOwl_42", "slug": "nightowl-42", "identity": {"color": "#FF9D00", "badges": []}},
        "metadata": null,
    })
    .to_string()
}

pub const CHAT: &str = "App\\Events\\ChatMessageEvent";

pub fn chats(events: &[KickEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            KickEvent::ChatMessage(m) => Some(m.data.content.clone()),
            _ => None,
        })
        .collect()
}
