use std::time::Duration;

use live_sdk::{Event, EventKind, LiveClient, Source, Target};

use crate::world::World;

fn target(text: &str) -> Target {
    text.parse().unwrap()
}

/// Reads events until `stop` says so (or a minute of tokio time passes).
async fn read_until(client: &mut LiveClient, mut stop: impl FnMut(&Event) -> bool) -> Vec<Event> {
    let mut events = Vec::new();
    let deadline = tokio::time::sleep(Duration::from_secs(60));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = &mut deadline => panic!("timed out; got {:#?}", kinds(&events)),
            event = client.next_event() => {
                let Some(event) = event else { return events };
                let done = stop(&event);
                events.push(event);
                if done {
                    return events;
                }
            }
        }
    }
}

fn kinds(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let kind = e.live.as_ref().map(|l| l.kind.as_str()).unwrap_or("-");
            format!("{} {kind}", e.target)
        })
        .collect()
}

fn of<'a>(events: &'a [Event], target: &str, kind: &str) -> Vec<&'a Event> {
    events
        .iter()
        .filter(|e| e.target.to_string() == target)
        .filter(|e| e.live.as_ref().is_some_and(|l| l.kind.as_str() == kind))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn merges_targets_of_both_platforms_and_ends_when_they_have() {
    let world = World::start().await;
    let mut client = world.client().build().unwrap();
    client.add(target("kick:streamer")).await.unwrap();
    client.add(target("tiktok:@alice_01")).await.unwrap();
    assert_eq!(client.targets().len(), 2);
    let mut events = read_until(&mut client, |e| {
        e.target.to_string() == "kick:streamer"
            && e.live
                .as_ref()
                .is_some_and(|l| l.kind.as_str() == "connected")
    })
    .await;
    world.kick_chat("k-1", "hello kick");
    events.extend(
        read_until(&mut client, |e| {
            e.target.to_string() == "tiktok:alice_01" && e.ends_target()
        })
        .await,
    );
    // TikTok ended on its own (stream end); Kick is still watched.
    assert_eq!(client.targets(), [target("kick:streamer")]);
    assert!(client.remove(&target("kick:streamer")).await.unwrap());
    events.extend(read_until(&mut client, |_| false).await);
    assert!(
        client.next_event().await.is_none(),
        "the stream ends with its last target"
    );

    for (t, kinds) in [
        (
            "kick:streamer",
            ["connected", "chat", "disconnected"].as_slice(),
        ),
        (
            "tiktok:alice_01",
            [
                "connected",
                "chat",
                "gift",
                "like",
                "stream_end",
                "disconnected",
            ]
            .as_slice(),
        ),
    ] {
        for kind in kinds {
            assert!(
                !of(&events, t, kind).is_empty(),
                "no {kind} for {t}: {:#?}",
                self::kinds(&events)
            );
        }
        let mine: Vec<&Event> = events
            .iter()
            .filter(|e| e.target.to_string() == t && e.live.is_some())
            .collect();
        let first_lifecycle = mine
            .iter()
            .find(|e| e.live.as_ref().unwrap().is_lifecycle())
            .unwrap();
        assert_eq!(
            first_lifecycle.live.as_ref().unwrap().kind.as_str(),
            "connected"
        );
        assert!(
            mine.last().unwrap().ends_target(),
            "{t} does not end with disconnected"
        );
    }
    // One gift per finished streak, with the streak's final count.
    let gifts = of(&events, "tiktok:alice_01", "gift");
    assert_eq!(gifts.len(), 1);
    let EventKind::Gift(gift) = &gifts[0].live.as_ref().unwrap().kind else {
        unreachable!()
    };
    assert_eq!((gift.name.as_str(), gift.count), ("Rose", 3));
    // The platform's typed event is still there.
    assert!(matches!(gifts[0].source, Source::TikTok(_)));
    assert!(events.iter().any(|e| matches!(e.source, Source::Kick(_))));
    // Unified lines carry the room as the target names it.
    assert!(
        of(&events, "tiktok:alice_01", "chat")
            .iter()
            .all(|e| e.live.as_ref().unwrap().room == "alice_01")
    );
}

#[tokio::test(start_paused = true)]
async fn a_target_that_cannot_be_added_ends_in_the_stream_too() {
    let world = World::start().await;
    let mut client = world.client().build().unwrap();
    let error = client.add(target("tiktok:sleepy")).await.unwrap_err();
    assert!(error.to_string().contains("tiktok"), "{error}");
    let events = read_until(&mut client, |_| false).await;
    assert_eq!(kinds(&events), ["tiktok:sleepy disconnected"]);
    assert!(matches!(events[0].source, Source::Sdk));
    let reason = serde_json::to_value(events[0].live.as_ref().unwrap()).unwrap()["reason"].clone();
    assert!(
        reason.as_str().unwrap().contains("sleepy") || !reason.is_null(),
        "{reason}"
    );
    // Adding the same target twice is refused while it is watched.
    client.add(target("kick:streamer")).await.unwrap();
    assert!(matches!(
        client.add(target("kick:streamer")).await,
        Err(live_sdk::Error::AlreadyWatched(_))
    ));
}

#[tokio::test(start_paused = true)]
async fn targets_come_and_go_while_the_stream_is_read() {
    let world = World::start().await;
    world
        .kick
        .add_channel(live_testkit::kick::EmuChannel::live("second", 2000));
    let mut client = world.client().build().unwrap();
    let handle = client.handle();
    handle.add(target("kick:streamer")).await.unwrap();
    read_until(&mut client, |e| {
        e.live
            .as_ref()
            .is_some_and(|l| l.kind.as_str() == "connected")
    })
    .await;
    // Added from another task while the stream is being read.
    let adder = handle.clone();
    let added = tokio::spawn(async move { adder.add(target("kick:second")).await });
    let events = read_until(&mut client, |e| {
        e.target.to_string() == "kick:second"
            && e.live
                .as_ref()
                .is_some_and(|l| l.kind.as_str() == "connected")
    })
    .await;
    added.await.unwrap().unwrap();
    assert!(!events.is_empty());
    assert_eq!(
        world.kick.pusher_server().connection_count(),
        1,
        "Kick targets share one socket"
    );
    handle.remove(&target("kick:streamer")).await.unwrap();
    let events = read_until(&mut client, |e| e.ends_target()).await;
    assert_eq!(events.last().unwrap().target, target("kick:streamer"));
    world.kick_chat("k-2", "still here");
    // Graceful close: the last events still arrive, then the stream ends.
    handle.close().await;
    let rest = read_until(&mut client, |_| false).await;
    assert!(rest.last().unwrap().ends_target(), "{:#?}", kinds(&rest));
    assert!(client.next_event().await.is_none());
    assert!(matches!(
        handle.add(target("kick:streamer")).await,
        Err(live_sdk::Error::Closed)
    ));
}
