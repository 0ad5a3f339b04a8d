//! Lookups (blocked, not found), viewer polling, and recording a run to replay it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kick_ws::{ChannelRef, Error, KickEvent, RawFrame, Transport};
use live_testkit::kick::EmuChannel;

use crate::support::*;

#[tokio::test(start_paused = true)]
async fn a_cloudflare_answer_is_a_blocked_error_that_says_what_to_do() {
    let (emulator, _) = emulator().await;
    emulator.set_blocked(true);
    let client = builder(&emulator, Transport::Pusher).build().unwrap();
    let error = client
        .watch(ChannelRef::slug("streamer"))
        .await
        .unwrap_err();
    let Error::Blocked { reason, .. } = &error else {
        panic!("expected Blocked, got {error:?}");
    };
    assert_eq!(reason, "a Cloudflare challenge page");
    let message = error.to_string();
    assert!(message.contains("ChannelRef::ids"), "{message}");
    assert!(
        message.contains("https://kick.com/api/v2/channels/streamer"),
        "{message}"
    );
    assert!(message.contains("LIVE_KICK_API_URL"), "{message}");
    // Ids skip the lookup entirely.
    let mut client = client;
    client
        .watch(ChannelRef::ids(1000, 1176).room("streamer"))
        .await
        .unwrap();
    connected(&mut client).await;
    let missing = client.watch(ChannelRef::slug("nobody")).await;
    assert!(matches!(missing, Err(Error::Blocked { .. })));
    emulator.set_blocked(false);
    let missing = client.watch(ChannelRef::slug("nobody")).await;
    assert!(
        matches!(missing, Err(Error::ChannelNotFound { .. })),
        "{missing:?}"
    );
    let invalid = client.watch(ChannelRef::slug("../etc")).await;
    assert!(matches!(invalid, Err(Error::InvalidSlug(_))));
    client.close().await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn viewer_counts_are_polled_for_all_channels_in_one_request() {
    let (emulator, first) = emulator().await;
    let second = EmuChannel::live("other", 2_000);
    emulator.add_channel(second.clone());
    let mut client = builder(&emulator, Transport::Pusher)
        .viewer_poll_interval(Some(Duration::from_secs(60)))
        .build()
        .unwrap();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    client.watch(ChannelRef::slug("other")).await.unwrap();
    let initial = drain(&mut client, Duration::from_secs(1)).await;
    let counts: Vec<(String, u64)> = viewer_counts(&initial);
    assert_eq!(
        counts,
        [("streamer".to_owned(), 1200), ("other".to_owned(), 1200)]
    );
    let (first_ls, second_ls) = (first.livestream.unwrap().0, second.livestream.unwrap().0);
    emulator.set_viewers(first_ls, 1500);
    tokio::time::sleep(Duration::from_secs(61)).await;
    let events = drain(&mut client, Duration::from_secs(1)).await;
    assert_eq!(
        viewer_counts(&events),
        [("streamer".to_owned(), 1500)],
        "only changes are events"
    );
    let polls: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.path == "/current-viewers")
        .collect();
    assert_eq!(polls.len(), 1);
    let mut ids = polls[0].query_params("ids[]");
    ids.sort();
    assert_eq!(ids, [first_ls.to_string(), second_ls.to_string()]);
    client.close().await.unwrap();
}

fn viewer_counts(events: &[KickEvent]) -> Vec<(String, u64)> {
    events
        .iter()
        .filter_map(|e| match e {
            KickEvent::ViewerCount(v) => Some((v.room.to_string(), v.viewers)),
            _ => None,
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_recording_of_the_tap_replays_to_the_same_output() {
    let (emulator, channel) = emulator().await;
    let frames: Arc<Mutex<Vec<RawFrame>>> = Arc::default();
    let tap = Arc::clone(&frames);
    let mut client = builder(&emulator, Transport::Pusher)
        .include_raw(true)
        .viewer_poll_interval(Some(Duration::from_secs(60)))
        .frame_tap(move |frame| tap.lock().unwrap().push(frame.clone()))
        .build()
        .unwrap();
    let mut live = Vec::new();
    client.watch(ChannelRef::slug("streamer")).await.unwrap();
    until(&mut client, &mut live, |e| {
        matches!(e, KickEvent::Connected(_))
    })
    .await;
    emulator.publish(&channel.chat_channel(), CHAT, &chat("r-1", "one"));
    emulator.publish(
        &format!("chatrooms.{}", channel.chatroom_id),
        CHAT,
        &chat("r-1", "one"),
    );
    emulator.publish(&channel.chat_channel(), "App\\Events\\PinnedMessageCreatedEvent",
        &serde_json::json!({"message": serde_json::from_str::<serde_json::Value>(&chat("r-1", "one")).unwrap(), "duration": "600"}).to_string());
    emulator.publish(
        &channel.chat_channel(),
        "App\\Events\\PinnedMessageDeletedEvent",
        "[]",
    );
    emulator.send_raw_pusher("garbage");
    emulator.set_viewers(channel.livestream.as_ref().unwrap().0, 999);
    tokio::time::sleep(Duration::from_secs(61)).await;
    emulator.restart();
    until(&mut client, &mut live, |e| {
        matches!(e, KickEvent::Reconnecting(_))
    })
    .await;
    until(&mut client, &mut live, |e| {
        matches!(e, KickEvent::Connected(_))
    })
    .await;
    emulator.publish(&channel.chat_channel(), CHAT, &chat("r-2", "two"));
    until(
        &mut client,
        &mut live,
        |e| matches!(e, KickEvent::ChatMessage(m) if m.data.content == "two"),
    )
    .await;
    client.handle().close().await.unwrap();
    while let Some(event) = client.next_event().await {
        live.push(event);
    }
    let frames = frames.lock().unwrap().clone();
    assert!(
        frames
            .iter()
            .any(|f| f.source == kick_ws::FrameSource::Viewers)
    );
    let mut replay = kick_ws::Replayer::new(kick_ws::DecoderOptions::new().include_raw(true));
    let mut replayed = Vec::new();
    for frame in &frames {
        replayed.extend(replay.frame(frame));
    }
    replayed.extend(replay.finish());
    let lines = |events: &[KickEvent]| -> Vec<String> {
        events
            .iter()
            .filter_map(KickEvent::to_live_event)
            .map(|e| e.to_json_line())
            .collect()
    };
    assert_eq!(
        lines(&replayed),
        lines(&live),
        "the replay differs from the live run"
    );
    let all = lines(&replayed);
    assert_eq!(
        all.iter()
            .filter(|l| l.contains("\"kind\":\"chat\""))
            .count(),
        2
    );
    assert!(
        all.iter()
            .any(|l| l.contains("\"kind\":\"unpin\",\"message_id\":\"r-1\"")),
        "{all:#?}"
    );
    assert!(all.iter().any(|l| l.contains("\"viewers\":999")));
    assert!(all.iter().any(|l| l.contains("\"kind\":\"reconnecting\"")));
}

async fn until(
    client: &mut kick_ws::KickClient,
    seen: &mut Vec<KickEvent>,
    pick: impl Fn(&KickEvent) -> bool,
) {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(600), client.next_event())
            .await
            .unwrap()
            .unwrap();
        let done = pick(&event);
        seen.push(event);
        if done {
            return;
        }
    }
}
