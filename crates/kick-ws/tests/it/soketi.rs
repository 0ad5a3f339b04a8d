//! The real client against a real Pusher server: soketi (kick.md §7.1), with Kick events
//! published through its signed HTTP API (§2, §7.4), across a server restart.
//!
//! `cargo xtask test` installs soketi and exports its path as `LIVE_SOKETI_BIN`; without it
//! (and without the default install in `.tools/soketi`) this test fails, naming the command
//! that installs it.

use std::time::Duration;

use kick_ws::{ChannelRef, KickClient, KickEvent, Transport};
use live_testkit::kick::soketi::{Soketi, free_port};
use serde_json::json;

async fn publish(soketi: &Soketi, channels: &[&str], event: &str, data: &str) {
    let (status, body) = soketi.publish(channels, event, data).await;
    assert_eq!(status, 200, "soketi refused the publication: {body}");
}

async fn next_where(
    client: &mut KickClient,
    what: &str,
    pick: impl Fn(&KickEvent) -> bool,
) -> KickEvent {
    tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match client.next_event().await {
                Some(event) if pick(&event) => return event,
                Some(_) => {}
                None => panic!("the stream ended while waiting for {what}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {what} from soketi within 30 s"))
}

async fn collect(client: &mut KickClient, quiet: Duration) -> Vec<KickEvent> {
    let mut events = Vec::new();
    while let Ok(Some(event)) = tokio::time::timeout(quiet, client.next_event()).await {
        events.push(event);
    }
    events
}

fn chat(id: &str, text: &str) -> String {
    json!({"id": id, "chatroom_id": "123", "content": text, "type": "message",
        "created_at": "2026-11-23T18:05:00.000000Z",
        "sender": {"id": "346148", "username": "NightOwl_42", "slug": "nightowl-42", "identity": {"color": "#FF9D00", "badges": []}},
        "metadata": null}).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kick_events_through_a_real_pusher_server() {
    let port = free_port();
    let soketi = Soketi::start(port).await;
    let mut client = KickClient::builder()
        .pusher_url(soketi.ws_url())
        .api_url("http://127.0.0.1:9")
        .transport(Transport::Pusher)
        .viewer_poll_interval(None)
        .build()
        .unwrap();
    client
        .watch(ChannelRef::ids(123, 456).room("soketi-room"))
        .await
        .unwrap();
    next_where(&mut client, "connected", |e| {
        matches!(e, KickEvent::Connected(_))
    })
    .await;
    // Every alias confirmed (soketi sends subscription_succeeded without data).
    tokio::time::sleep(Duration::from_millis(500)).await;

    // One chat on two aliases in one publication, and again on the plain alias.
    soketi
        .publish(
            &["chatrooms.123.v2", "chatrooms.123"],
            "App\\Events\\ChatMessageEvent",
            &chat("s-1", "hello soketi"),
        )
        .await;
    soketi
        .publish(
            &["chatrooms.123"],
            "App\\Events\\ChatMessageEvent",
            &chat("s-1", "hello soketi"),
        )
        .await;
    publish(&soketi, &["chatroom_123"], "GiftedSubscriptionsEvent", &json!({"chatroom_id": 123, "gifted_usernames": ["a", "b"], "gifter_username": "BigSpender", "gifted_total": 2}).to_string()).await;
    publish(&soketi, &["channel_456"], "KicksGifted", &json!({"gift_transaction_id": "gt-s", "sender": {"id": 5, "username": "BigSpender"}, "gift": {"gift_id": "rage_quit", "name": "Rage Quit", "amount": "100"}}).to_string()).await;
    soketi
        .publish(
            &["chatrooms.123.v2"],
            "App\\Events\\PinnedMessageDeletedEvent",
            "[]",
        )
        .await;
    publish(&soketi, &["channel.456"], "App\\Events\\FollowersUpdated", &json!({"followersCount": 10, "channel_id": 456, "username": null, "created_at": 1_763_900_000, "followed": true}).to_string()).await;
    soketi
        .publish(
            &["chatrooms.123.v2"],
            "App\\Events\\SomethingNew",
            "{\"x\":1}",
        )
        .await;
    let events = collect(&mut client, Duration::from_secs(1)).await;
    let lines: Vec<serde_json::Value> = events
        .iter()
        .filter_map(KickEvent::to_live_event)
        .map(|e| serde_json::from_str(&e.to_json_line()).unwrap())
        .collect();
    let kinds: Vec<&str> = lines.iter().map(|l| l["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "chat",
            "gifted_subscriptions",
            "gift",
            "unpin",
            "follow",
            "other"
        ],
        "{events:#?}"
    );
    assert_eq!(lines[0]["text"], "hello soketi");
    assert_eq!(lines[0]["user"]["id"], "346148");
    assert_eq!(lines[1]["count"], 2);
    assert_eq!(lines[2]["gift"]["value"], 100);
    assert_eq!(lines[5]["name"], "App\\Events\\SomethingNew");

    // A restart of the server: the client comes back and subscribes everything again.
    soketi.stop();
    next_where(&mut client, "reconnecting", |e| {
        matches!(e, KickEvent::Reconnecting(_))
    })
    .await;
    let soketi = Soketi::start(port).await;
    next_where(&mut client, "connected again", |e| {
        matches!(e, KickEvent::Connected(_))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    soketi
        .publish(
            &["chatrooms.123.v2"],
            "App\\Events\\ChatMessageEvent",
            &chat("s-2", "after the restart"),
        )
        .await;
    publish(&soketi, &["channel_456"], "KicksGifted", &json!({"gift_transaction_id": "gt-t", "sender": {"id": 5, "username": "BigSpender"}, "gift": {"gift_id": "hype", "name": "Hype", "amount": 1}}).to_string()).await;
    let events = collect(&mut client, Duration::from_secs(1)).await;
    let kinds: Vec<&str> = events
        .iter()
        .filter_map(KickEvent::to_live_event)
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(kinds, ["chat", "gift"], "{events:#?}");
    client.close().await.unwrap();
    soketi.stop();
}
