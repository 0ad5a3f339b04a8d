//! The live client against the emulator, with paused time: room lookup, bootstrap, enter
//! room, heartbeats, acks, reconnects with the cursor, no duplicates, stream end, faults.

use std::time::Duration;

use live_testkit::tiktok::{
    Batch, ClientFrame, EmulatorConfig, LookupMode, PushStep, RoomState, TikTokEmulator,
    gzip_bomb_frame,
};
use tiktok_webcast::{
    Error, ReconnectPolicy, SignerChoice, TikTokClient, TikTokClientBuilder, TikTokEvent,
    TikTokStream,
};

use crate::{alice, bob, room};

const ROOM: &str = "7300000000000000001";

fn config() -> EmulatorConfig {
    EmulatorConfig::live("alice_01", ROOM)
}

fn client(emu: &TikTokEmulator, unique_id: &str) -> TikTokClientBuilder {
    TikTokClient::builder(unique_id)
        .web_url(emu.web.url())
        .webcast_url(emu.web.url())
        .euler_url(emu.euler.url())
}

/// Every event until the stream ends (bounded in virtual time).
async fn collect(mut stream: TikTokStream) -> Vec<TikTokEvent> {
    let mut events = Vec::new();
    let deadline = tokio::time::sleep(Duration::from_secs(3600));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            event = stream.next_event() => match event {
                Some(event) => events.push(event),
                None => return events,
            },
            _ = &mut deadline => panic!("the stream did not end: {:?}", summary(&events)),
        }
    }
}

/// `kind` (and chat text) of each event, lifecycle included.
fn summary(events: &[TikTokEvent]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            TikTokEvent::Chat(c) => format!("chat:{}", c.message().content),
            TikTokEvent::Connected(_) => "connected".to_owned(),
            TikTokEvent::Reconnecting(_) => "reconnecting".to_owned(),
            TikTokEvent::Disconnected(l) => {
                format!("disconnected:{}", l.reason.clone().unwrap_or_default())
            }
            other => other
                .to_live_event()
                .map_or_else(|| "-".to_owned(), |l| l.kind.as_str().to_owned()),
        })
        .filter(|s| s != "-")
        .collect()
}

#[tokio::test(start_paused = true)]
async fn enters_heartbeats_acks_dedups_and_stops_at_stream_end() {
    let r = room();
    let mut config = config();
    config.fetches = vec![Batch::new(
        "c-0",
        vec![r.chat(1, &alice(), "one"), r.chat(2, &bob(), "two")],
    )];
    config.scripts = vec![vec![
        PushStep::Batch(
            Batch::new(
                "c-1",
                vec![r.chat(2, &bob(), "two"), r.chat(3, &alice(), "three")],
            )
            .with_ack(11),
        ),
        PushStep::Sleep(Duration::from_secs(25)),
        PushStep::Batch(Batch::new("c-2", vec![r.control(4, 3)])),
    ]];
    let emu = TikTokEmulator::start(config).await.unwrap();
    let stream = client(&emu, "@alice_01").connect().await.unwrap();
    assert_eq!(stream.room_id(), ROOM);
    let events = collect(stream).await;
    assert_eq!(
        summary(&events),
        [
            "connected",
            "chat:one",
            "chat:two",
            "chat:three",
            "stream_end",
            "disconnected:stream ended"
        ]
    );
    assert_eq!(events[1].room(), "alice_01");

    let frames = emu.received();
    let ClientFrame::EnterRoom {
        room_id,
        enter_unique_id,
        live_id,
        identity,
    } = &frames[0].frame
    else {
        panic!("the first frame must enter the room: {frames:?}")
    };
    assert_eq!(
        (*room_id, *live_id, identity.as_str()),
        (7_300_000_000_000_000_001, 12, "audience")
    );
    assert!(*enter_unique_id > 0);
    let heartbeats: Vec<_> = frames
        .iter()
        .filter_map(|f| match f.frame {
            ClientFrame::Heartbeat { room_id, seq } => Some((room_id, seq, f.at)),
            _ => None,
        })
        .collect();
    assert!(heartbeats.len() >= 3, "{heartbeats:?}");
    for (i, pair) in heartbeats.windows(2).enumerate() {
        assert_eq!(pair[1].1, pair[0].1 + 1, "sequence numbers count up");
        assert_eq!(
            pair[1].2 - pair[0].2,
            Duration::from_secs(10),
            "heartbeat {i}"
        );
        assert_eq!(pair[0].0, 7_300_000_000_000_000_001);
    }
    assert!(frames.iter().any(|f| matches!(&f.frame, ClientFrame::Ack { log_id: 11, internal_ext } if internal_ext.contains("c-1"))));
    assert!(
        emu.closes().is_empty(),
        "the server had no reason to close: {:?}",
        emu.closes()
    );

    let fetch = &emu.fetches()[0];
    let handshake = &emu.push.connections()[0].request;
    assert_eq!(
        handshake.header("user-agent"),
        fetch.query_param("user_agent").as_deref(),
        "one user agent"
    );
    assert_eq!(handshake.query_params("version_code"), ["180800", "270000"]);
    assert_eq!(handshake.query_param("room_id").as_deref(), Some(ROOM));
    assert_eq!(handshake.query_param("cursor").as_deref(), Some("c-0"));
    assert_eq!(
        handshake.query_param("signature").as_deref(),
        Some("emu-sig-0")
    );
    let cookie = handshake.header("cookie").unwrap();
    assert!(
        cookie.starts_with("ttwid=") && cookie.contains("tt_csrf_token=emu-csrf"),
        "{cookie}"
    );
    assert!(!cookie.contains("Path"), "{cookie}");
}

#[tokio::test(start_paused = true)]
async fn the_servers_handshake_options_set_the_heartbeat() {
    let mut config = config();
    config.ping_interval_secs = Some(3);
    config.scripts = vec![vec![
        PushStep::Sleep(Duration::from_secs(10)),
        PushStep::Batch(Batch::new("c", vec![room().control(1, 3)])),
    ]];
    let emu = TikTokEmulator::start(config).await.unwrap();
    collect(client(&emu, "alice_01").connect().await.unwrap()).await;
    let at: Vec<_> = emu
        .received()
        .into_iter()
        .filter(|f| matches!(f.frame, ClientFrame::Heartbeat { .. }))
        .map(|f| f.at)
        .collect();
    assert!(at.len() >= 3);
    assert_eq!(at[1] - at[0], Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn reconnects_with_the_last_cursor_and_counts_a_streak_once_across_the_drop() {
    let r = room();
    let rose = (5655, "Rose", 1, 1);
    let mut config = config();
    config.fetches = vec![
        Batch::new("c-0", vec![r.chat(1, &alice(), "one")]),
        // The resumed bootstrap repeats what was already delivered.
        Batch::new(
            "c-2",
            vec![
                r.chat(2, &bob(), "two"),
                r.gift(21, &bob(), rose, 3, false, 77),
            ],
        ),
    ];
    config.scripts = vec![
        vec![
            PushStep::Batch(Batch::new(
                "c-2",
                vec![
                    r.chat(2, &bob(), "two"),
                    r.gift(20, &bob(), rose, 2, false, 77),
                    r.gift(21, &bob(), rose, 3, false, 77),
                ],
            )),
            PushStep::Sleep(Duration::from_secs(1)),
            PushStep::Drop,
        ],
        vec![
            PushStep::Batch(Batch::new(
                "c-3",
                vec![
                    r.chat(3, &alice(), "three"),
                    r.gift(22, &bob(), rose, 5, true, 77),
                ],
            )),
            PushStep::Batch(Batch::new("c-4", vec![r.control(4, 3)])),
        ],
    ];
    let emu = TikTokEmulator::start(config).await.unwrap();
    let events = collect(client(&emu, "alice_01").connect().await.unwrap()).await;
    assert_eq!(
        summary(&events),
        [
            "connected",
            "chat:one",
            "chat:two",
            "reconnecting",
            "connected",
            "chat:three",
            "gift",
            "stream_end",
            "disconnected:stream ended"
        ]
    );
    let gift = events
        .iter()
        .find_map(|e| e.to_live_event().filter(|l| l.kind.as_str() == "gift"))
        .unwrap();
    let live_model::EventKind::Gift(gift) = gift.kind else {
        panic!()
    };
    assert_eq!(gift.count, 5);
    let fetches = emu.fetches();
    assert_eq!(fetches.len(), 2);
    assert_eq!(fetches[0].query_param("cursor"), None);
    assert_eq!(
        fetches[1].query_param("cursor").as_deref(),
        Some("c-2"),
        "resumed from the last cursor"
    );
    assert_eq!(
        emu.push.connections()[1]
            .request
            .query_param("cursor")
            .as_deref(),
        Some("c-2")
    );
    let lifecycle = events
        .iter()
        .find_map(|e| match e {
            TikTokEvent::Reconnecting(l) => Some(l),
            _ => None,
        })
        .unwrap();
    assert_eq!(lifecycle.attempt, Some(1));
}

#[tokio::test(start_paused = true)]
async fn a_silent_server_is_detected_and_left() {
    let mut config = config();
    config.scripts = vec![
        vec![PushStep::Silence],
        vec![PushStep::Batch(Batch::new("c", vec![room().control(1, 4)]))],
    ];
    let emu = TikTokEmulator::start(config).await.unwrap();
    let started = tokio::time::Instant::now();
    let events = collect(
        client(&emu, "alice_01")
            .stale_timeout(Duration::from_secs(30))
            .connect()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        summary(&events),
        [
            "connected",
            "reconnecting",
            "connected",
            "stream_end",
            "disconnected:stream ended"
        ]
    );
    let TikTokEvent::Reconnecting(lifecycle) = &events[1] else {
        panic!()
    };
    assert_eq!(lifecycle.reason.as_deref(), Some("no frame for 30s"));
    assert!(started.elapsed() >= Duration::from_secs(30));
}

#[tokio::test(start_paused = true)]
async fn bombs_and_truncated_frames_are_skipped_and_the_stream_goes_on() {
    let r = room();
    let good = Batch::new("c", vec![r.chat(1, &alice(), "survivor")]).frame();
    let mut config = config();
    config.scripts = vec![vec![
        PushStep::Raw(gzip_bomb_frame(1, 32 << 20)),
        PushStep::Raw(good[..good.len() / 2].to_vec()),
        PushStep::Raw(good),
        PushStep::Batch(Batch::new("c", vec![r.control(2, 3)])),
    ]];
    let emu = TikTokEmulator::start(config).await.unwrap();
    let events = collect(client(&emu, "alice_01").connect().await.unwrap()).await;
    assert_eq!(
        summary(&events),
        [
            "connected",
            "chat:survivor",
            "stream_end",
            "disconnected:stream ended"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_refused_handshake_is_a_typed_error() {
    let mut config = config();
    config.refuse_handshake = Some(("415".into(), "DEVICE_BLOCKED".into()));
    let emu = TikTokEmulator::start(config).await.unwrap();
    let error = client(&emu, "alice_01").connect().await.unwrap_err();
    assert!(error.to_string().contains("DEVICE_BLOCKED"), "{error}");
    let Error::HandshakeRejected {
        status,
        handshake_status,
        message,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(
        (*status, handshake_status.as_deref(), message.as_deref()),
        (200, Some("415"), Some("DEVICE_BLOCKED"))
    );
}

#[tokio::test(start_paused = true)]
async fn lookups_report_not_found_offline_and_age_restriction() {
    let mut config = config();
    config.rooms.insert("sleepy".into(), RoomState::Offline);
    config.rooms.insert(
        "adults".into(),
        RoomState::AgeRestricted {
            room_id: "7300000000000000009".into(),
        },
    );
    let emu = TikTokEmulator::start(config).await.unwrap();
    let error = client(&emu, "nobody_here").connect().await.unwrap_err();
    assert!(
        matches!(error, Error::UserNotFound { ref unique_id } if unique_id == "nobody_here"),
        "{error:?}"
    );
    let error = client(&emu, "sleepy").connect().await.unwrap_err();
    assert!(matches!(error, Error::UserOffline { .. }), "{error:?}");
    let error = client(&emu, "adults").connect().await.unwrap_err();
    assert!(
        matches!(error, Error::AgeRestricted { ref room_id, .. } if room_id == "7300000000000000009"),
        "{error:?}"
    );
    assert!(
        emu.fetches().is_empty(),
        "no sign request is spent on a room that cannot be watched"
    );
}

#[tokio::test(start_paused = true)]
async fn lookups_fall_back_to_the_live_page_then_to_euler() {
    for (mode, expected_requests) in [(LookupMode::PageOnly, 2), (LookupMode::Blocked, 2)] {
        let mut config = config();
        config.lookup = mode;
        let emu = TikTokEmulator::start(config).await.unwrap();
        let client = client(&emu, "alice_01").build().unwrap();
        let room = client.lookup().resolve("alice_01").await.unwrap();
        assert_eq!(room.room_id, ROOM, "{mode:?}");
        let web_requests = emu.web.requests().len();
        assert_eq!(web_requests, expected_requests, "{mode:?}");
        let euler_asked = !emu.euler.requests_to("/webcast/room_id").is_empty();
        assert_eq!(euler_asked, mode == LookupMode::Blocked, "{mode:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn the_direct_flow_uses_a_ttwid_cookie_and_no_sign_server() {
    let mut config = config();
    config.scripts = vec![vec![
        PushStep::Batch(Batch::new("c", vec![room().chat(1, &alice(), "direct")])),
        PushStep::Batch(Batch::new("c", vec![room().control(2, 3)])),
    ]];
    let emu = TikTokEmulator::start(config).await.unwrap();
    let events = collect(
        client(&emu, "alice_01")
            .signer(SignerChoice::Direct)
            .direct_push_server(emu.push_url())
            .connect()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        summary(&events),
        [
            "connected",
            "chat:direct",
            "stream_end",
            "disconnected:stream ended"
        ]
    );
    assert!(emu.fetches().is_empty());
    let handshake = &emu.push.connections()[0].request;
    assert_eq!(handshake.query_param("ws_direct").as_deref(), Some("1"));
    assert!(
        handshake
            .header("cookie")
            .unwrap()
            .starts_with("ttwid=1%7Cdirect")
    );
}

#[tokio::test(start_paused = true)]
async fn close_ends_the_connection_cleanly_and_a_lost_connection_gives_up_when_told() {
    let emu = TikTokEmulator::start(config()).await.unwrap();
    let mut stream = client(&emu, "alice_01").connect().await.unwrap();
    assert!(matches!(
        stream.next_event().await,
        Some(TikTokEvent::Connected(_))
    ));
    stream.close().await;
    emu.push.wait_for_connections(1).await;

    let mut config = config();
    config.scripts = vec![vec![PushStep::Close(1011, "bye".into())]];
    let emu = TikTokEmulator::start(config).await.unwrap();
    let events = collect(
        client(&emu, "alice_01")
            .reconnect(ReconnectPolicy::default().max_attempts(Some(2)))
            .connect()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        summary(&events),
        [
            "connected",
            "reconnecting",
            "connected",
            "reconnecting",
            "connected",
            "disconnected:closed by the server (1011 bye)"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_replay_of_the_recorded_frames_reproduces_the_live_output() {
    use std::sync::{Arc, Mutex};

    let r = room();
    let rose = (5655, "Rose", 1, 1);
    let mut config = config();
    config.fetches = vec![
        Batch::new(
            "c-0",
            vec![
                r.chat(1, &alice(), "one"),
                r.gift(5, &bob(), rose, 1, false, 9),
            ],
        ),
        Batch::new("c-1", vec![r.chat(2, &bob(), "two")]),
    ];
    config.scripts = vec![
        vec![
            PushStep::Batch(
                Batch::new(
                    "c-1",
                    vec![
                        r.chat(2, &bob(), "two"),
                        r.gift(6, &bob(), rose, 3, false, 9),
                        r.like(7, &alice(), 5, 90),
                    ],
                )
                .with_ack(3),
            ),
            PushStep::Sleep(Duration::from_secs(30)),
            PushStep::Drop,
        ],
        vec![PushStep::Batch(Batch::new(
            "c-2",
            vec![r.viewers(8, 10, 20, &[]), r.control(9, 3)],
        ))],
    ];
    let emu = TikTokEmulator::start(config).await.unwrap();
    /// What the tap saw, owned.
    enum Taped {
        Frame(Vec<u8>, live_model::Timestamp),
        Lifecycle(TikTokEvent),
        Tick(live_model::Timestamp),
    }
    type Tape = Arc<Mutex<Vec<Taped>>>;
    let recording: Tape = Arc::default();
    let tape = Arc::clone(&recording);
    let stream = client(&emu, "alice_01")
        .frame_tap(move |record| {
            let owned = match record {
                tiktok_webcast::TapRecord::Frame { bytes, at } => Taped::Frame(bytes.to_vec(), at),
                tiktok_webcast::TapRecord::Lifecycle(event) => Taped::Lifecycle(event.clone()),
                tiktok_webcast::TapRecord::Tick { at } => Taped::Tick(at),
                _ => return,
            };
            tape.lock().unwrap().push(owned);
        })
        .connect()
        .await
        .unwrap();
    let live: Vec<String> = collect(stream)
        .await
        .iter()
        .filter_map(TikTokEvent::to_live_event)
        .map(|l| l.to_json_line())
        .collect();
    assert!(
        live.iter().any(|l| l.contains("\"kind\":\"gift\"")),
        "the streak timed out during the run: {live:?}"
    );
    for kind in ["connected", "reconnecting", "disconnected"] {
        assert!(
            live.iter()
                .any(|l| l.contains(&format!("\"kind\":\"{kind}\""))),
            "no {kind} in {live:?}"
        );
    }

    let mut replay =
        tiktok_webcast::Replayer::new("alice_01", tiktok_webcast::DecoderOptions::default());
    let mut replayed = Vec::new();
    for record in recording.lock().unwrap().drain(..) {
        match record {
            Taped::Frame(bytes, at) => {
                let _ = replay.frame(bytes::Bytes::from(bytes), at, &mut replayed);
            }
            Taped::Lifecycle(event) => replay.lifecycle(event, &mut replayed),
            Taped::Tick(at) => replay.tick(at, &mut replayed),
        }
    }
    replay.finish(&mut replayed);
    let replayed: Vec<String> = replayed
        .iter()
        .filter_map(TikTokEvent::to_live_event)
        .map(|l| l.to_json_line())
        .collect();
    // Every line, lifecycle included, in the same order with the same times.
    assert_eq!(replayed, live);
}

#[tokio::test(start_paused = true)]
async fn rooms_sharing_a_connection_pool_reuse_its_http_connections() {
    let emu = TikTokEmulator::start(config_with_bob()).await.unwrap();
    let pool = live_http::ConnectionPool::new().unwrap();
    let mut streams = Vec::new();
    for room in ["alice_01", "bob_02"] {
        let stream = client(&emu, room)
            .default_connection_pool(&pool)
            .connect()
            .await
            .unwrap();
        streams.push(stream);
    }
    // One connection to tiktok.com and one to Euler, whatever the number of rooms.
    assert_eq!(emu.web.connection_count(), 1);
    assert_eq!(emu.euler.connection_count(), 1);
    for stream in streams {
        stream.close().await;
    }

    // Without a shared pool, each room's client keeps its own connections.
    let emu = TikTokEmulator::start(config_with_bob()).await.unwrap();
    for room in ["alice_01", "bob_02"] {
        client(&emu, room).connect().await.unwrap().close().await;
    }
    assert_eq!(emu.web.connection_count(), 2);
}

fn config_with_bob() -> EmulatorConfig {
    let mut config = config();
    config.rooms.insert(
        "bob_02".to_owned(),
        RoomState::Live {
            room_id: "7300000000000000002".to_owned(),
        },
    );
    config
}
