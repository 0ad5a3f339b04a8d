//! The client against the emulated Centrifugo server and the negotiation endpoint.

use std::time::Duration;

use kick_ws::{ChannelRef, KickEvent, Transport, TransportKind};
use live_testkit::kick::Offer;

use crate::support::*;

fn transport_of(event: &KickEvent) -> Option<TransportKind> {
    match event {
        KickEvent::Connected(l) => l.transport,
        _ => None,
    }
}

#[tokio::test(start_paused = true)]
async fn auto_uses_the_offered_centrifugo_with_origin_and_token() {
    let (emulator, channel) = emulator().await;
    let mut client = builder(&emulator, Transport::Auto).build().unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    let up = connected(&mut client).await;
    assert_eq!(transport_of(&up), Some(TransportKind::Centrifugo));
    assert_eq!(emulator.pusher_server().connection_count(), 0);
    let handshake = &emulator.centrifugo_server().connections()[0].request;
    assert_eq!(handshake.header("origin"), Some("https://kick.com"));
    let negotiation = emulator
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/chat/connection"))
        .unwrap();
    assert_eq!(
        negotiation.path,
        format!(
            "/api/v1/realtime/channels/{}/chat/connection",
            channel.channel_id
        ),
        "negotiation names the channel id, not the chatroom id"
    );
    for alias in channel.aliases() {
        emulator.wait_for_subscribed(&alias).await;
    }
    emulator.publish(
        &channel.chat_channel(),
        CHAT,
        &chat("c-1", "over centrifugo"),
    );
    // Two publications in one frame, a line each.
    let (a, b) = (chat("c-2", "first of two"), chat("c-3", "second of two"));
    emulator.publish_batch_centrifugo(&[
        (channel.chat_channel().as_str(), CHAT, a.as_str()),
        (channel.chat_channel().as_str(), CHAT, b.as_str()),
    ]);
    let events = drain(&mut client, Duration::from_secs(1)).await;
    assert_eq!(
        chats(&events),
        ["over centrifugo", "first of two", "second of two"]
    );
    client.close().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn answers_server_pings_refreshes_the_token_and_detects_silence() {
    let (emulator, channel) = emulator().await;
    emulator.set_centrifugo_timing(25, 120);
    let mut client = builder(&emulator, Transport::Centrifugo).build().unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    connected(&mut client).await;
    // Pings every 25 s are answered; the token (ttl 120 s) is refreshed before it expires.
    tokio::time::sleep(Duration::from_secs(200)).await;
    assert!(
        emulator.client_pings() >= 7,
        "pongs: {}",
        emulator.client_pings()
    );
    let refreshes = emulator
        .centrifugo_server()
        .connections()
        .into_iter()
        .flat_map(|c| c.received)
        .filter(|m| m.json().is_some_and(|v| v.get("refresh").is_some()))
        .count();
    assert!(refreshes >= 1, "no refresh within 200 s of a 120 s token");
    assert_eq!(emulator.centrifugo_server().connection_count(), 1);
    // The server goes quiet: after ping + 10 s the client reconnects.
    emulator.set_silent(true);
    let event = next_where(&mut client, "reconnecting", |e| {
        matches!(e, KickEvent::Reconnecting(_))
    })
    .await;
    let KickEvent::Reconnecting(lifecycle) = event else {
        unreachable!()
    };
    assert_eq!(lifecycle.reason.as_deref(), Some("the server went silent"));
    emulator.set_silent(false);
    connected(&mut client).await;
    assert!(emulator.subscribe_count(&channel.chat_channel()) >= 2);
    client.close().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn unsubscribe_codes_and_disconnects_are_obeyed() {
    let (emulator, channel) = emulator().await;
    let mut client = builder(&emulator, Transport::Auto).build().unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    connected(&mut client).await;
    emulator
        .wait_for_subscribes(&channel.chat_channel(), 1)
        .await;
    // 2500–2999: subscribe again.
    emulator.centrifugo_unsubscribe(&channel.chat_channel(), 2500);
    emulator
        .wait_for_subscribes(&channel.chat_channel(), 2)
        .await;
    // Another code: the room is told.
    emulator.centrifugo_unsubscribe(&format!("chatroom_{}", channel.chatroom_id), 3000);
    let error = next_where(&mut client, "error", |e| matches!(e, KickEvent::Error(_))).await;
    assert_eq!(error.room(), Some("streamer"));
    // A terminal disconnect code: `auto` falls back to Pusher.
    emulator.centrifugo_disconnect(3501, "bad request");
    let event = next_where(&mut client, "reconnecting", |e| {
        matches!(e, KickEvent::Reconnecting(_))
    })
    .await;
    let KickEvent::Reconnecting(lifecycle) = event else {
        unreachable!()
    };
    assert_eq!(lifecycle.code, Some(3501));
    let up = connected(&mut client).await;
    assert_eq!(transport_of(&up), Some(TransportKind::Pusher));
    emulator.publish(&channel.chat_channel(), CHAT, &chat("p-1", "on pusher now"));
    let chat = next_where(&mut client, "chat", |e| {
        matches!(e, KickEvent::ChatMessage(_))
    })
    .await;
    assert!(matches!(chat, KickEvent::ChatMessage(m) if m.data.content == "on pusher now"));
    client.close().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn auto_falls_back_to_pusher_when_negotiation_fails_or_offers_pusher() {
    for offer in [Offer::Fail, Offer::Pusher] {
        let (emulator, channel) = emulator().await;
        emulator.set_offer(offer);
        let mut client = builder(&emulator, Transport::Auto).build().unwrap();
        client.watch(ChannelRef::slug("streamer")).await.unwrap();
        let up = connected(&mut client).await;
        assert_eq!(transport_of(&up), Some(TransportKind::Pusher), "{offer:?}");
        emulator.publish(&channel.chat_channel(), CHAT, &chat("x", "fallback"));
        next_where(&mut client, "chat", |e| {
            matches!(e, KickEvent::ChatMessage(_))
        })
        .await;
        client.close().await.unwrap();
    }
}

#[tokio::test(start_paused = true)]
async fn centrifugo_only_retries_when_nothing_is_offered() {
    let (emulator, _) = emulator().await;
    emulator.set_offer(Offer::Pusher);
    let mut client = builder(&emulator, Transport::Centrifugo).build().unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    let error = next_where(&mut client, "error", |e| matches!(e, KickEvent::Error(_))).await;
    assert!(
        matches!(error, KickEvent::Error(ref e) if e.message.contains("no Centrifugo")),
        "{error:?}"
    );
    next_where(&mut client, "reconnecting", |e| {
        matches!(e, KickEvent::Reconnecting(_))
    })
    .await;
    emulator.set_offer(Offer::Both);
    let up = connected(&mut client).await;
    assert_eq!(transport_of(&up), Some(TransportKind::Centrifugo));
    client.close().await.unwrap();
}
