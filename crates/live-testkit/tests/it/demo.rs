//! The demo world against the real clients: `kick_ws::KickClient` and
//! `tiktok_webcast::TikTokClient`, pointed at it through `DemoWorld::env()`, under paused
//! tokio time (a 26-second show plays in milliseconds).

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use kick_ws::{ChannelRef, KickClient, KickEvent, Transport};
use live_http::Secret;
use live_testkit::demo::{DemoOptions, DemoWorld, EULER_KEY};
use live_testkit::tiktok::{
    Batch, EmulatorConfig, FakeUser, PushStep, Room, StepSource, TikTokEmulator,
};
use serde_json::Value;
use tiktok_webcast::{TikTokClient, TikTokEvent, TikTokStream};
use tokio::time::Instant;

/// 2026-11-23T18:00:00Z: when the tests' shows start.
const CLOCK: i64 = 1_795_456_800_000;

/// One unified line and when (tokio time, from the start of the watch) it arrived.
#[derive(Debug, Clone)]
struct Seen {
    at: Duration,
    line: Value,
}

impl Seen {
    fn kind(&self) -> &str {
        self.line["kind"].as_str().unwrap_or_default()
    }

    fn is_lifecycle(&self) -> bool {
        matches!(self.kind(), "connected" | "reconnecting" | "disconnected")
    }
}

#[derive(Debug, Default)]
struct Run {
    kick: Vec<Seen>,
    tiktok: Vec<Seen>,
}

fn env(world: &DemoWorld) -> HashMap<&'static str, String> {
    world.env().into_iter().collect()
}

async fn kick_client(world: &DemoWorld, transport: Transport) -> KickClient {
    let env = env(world);
    let client = KickClient::builder()
        .api_url(&env["LIVE_KICK_API_URL"])
        .web_url(&env["LIVE_KICK_WEB_URL"])
        .pusher_url(&env["LIVE_KICK_PUSHER_URL"])
        .transport(transport)
        .viewer_poll_interval(Some(world.kick_viewer_poll()))
        .build()
        .unwrap();
    client.watch(ChannelRef::slug("demo")).await.unwrap();
    client
}

async fn tiktok_client(world: &DemoWorld) -> TikTokStream {
    let env = env(world);
    TikTokClient::builder("demo_live")
        .web_url(&env["LIVE_TIKTOK_WEB_URL"])
        .webcast_url(&env["LIVE_TIKTOK_WEBCAST_URL"])
        .euler_url(&env["LIVE_EULER_URL"])
        .euler_api_key(Secret::new(env["LIVE_EULER_API_KEY"].clone()))
        .connect()
        .await
        .unwrap()
}

fn kick_line(event: &KickEvent) -> Option<Value> {
    let line = event.to_live_event()?.to_json_line();
    Some(serde_json::from_str(&line).unwrap())
}

fn tiktok_line(event: &TikTokEvent) -> Option<Value> {
    let line = event.to_live_event()?.to_json_line();
    Some(serde_json::from_str(&line).unwrap())
}

/// Watches both rooms of `world` until both streams are over: TikTok's ends by itself
/// after the stream end; Kick's socket stays open (as on real Kick), so the Kick client is
/// closed once its `stream_end` arrives.
async fn watch(world: &DemoWorld, transport: Transport) -> Run {
    let start = Instant::now();
    let mut kick = kick_client(world, transport).await;
    let kick_handle = kick.handle();
    let mut tiktok = tiktok_client(world).await;
    let mut run = Run::default();
    let (mut kick_done, mut tiktok_done) = (false, false);
    let deadline = tokio::time::sleep(Duration::from_secs(600));
    tokio::pin!(deadline);
    while !(kick_done && tiktok_done) {
        tokio::select! {
            event = kick.next_event(), if !kick_done => match event {
                Some(event) => {
                    if let Some(line) = kick_line(&event) {
                        run.kick.push(Seen { at: start.elapsed(), line });
                    }
                    if matches!(event, KickEvent::StreamEnd(_)) {
                        kick_handle.close().await.unwrap();
                    }
                }
                None => kick_done = true,
            },
            event = tiktok.next_event(), if !tiktok_done => match event {
                Some(event) => {
                    if let Some(line) = tiktok_line(&event) {
                        run.tiktok.push(Seen { at: start.elapsed(), line });
                    }
                }
                None => tiktok_done = true,
            },
            _ = &mut deadline => panic!(
                "the demo did not end: kick {:?}, tiktok {:?}",
                kinds(&run.kick),
                kinds(&run.tiktok)
            ),
        }
    }
    run
}

fn kinds(seen: &[Seen]) -> Vec<String> {
    seen.iter().map(|s| s.kind().to_owned()).collect()
}

fn kind_set(seen: &[Seen]) -> BTreeSet<String> {
    seen.iter().map(|s| s.kind().to_owned()).collect()
}

fn of<'a>(seen: &'a [Seen], kind: &str) -> Vec<&'a Value> {
    seen.iter()
        .filter(|s| s.kind() == kind)
        .map(|s| &s.line)
        .collect()
}

/// Every chat's text, joined.
fn chat_text(seen: &[Seen]) -> String {
    of(seen, "chat")
        .iter()
        .filter_map(|l| l["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn has_script(text: &str, range: std::ops::RangeInclusive<u32>) -> bool {
    text.chars().any(|c| range.contains(&(c as u32)))
}

/// Chats in every script the demo promises, from at least ten people.
fn check_languages(seen: &[Seen], platform: &str) {
    let text = chat_text(seen);
    for (script, range) in [
        ("Hiragana/Katakana", 0x3040..=0x30FF),
        ("Hangul", 0xAC00..=0xD7AF),
        ("CJK", 0x4E00..=0x9FFF),
        ("Arabic", 0x0600..=0x06FF),
        ("Devanagari", 0x0900..=0x097F),
        ("emoji", 0x1F300..=0x1FAFF),
    ] {
        assert!(has_script(&text, range), "{platform}: no {script} chat");
    }
    assert!(
        text.contains('¡') && text.contains("ã"),
        "{platform}: Spanish and Portuguese"
    );
    let people: BTreeSet<&str> = of(seen, "chat")
        .iter()
        .filter_map(|l| l["user"]["name"].as_str())
        .collect();
    assert!(people.len() >= 10, "{platform}: {people:?}");
}

/// The show is lively (no quiet stretch over a second between events), lasts 20–30 s of
/// (virtual) time, and ends with `stream_end` then `disconnected`.
fn check_shape(seen: &[Seen], platform: &str) {
    let events: Vec<&Seen> = seen.iter().filter(|s| !s.is_lifecycle()).collect();
    assert!(events.len() >= 40, "{platform}: {} events", events.len());
    let first = events.first().unwrap().at;
    let end = seen.iter().find(|s| s.kind() == "stream_end").unwrap().at;
    let length = end - first;
    assert!(
        length >= Duration::from_secs(20) && length <= Duration::from_secs(30),
        "{platform}: the show lasted {length:?}"
    );
    let longest = events.windows(2).map(|w| w[1].at - w[0].at).max().unwrap();
    assert!(
        longest <= Duration::from_millis(1000),
        "{platform}: {longest:?} without an event"
    );
    let all = kinds(seen);
    assert_eq!(
        all[all.len() - 2..],
        ["stream_end", "disconnected"],
        "{platform}: {all:?}"
    );
    assert_eq!(
        events[0].kind(),
        "viewer_count",
        "{platform}: the count comes first"
    );
    assert!(all.contains(&"connected".to_owned()), "{platform}: {all:?}");
    assert!(
        !all.contains(&"reconnecting".to_owned()),
        "{platform}: {all:?}"
    );
    for s in seen {
        assert_eq!(s.line["platform"], platform);
    }
}

fn check_kick(seen: &[Seen]) {
    let kinds = kind_set(seen);
    for kind in [
        "chat",
        "subscription",
        "gifted_subscriptions",
        "gift",
        "pin",
        "unpin",
        "poll",
        "poll_end",
        "ban",
        "unban",
        "host",
        "message_deleted",
        "viewer_count",
        "stream_end",
    ] {
        assert!(kinds.contains(kind), "kick: no {kind} in {kinds:?}");
    }
    check_shape(seen, "kick");
    check_languages(seen, "kick");
    for s in seen {
        assert_eq!(s.line["room"], "demo");
    }
    let chats = of(seen, "chat");
    assert!(
        chats
            .iter()
            .any(|c| c["text"].as_str().unwrap().contains("[emote:37226:KEKW]")),
        "an emote"
    );
    let reply = chats.iter().find(|c| c.get("reply_to").is_some()).unwrap();
    assert_eq!(reply["reply_to"]["user"]["name"], "pixelRaven");
    // Twins and copies are dropped: one host, one subscription.
    assert_eq!(of(seen, "host").len(), 1);
    assert_eq!(of(seen, "host")[0]["viewers"], 248);
    assert_eq!(of(seen, "subscription").len(), 1);
    let gifted = of(seen, "gifted_subscriptions");
    assert_eq!(gifted.len(), 1);
    assert_eq!(gifted[0]["count"], 5);
    assert_eq!(gifted[0]["user"]["name"], "NightOwl_42");
    let gifts: Vec<(String, u64)> = of(seen, "gift")
        .iter()
        .map(|g| {
            (
                g["gift"]["name"].as_str().unwrap().to_owned(),
                g["gift"]["value"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        gifts,
        [("Rage Quit".to_owned(), 100), ("Full Send".to_owned(), 500)]
    );
    let ban = of(seen, "ban")[0];
    assert_eq!(ban["duration_s"], 600, "{ban}");
    assert_eq!(ban["permanent"], false);
    assert_eq!(ban["user"]["name"], "ModKatie");
    // The deleted message is the spam that came just before.
    let spam = chats
        .iter()
        .find(|c| c["user"]["name"] == "free_kicks_4u")
        .unwrap();
    assert_eq!(of(seen, "message_deleted")[0]["message_id"], spam["id"]);
    // Votes grow, then the poll ends under its title.
    let polls = of(seen, "poll");
    assert!(polls.len() >= 4);
    assert_eq!(of(seen, "poll_end")[0]["title"], "Which map next?");
    // Viewer counts change during the show (the lookup's, then several polls').
    let viewers: Vec<u64> = of(seen, "viewer_count")
        .iter()
        .map(|v| v["viewers"].as_u64().unwrap())
        .collect();
    assert_eq!(viewers[0], 1204);
    assert!(viewers.len() >= 5, "{viewers:?}");
    assert!(
        viewers.windows(2).all(|w| w[0] != w[1]),
        "only changes: {viewers:?}"
    );
    assert!(
        viewers.iter().any(|v| *v > 1204 + 248),
        "the raid shows: {viewers:?}"
    );
}

fn check_tiktok(seen: &[Seen]) {
    let kinds = kind_set(seen);
    for kind in [
        "chat",
        "gift",
        "like",
        "join",
        "follow",
        "share",
        "subscription",
        "viewer_count",
        "poll",
        "poll_end",
        "message_deleted",
        "stream_end",
    ] {
        assert!(kinds.contains(kind), "tiktok: no {kind} in {kinds:?}");
    }
    check_shape(seen, "tiktok");
    check_languages(seen, "tiktok");
    for s in seen {
        assert_eq!(s.line["room"], "demo_live");
    }
    // Streaks count once, with the final count; the Galaxy (not streakable) once.
    let gifts: Vec<(String, u64, u64)> = of(seen, "gift")
        .iter()
        .map(|g| {
            (
                g["gift"]["name"].as_str().unwrap().to_owned(),
                g["gift"]["count"].as_u64().unwrap(),
                g["gift"]["value"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        gifts,
        [
            ("Rose".to_owned(), 5, 5),
            ("Galaxy".to_owned(), 1, 1000),
            ("Perfume".to_owned(), 2, 40)
        ]
    );
    let rose = of(seen, "gift")[0];
    assert_eq!(rose["user"]["name"], "minjun.kr");
    assert_eq!(rose["user"]["display_name"], "민준");
    // Like totals never go down, although one batch came from a shard that was behind:
    // its likes count, its total does not move.
    let likes: Vec<(u64, u64)> = of(seen, "like")
        .iter()
        .map(|l| (l["count"].as_u64().unwrap(), l["total"].as_u64().unwrap()))
        .collect();
    assert!(likes.len() >= 10, "{likes:?}");
    assert!(likes.windows(2).all(|w| w[0].1 <= w[1].1), "{likes:?}");
    assert!(
        likes.windows(2).any(|w| w[1].0 > 0 && w[0].1 == w[1].1),
        "the stale total is held: {likes:?}"
    );
    let viewers: Vec<u64> = of(seen, "viewer_count")
        .iter()
        .map(|v| v["viewers"].as_u64().unwrap())
        .collect();
    assert_eq!(viewers[0], 312);
    assert!(viewers.len() >= 5, "{viewers:?}");
    let spam = of(seen, "chat")
        .into_iter()
        .find(|c| c["user"]["name"] == "free.coins.4u")
        .unwrap();
    assert_eq!(of(seen, "message_deleted")[0]["message_id"], spam["id"]);
    assert_eq!(of(seen, "poll")[0]["title"], "Next game?");
    assert_eq!(of(seen, "poll_end")[0]["title"], "Next game?");
    assert_eq!(of(seen, "subscription")[0]["months"], 3);
    // Ids exceed 2^53 and stay exact strings.
    assert!(
        of(seen, "chat")
            .iter()
            .all(|c| c["id"].as_str().unwrap().parse::<u64>().unwrap() > 1 << 53)
    );
}

#[tokio::test(start_paused = true)]
async fn both_rooms_play_every_kind_and_end() {
    let world = DemoWorld::start_with(DemoOptions::new().clock(CLOCK))
        .await
        .unwrap();
    assert_eq!(world.targets(), ["kick:demo", "tiktok:demo_live"]);
    let env = env(&world);
    assert_eq!(env["LIVE_KICK_TRANSPORT"], "pusher");
    assert_eq!(env["LIVE_EULER_API_KEY"], EULER_KEY);
    for (name, value) in world.env() {
        if name.ends_with("_URL") {
            assert!(
                value.starts_with("http://127.0.0.1:") || value.starts_with("ws://127.0.0.1:"),
                "{name}={value}"
            );
        }
    }
    let length = world.show_length();
    assert!(
        length >= Duration::from_secs(20) && length <= Duration::from_secs(30),
        "{length:?}"
    );
    let run = watch(&world, Transport::Pusher).await;
    check_kick(&run.kick);
    check_tiktok(&run.tiktok);
    // Stamps follow the show's clock: the first chats within the show's first seconds.
    let first_chat = of(&run.tiktok, "chat")[1]["time"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(first_chat.starts_with("2026-11-23T18:00:0"), "{first_chat}");
    let first_chat = of(&run.kick, "chat")[0]["time"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(first_chat.starts_with("2026-11-23T18:00:0"), "{first_chat}");
    // The TikTok client acked what the show asked it to ack, and was never cut off.
    assert!(
        world.tiktok().closes().is_empty(),
        "{:?}",
        world.tiktok().closes()
    );
}

/// The same show over Kick's Centrifugo transport (negotiated like Kick's web client).
#[tokio::test(start_paused = true)]
async fn the_kick_show_plays_over_centrifugo_too() {
    let world = DemoWorld::start_with(DemoOptions::new().clock(CLOCK))
        .await
        .unwrap();
    let run = watch(&world, Transport::Centrifugo).await;
    check_kick(&run.kick);
    check_tiktok(&run.tiktok);
}

/// A line without what depends on when the run happened: lifecycle lines keep only
/// their kind, others lose the `time` the client stamps from its own clock (Kick events
/// without a platform stamp).
fn comparable(seen: &[Seen]) -> Vec<Value> {
    seen.iter()
        .map(|s| {
            let mut line = s.line.clone();
            if s.is_lifecycle() {
                return serde_json::json!({"kind": s.kind()});
            }
            if let Some(object) = line.as_object_mut() {
                object.remove("time");
            }
            line
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn two_runs_are_the_same_show() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let world = DemoWorld::start_with(DemoOptions::new().clock(CLOCK))
            .await
            .unwrap();
        runs.push(watch(&world, Transport::Pusher).await);
    }
    assert_eq!(comparable(&runs[0].kick), comparable(&runs[1].kick));
    assert_eq!(comparable(&runs[0].tiktok), comparable(&runs[1].tiktok));
    // Where the platform stamps an event (every TikTok message, Kick chat), the time is
    // the same too.
    let times = |seen: &[Seen]| -> Vec<Value> {
        seen.iter()
            .filter(|s| s.kind() == "chat" || s.line["platform"] == "tiktok")
            .filter(|s| !s.is_lifecycle())
            .map(|s| s.line["time"].clone())
            .collect()
    };
    assert_eq!(times(&runs[0].kick), times(&runs[1].kick));
    assert_eq!(times(&runs[0].tiktok), times(&runs[1].tiktok));
}

/// Looping: the show starts over with fresh ids (nothing is dropped as a duplicate) and
/// the streams never end; speed scales the show and the viewer poll.
#[tokio::test(start_paused = true)]
async fn a_looping_world_keeps_playing_with_fresh_ids() {
    let world = DemoWorld::start_with(DemoOptions::new().clock(CLOCK).looping(true).speed(4.0))
        .await
        .unwrap();
    assert_eq!(world.kick_viewer_poll(), Duration::from_millis(750));
    let one = world.show_length();
    assert!(one < Duration::from_secs(8), "{one:?}");
    let mut kick = kick_client(&world, Transport::Pusher).await;
    let mut tiktok = tiktok_client(&world).await;
    let mut run = Run::default();
    let stop = tokio::time::sleep(one * 2 + one / 2);
    tokio::pin!(stop);
    let start = Instant::now();
    loop {
        tokio::select! {
            Some(event) = kick.next_event() => {
                if let Some(line) = kick_line(&event) {
                    run.kick.push(Seen { at: start.elapsed(), line });
                }
            }
            Some(event) = tiktok.next_event() => {
                if let Some(line) = tiktok_line(&event) {
                    run.tiktok.push(Seen { at: start.elapsed(), line });
                }
            }
            _ = &mut stop => break,
        }
    }
    kick.close().await.unwrap();
    tiktok.close().await;
    for (platform, seen) in [("kick", &run.kick), ("tiktok", &run.tiktok)] {
        let kinds = kinds(seen);
        assert!(!kinds.contains(&"stream_end".to_owned()), "{platform}");
        assert!(!kinds.contains(&"reconnecting".to_owned()), "{platform}");
        // Three rounds started; the first two were played in full.
        let farewells = of(seen, "chat")
            .iter()
            .filter(|c| {
                let text = c["text"].as_str().unwrap();
                text == "مع السلامة 👋"
            })
            .count();
        assert_eq!(farewells, 2, "{platform}: {kinds:?}");
        let ids: Vec<&str> = seen.iter().filter_map(|s| s.line["id"].as_str()).collect();
        let unique: BTreeSet<&&str> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{platform}: ids repeat");
    }
    // Every round's streak counts once.
    let roses = of(&run.tiktok, "gift")
        .iter()
        .filter(|g| g["gift"]["name"] == "Rose")
        .count();
    assert!(roses >= 2, "{roses}");
}

/// The emulator feature the TikTok show stands on: `PushStep::Generate` plays its rounds
/// one after the other until the source says no more, then the steps after it.
#[tokio::test(start_paused = true)]
async fn generated_push_steps_play_round_after_round_then_the_rest() {
    let room = Room::new(7_300_000_000_000_000_001, 1_700_000_000_000);
    let alice = FakeUser::new(6_796_815_426_174_960_646, "alice_01", "Alice");
    let chats = StepSource::new(move |n| {
        (n < 3).then(|| {
            let id = 100 + n as i64;
            vec![
                PushStep::Sleep(Duration::from_millis(200)),
                PushStep::Batch(Batch::new(
                    &format!("c-{n}"),
                    vec![room.chat(id, &alice, &format!("round {n}"))],
                )),
            ]
        })
    });
    let mut config = EmulatorConfig::live("alice_01", "7300000000000000001");
    config.scripts = vec![vec![
        PushStep::Generate(chats),
        PushStep::Batch(Batch::new("end", vec![room.control(200, 3)])),
    ]];
    let emulator = TikTokEmulator::start(config).await.unwrap();
    let mut stream = TikTokClient::builder("alice_01")
        .web_url(emulator.web.url())
        .webcast_url(emulator.web.url())
        .euler_url(emulator.euler.url())
        .connect()
        .await
        .unwrap();
    let mut seen = Vec::new();
    while let Some(event) = stream.next_event().await {
        if let Some(line) = tiktok_line(&event) {
            seen.push(match line["text"].as_str() {
                Some(text) => text.to_owned(),
                None => line["kind"].as_str().unwrap().to_owned(),
            });
        }
    }
    assert_eq!(
        seen,
        [
            "connected",
            "round 0",
            "round 1",
            "round 2",
            "stream_end",
            "disconnected"
        ]
    );
}
