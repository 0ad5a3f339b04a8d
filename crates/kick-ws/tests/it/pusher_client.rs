//! The client against the emulated Pusher server: subscriptions, de-duplication, keep-alive,
//! close codes, reconnects, faults.

use std::time::Duration;

use kick_ws::{ChannelRef, Error, KickEvent, Transport};
use live_testkit::kick::EmuChannel;
use live_testkit::ws::WsMessage;
use serde_json::{Value, json};

use crate::support::*;

fn client_messages(emulator: &live_testkit::kick::KickEmulator) -> Vec<Value> {
    emulator
        .pusher_server()
        .connections()
        .into_iter()
        .flat_map(|c| c.received)
        .filter_map(|m| m.json())
        .collect()
}

#[tokio::test(start_paused = true)]
async fn watches_by_slug_subscribes_five_aliases_and_drops_copies() {
    let (emulator, channel) = emulator().await;
    let mut client = builder(&emulator, Transport::Pusher).build().unwrap();
    assert_eq!(
        client.watch(ChannelRef::slug("streamer")).await.unwrap(),
        "streamer"
    );
    let first = client.next_event().await.unwrap();
    let KickEvent::ViewerCount(viewers) = first else {
        panic!("the lookup's viewer count comes first, got {first:?}");
    };
    assert_eq!(viewers.viewers, 1200);
    connected(&mut client).await;
    for alias in channel.aliases() {
        emulator.wait_for_subscribed(&alias).await;
    }
    let subscribes: Vec<Value> = client_messages(&emulator)
        .into_iter()
        .filter(|m| m["event"] == "pusher:subscribe")
        .collect();
    assert_eq!(subscribes.len(), 5);
    for s in &subscribes {
        assert!(s["data"].is_object(), "data must be an object: {s}");
    }

    // The same message on two aliases, a host under both names, a subscription twice.
    let data = chat("m-1", "hello");
    emulator.publish(&channel.chat_channel(), CHAT, &data);
    emulator.publish(&format!("chatrooms.{}", channel.chatroom_id), CHAT, &data);
    emulator.publish(
        &channel.chat_channel(),
        "App\\Events\\StreamHostEvent",
        &json!({"chatroom_id": 1000, "optional_message": "hi", "number_viewers": 40, "host_username": "Raider"}).to_string(),
    );
    emulator.publish(
        &format!("chatrooms.{}", channel.chatroom_id),
        "App\\Events\\StreamHostedEvent",
        &json!({"message": {"id": "h1", "numberOfViewers": 40, "optionalMessage": "hi", "createdAt": "2026-11-23T18:06:00Z"}, "user": {"id": 9, "username": "raider"}}).to_string(),
    );
    emulator.publish(
        &channel.chat_channel(),
        "App\\Events\\SubscriptionEvent",
        &json!({"chatroom_id": 1000, "username": "maple_tea", "months": 3}).to_string(),
    );
    emulator.publish(
        &format!("channel.{}", channel.channel_id),
        "App\\Events\\ChannelSubscriptionEvent",
        &json!({"user_ids": [5], "username": "maple_tea", "channel_id": channel.channel_id})
            .to_string(),
    );
    emulator.publish(&channel.chat_channel(), CHAT, &chat("m-2", "bye"));
    let events = drain(&mut client, Duration::from_secs(1)).await;
    assert_eq!(chats(&events), ["hello", "bye"]);
    let hosts = events
        .iter()
        .filter(|e| matches!(e, KickEvent::StreamHost(_) | KickEvent::StreamHosted(_)))
        .count();
    let subs = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                KickEvent::Subscription(_) | KickEvent::ChannelSubscription(_)
            )
        })
        .count();
    assert_eq!((hosts, subs), (1, 1), "{events:#?}");
    assert_eq!(emulator.pusher_server().connection_count(), 1);
    client.close().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn many_channels_share_one_socket_and_all_resubscribe_after_a_restart() {
    let (emulator, first) = emulator().await;
    let second = EmuChannel::live("other", 2_000);
    emulator.add_channel(second.clone());
    let mut client = builder(&emulator, Transport::Pusher).build().unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    client
        .watch(ChannelRef::ids(second.chatroom_id, second.channel_id).room("other"))
        .await
        .unwrap();
    for channel in [&first, &second] {
        for alias in channel.aliases() {
            emulator.wait_for_subscribes(&alias, 1).await;
        }
    }
    assert_eq!(
        emulator.pusher_server().connection_count(),
        1,
        "one socket for both"
    );
    drain(&mut client, Duration::from_millis(100)).await;

    emulator.restart();
    let reconnecting = next_where(&mut client, "reconnecting", |e| {
        matches!(e, KickEvent::Reconnecting(_))
    })
    .await;
    let KickEvent::Reconnecting(lifecycle) = reconnecting else {
        unreachable!()
    };
    assert_eq!(lifecycle.attempt, Some(1));
    for channel in [&first, &second] {
        for alias in channel.aliases() {
            emulator.wait_for_subscribes(&alias, 2).await;
        }
    }
    assert_eq!(emulator.pusher_server().connection_count(), 2);
    drain(&mut client, Duration::from_millis(100)).await;
    emulator.publish(&first.chat_channel(), CHAT, &chat("a", "to first"));
    emulator.publish(&second.chat_channel(), CHAT, &chat("b", "to second"));
    let events = drain(&mut client, Duration::from_secs(1)).await;
    let rooms: Vec<(String, String)> = events
        .iter()
        .filter_map(|e| match e {
            KickEvent::ChatMessage(m) => Some((m.room.to_string(), m.data.content.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        rooms,
        [
            ("streamer".to_owned(), "to first".to_owned()),
            ("other".to_owned(), "to second".to_owned())
        ]
    );

    assert!(client.unwatch("other").await.unwrap());
    let gone = next_where(&mut client, "disconnected", |e| {
        matches!(e, KickEvent::Disconnected(_))
    })
    .await;
    assert_eq!(gone.room(), Some("other"));
    emulator
        .pusher_server()
        .wait_for_message(|m| {
            m.json().is_some_and(|v| {
                v["event"] == "pusher:unsubscribe" && v["data"]["channel"] == second.chat_channel()
            })
        })
        .await;
    client.close().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn answers_server_pings_and_pings_after_the_activity_timeout() {
    let (emulator, _) = emulator().await;
    emulator.set_activity_timeout(30);
    emulator.set_server_ping(Some(Duration::from_secs(100)));
    let mut client = builder(&emulator, Transport::Pusher).build().unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    connected(&mut client).await;
    // 30 s of silence: the client pings and the server answers; nothing reconnects.
    tokio::time::sleep(Duration::from_secs(31)).await;
    assert!(emulator.client_pings() >= 1);
    // Long idle stretches: the client keeps pinging every 30 s, so the server's own ping
    // (after 100 s of client silence) never has to fire...
    tokio::time::sleep(Duration::from_secs(300)).await;
    assert!(
        emulator.client_pings() >= 9,
        "pings: {}",
        emulator.client_pings()
    );
    // ... and when the server pings anyway, the client answers with a pong.
    emulator.set_activity_timeout(120);
    emulator.send_raw_pusher(r#"{"event":"pusher:ping"}"#);
    emulator
        .pusher_server()
        .wait_for_message(|m| m.json().is_some_and(|v| v["event"] == "pusher:pong"))
        .await;
    let events = drain(&mut client, Duration::from_secs(1)).await;
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, KickEvent::Reconnecting(_))),
        "{events:?}"
    );
    assert_eq!(emulator.pusher_server().connection_count(), 1);
    client.close().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_silent_server_is_detected_and_replaced() {
    let (emulator, channel) = emulator().await;
    let mut client = builder(&emulator, Transport::Pusher).build().unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    connected(&mut client).await;
    emulator.set_silent(true);
    let started = tokio::time::Instant::now();
    let event = next_where(&mut client, "reconnecting", |e| {
        matches!(e, KickEvent::Reconnecting(_))
    })
    .await;
    let waited = started.elapsed();
    let KickEvent::Reconnecting(lifecycle) = event else {
        unreachable!()
    };
    assert_eq!(lifecycle.reason.as_deref(), Some("no pong within 30 s"));
    assert_eq!(
        lifecycle.retry_in_ms,
        Some(0),
        "a missing pong reconnects at once"
    );
    // 120 s of silence, then 30 s for the pong.
    assert!(
        waited >= Duration::from_secs(150) && waited < Duration::from_secs(152),
        "{waited:?}"
    );
    emulator.set_silent(false);
    connected(&mut client).await;
    assert_eq!(emulator.subscribe_count(&channel.chat_channel()), 2);
    client.close().await.unwrap();
}

async fn close_with(code: u16) -> (u64, String) {
    let (emulator, channel) = emulator().await;
    let mut client = builder(&emulator, Transport::Pusher).build().unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    connected(&mut client).await;
    emulator.close_all(code, "scripted close");
    let event = next_where(&mut client, "reconnecting", |e| {
        matches!(e, KickEvent::Reconnecting(_))
    })
    .await;
    let KickEvent::Reconnecting(lifecycle) = event else {
        unreachable!()
    };
    connected(&mut client).await;
    assert_eq!(
        emulator.subscribe_count(&channel.chat_channel()),
        2,
        "re-subscribed"
    );
    emulator.publish(
        &channel.chat_channel(),
        CHAT,
        &chat("after", "after the close"),
    );
    let after = next_where(&mut client, "chat", |e| {
        matches!(e, KickEvent::ChatMessage(_))
    })
    .await;
    assert!(matches!(after, KickEvent::ChatMessage(_)));
    client.close().await.unwrap();
    (
        lifecycle.retry_in_ms.unwrap(),
        lifecycle.reason.unwrap_or_default(),
    )
}

#[tokio::test(start_paused = true)]
async fn each_close_code_class_waits_as_the_protocol_says() {
    let (immediate, reason) = close_with(4200).await;
    assert_eq!(immediate, 0, "4200–4299 reconnect at once");
    assert!(reason.contains("4200"), "{reason}");
    let (backoff, _) = close_with(4100).await;
    assert!(
        backoff >= 1000,
        "4100–4199 wait at least 1 s, waited {backoff} ms"
    );
    let (other, _) = close_with(4301).await;
    assert_eq!(other, 1000, "other codes wait 1 s");
    let (normal, _) = close_with(1000).await;
    assert_eq!(normal, 1000);
}

#[tokio::test(start_paused = true)]
async fn a_4000_class_code_stops_with_a_typed_error() {
    let (emulator, _) = emulator().await;
    let mut client = builder(&emulator, Transport::Pusher).build().unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    connected(&mut client).await;
    emulator.close_all(4003, "App is disabled");
    let event = next_where(&mut client, "disconnected", |e| {
        matches!(e, KickEvent::Disconnected(_))
    })
    .await;
    let KickEvent::Disconnected(lifecycle) = event else {
        unreachable!()
    };
    assert_eq!(lifecycle.code, Some(4003));
    // The stream ends; close reports why.
    assert!(drain(&mut client, Duration::from_secs(5)).await.is_empty());
    assert!(client.next_event().await.is_none());
    let handle = client.handle();
    match handle.close().await {
        Err(Error::Refused { code: 4003, .. }) => {}
        other => panic!("expected Refused(4003), got {other:?}"),
    }
    assert_eq!(
        emulator.pusher_server().connection_count(),
        1,
        "no reconnect"
    );
}

#[tokio::test(start_paused = true)]
async fn a_wrong_app_key_is_refused_for_good() {
    let (emulator, _) = emulator().await;
    let mut client = builder(&emulator, Transport::Pusher)
        .pusher_url(emulator.pusher_url_with_key("wrong-key"))
        .build()
        .unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    let event = next_where(&mut client, "disconnected", |e| {
        matches!(e, KickEvent::Disconnected(_))
    })
    .await;
    let KickEvent::Disconnected(lifecycle) = event else {
        unreachable!()
    };
    assert_eq!(lifecycle.code, Some(4001));
    let error = client.handle().close().await.unwrap_err();
    assert!(error.to_string().contains("4001"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn bad_frames_become_errors_or_unknown_events_and_the_stream_goes_on() {
    let (emulator, channel) = emulator().await;
    emulator.set_subscription_data(false);
    let mut client = builder(&emulator, Transport::Pusher)
        .max_frame_bytes(64 * 1024)
        .build()
        .unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    connected(&mut client).await;
    emulator.send_raw_pusher("{not json");
    emulator.send_raw_pusher(
        &json!({"event": CHAT, "channel": channel.chat_channel(), "data": "{\"id\": 1, broken"})
            .to_string(),
    );
    emulator.send_raw_pusher(
        &json!({"event": CHAT, "channel": channel.chat_channel(), "data": "[]"}).to_string(),
    );
    emulator
        .send_raw_pusher(&json!({"event": "pusher:error", "data": "plain text error"}).to_string());
    emulator.publish(&channel.chat_channel(), CHAT, &chat("ok-1", "still here"));
    let events = drain(&mut client, Duration::from_secs(1)).await;
    assert!(
        matches!(events[0], KickEvent::Error(ref e) if e.message.contains("not a Pusher frame")),
        "{events:#?}"
    );
    let unknown: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            KickEvent::Unknown(u) => Some(u),
            _ => None,
        })
        .collect();
    assert_eq!(unknown.len(), 2, "{events:#?}");
    assert!(unknown.iter().all(|u| u.reason.is_some()));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, KickEvent::Error(err) if err.message == "plain text error"))
    );
    assert_eq!(chats(&events), ["still here"]);

    // An oversized frame costs the connection, which comes back.
    emulator.send_oversized_pusher(100 * 1024);
    let error = next_where(&mut client, "error", |e| matches!(e, KickEvent::Error(_))).await;
    assert!(
        matches!(error, KickEvent::Error(ref e) if e.message.contains("oversized")),
        "{error:?}"
    );
    next_where(&mut client, "reconnecting", |e| {
        matches!(e, KickEvent::Reconnecting(_))
    })
    .await;
    connected(&mut client).await;
    emulator.publish(&channel.chat_channel(), CHAT, &chat("ok-2", "back"));
    let back = next_where(&mut client, "chat", |e| {
        matches!(e, KickEvent::ChatMessage(_))
    })
    .await;
    assert!(matches!(back, KickEvent::ChatMessage(m) if m.data.content == "back"));
    client.close().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_slow_consumer_loses_the_newest_events_and_is_told_how_many() {
    let (emulator, channel) = emulator().await;
    let mut client = builder(&emulator, Transport::Pusher)
        .event_buffer(4)
        .build()
        .unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    connected(&mut client).await;
    drain(&mut client, Duration::from_millis(50)).await;
    for i in 0..20 {
        emulator.publish(
            &channel.chat_channel(),
            CHAT,
            &chat(&format!("flood-{i}"), &format!("#{i}")),
        );
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    // The notice follows the events that fitted as soon as the consumer makes room, without
    // waiting for another event.
    let first = drain(&mut client, Duration::from_millis(10)).await;
    assert_eq!(chats(&first), ["#0", "#1", "#2", "#3"]);
    let notice = first.last().unwrap();
    assert!(
        matches!(notice, KickEvent::Lagged(l) if l.dropped == 16 && l.room.as_deref() == Some("streamer")),
        "{first:?}"
    );
    // The gap reaches the unified stream as a lifecycle line of the room, never hidden.
    let line = notice.to_live_event().unwrap();
    assert!(line.is_lifecycle());
    assert_eq!(line.room, "streamer");
    assert!(
        line.to_json_line().contains("16 events were dropped"),
        "{}",
        line.to_json_line()
    );
    emulator.publish(&channel.chat_channel(), CHAT, &chat("late", "late"));
    let next = drain(&mut client, Duration::from_secs(1)).await;
    assert_eq!(chats(&next), ["late"]);
    client.close().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn lifecycle_events_are_never_dropped_for_a_slow_consumer() {
    let (emulator, _) = emulator().await;
    let channels: Vec<EmuChannel> = (0..40)
        .map(|i| EmuChannel::live(&format!("ch{i}"), 5_000 + i))
        .collect();
    for channel in &channels {
        emulator.add_channel(channel.clone());
    }
    let mut client = builder(&emulator, Transport::Pusher)
        .event_buffer(4)
        .build()
        .unwrap();
    for channel in &channels {
        client
            .watch(ChannelRef::ids(channel.chatroom_id, channel.channel_id).room(&channel.slug))
            .await
            .unwrap();
    }
    for alias in channels[39].aliases() {
        emulator.wait_for_subscribes(&alias, 1).await;
    }
    // Forty `connected` events against a buffer of four, read only now.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let events = drain(&mut client, Duration::from_millis(100)).await;
    let mut connected: Vec<&str> = events
        .iter()
        .filter(|e| matches!(e, KickEvent::Connected(_)))
        .filter_map(KickEvent::room)
        .collect();
    connected.sort_unstable();
    let mut expected: Vec<&str> = channels.iter().map(|c| c.slug.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(connected, expected);
    client.close().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn close_sends_a_normal_close_frame() {
    let (emulator, _) = emulator().await;
    let mut client = builder(&emulator, Transport::Pusher).build().unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    connected(&mut client).await;
    client.close().await.unwrap();
    let close = emulator
        .pusher_server()
        .wait_for_message(|m| matches!(m, WsMessage::Close(_)))
        .await;
    assert_eq!(close, WsMessage::Close(Some((1000, "closed".to_owned()))));
    let record = &emulator.pusher_server().connections()[0];
    assert!(record.request.path.ends_with(live_testkit::kick::APP_KEY));
    assert_eq!(record.request.query_param("protocol").as_deref(), Some("7"));
}

#[tokio::test(start_paused = true)]
async fn failed_attempts_back_off_exponentially_up_to_the_cap_and_may_give_up() {
    let (emulator, _) = emulator().await;
    // Nothing listens on this port: every attempt fails at once.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = dead.local_addr().unwrap().port();
    drop(dead);
    let mut client = builder(&emulator, Transport::Pusher)
        .pusher_url(format!("ws://127.0.0.1:{port}/app/key?protocol=7"))
        .reconnect(kick_ws::ReconnectPolicy::new().max_attempts(Some(9)))
        .build()
        .unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    let mut delays = Vec::new();
    loop {
        match client.next_event().await.unwrap() {
            KickEvent::Reconnecting(l) => {
                assert_eq!(l.attempt, Some(delays.len() as u32 + 1));
                delays.push(l.retry_in_ms.unwrap());
            }
            KickEvent::Disconnected(l) => {
                assert!(l.reason.is_some());
                break;
            }
            _ => {}
        }
    }
    assert_eq!(delays.len(), 9, "{delays:?}");
    assert_eq!(delays[0], 1000, "the first retry waits 1 s");
    for (i, delay) in delays.iter().enumerate().skip(1) {
        let full = (1000u64 << (i - 1)).min(30_000);
        assert!(
            *delay >= (full / 2).max(1000) && *delay <= full.max(1000),
            "attempt {}: {delay} ms outside [{}, {full}] ({delays:?})",
            i + 1,
            (full / 2).max(1000)
        );
    }
    assert!(delays[8] <= 30_000, "capped at 30 s: {delays:?}");
    match client.handle().close().await {
        Err(Error::ReconnectLimit { attempts: 9, .. }) => {}
        other => panic!("expected ReconnectLimit, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_server_that_never_says_hello_is_left_after_the_handshake_timeout() {
    let (emulator, channel) = emulator().await;
    emulator.set_silent(true);
    let mut client = builder(&emulator, Transport::Pusher).build().unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    let event = next_where(&mut client, "reconnecting", |e| {
        matches!(e, KickEvent::Reconnecting(_))
    })
    .await;
    let KickEvent::Reconnecting(lifecycle) = event else {
        unreachable!()
    };
    assert_eq!(
        lifecycle.reason.as_deref(),
        Some("no handshake from the server in time")
    );
    emulator.set_silent(false);
    connected(&mut client).await;
    emulator.wait_for_subscribed(&channel.chat_channel()).await;
    client.close().await.unwrap();
}
