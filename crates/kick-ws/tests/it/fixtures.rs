//! Every fixture in `fixtures/kick/` decoded, in typed and unified form, and snapshotted.

use kick_ws::{
    ChannelInfo, DecoderOptions, FrameSource, KickDecoder, KickEvent, RawFrame, WatchRecord,
};
use live_model::Timestamp;
use live_testkit::fixtures::{fixture_files, fixture_path};

/// The chatroom and channel the fixtures were made for.
pub const CHATROOM: u64 = 2_515_504;
pub const CHANNEL: u64 = 2_515_680;

pub fn at() -> Timestamp {
    Timestamp::parse_rfc3339("2024-10-27T14:30:00Z").unwrap()
}

pub fn decoder() -> KickDecoder {
    let mut decoder = KickDecoder::new(DecoderOptions::new().include_raw(true));
    decoder.watch(WatchRecord::new("streamername", CHATROOM, CHANNEL), at());
    decoder
}

pub fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture_path(&format!("kick/{name}"))).unwrap()
}

/// A fixture as the socket would deliver it: the same JSON on one line.
pub fn fixture_frame(name: &str) -> RawFrame {
    let value: serde_json::Value = serde_json::from_str(&fixture_text(name)).unwrap();
    let source = if name.starts_with("centrifugo.") {
        FrameSource::Centrifugo
    } else {
        FrameSource::Pusher
    };
    RawFrame::new(source, value.to_string(), at())
}

fn render(events: &[KickEvent]) -> String {
    let typed = serde_json::to_string_pretty(events).unwrap();
    let unified: Vec<String> = events
        .iter()
        .filter_map(KickEvent::to_live_event)
        .map(|e| e.to_json_line())
        .collect();
    format!("typed:\n{typed}\n\nunified:\n{}\n", unified.join("\n"))
}

#[test]
fn every_event_fixture_decodes_to_its_snapshot() {
    let mut checked = 0;
    for name in fixture_files("kick") {
        if name.starts_with("api.") {
            continue;
        }
        let mut decoder = decoder();
        let decoded = decoder.decode(&fixture_frame(&name));
        let mut events = decoded.events;
        events.extend(decoder.flush());
        assert!(!events.is_empty(), "{name} gave no event");
        for event in &events {
            assert!(
                !matches!(event, KickEvent::Error(_)),
                "{name} did not decode: {event:?}"
            );
            if !name.starts_with("unknown.") {
                assert!(
                    !matches!(event, KickEvent::Unknown(_)),
                    "{name} is not typed: {event:?}"
                );
            }
        }
        let text = render(&events);
        assert!(
            !text.contains("SIGNEDTOKEN"),
            "{name} leaks the playback URL"
        );
        let snapshot = name.trim_end_matches(".json").replace('.', "_");
        insta::assert_snapshot!(snapshot, text);
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} fixtures");
}

#[test]
fn chunked_gifts_merge_into_one_event() {
    let mut decoder = decoder();
    let first = decoder.decode(&fixture_frame("gifted_subscriptions.chunk_0.json"));
    assert!(
        first.events.is_empty(),
        "the first chunk waits for the second"
    );
    // The same chunk again (another alias) changes nothing.
    assert!(
        decoder
            .decode(&fixture_frame("gifted_subscriptions.chunk_0.json"))
            .events
            .is_empty()
    );
    let second = decoder.decode(&fixture_frame("gifted_subscriptions.chunk_1.json"));
    let [KickEvent::GiftedSubscriptions(gift)] = second.events.as_slice() else {
        panic!("expected one merged gift, got {:?}", second.events);
    };
    assert_eq!(gift.data.gifted_usernames.len(), 25);
    assert_eq!(gift.data.gifted_usernames[0], "viewer_01");
    assert_eq!(gift.data.gifted_usernames[24], "viewer_25");
    let line = second.events[0].to_live_event().unwrap();
    let json: serde_json::Value = serde_json::from_str(&line.to_json_line()).unwrap();
    assert_eq!(json["count"], 25);
    assert_eq!(json["user"]["name"], "BigSpender");
    assert!(decoder.flush().is_empty());
}

#[test]
fn a_lone_chunk_is_emitted_after_the_timeout_by_later_frames() {
    let mut decoder = decoder();
    assert!(
        decoder
            .decode(&fixture_frame("gifted_subscriptions.chunk_0.json"))
            .events
            .is_empty()
    );
    let later = Timestamp::from_unix_millis(at().unix_millis() + 11_000);
    let ping = RawFrame::new(
        FrameSource::Pusher,
        r#"{"event":"pusher:pong","data":{}}"#,
        later,
    );
    let decoded = decoder.decode(&ping);
    let [KickEvent::GiftedSubscriptions(gift)] = decoded.events.as_slice() else {
        panic!("expected the partial gift, got {:?}", decoded.events);
    };
    assert_eq!(gift.data.gifted_usernames.len(), 20);
    assert_eq!(gift.data.count(), 25, "gifted_total says 25");
}

#[test]
fn api_fixtures_decode() {
    let info: ChannelInfo = serde_json::from_str(&fixture_text("api.channel.json")).unwrap();
    assert_eq!(info.chatroom_id(), Some(CHATROOM));
    assert_eq!(info.channel_id(), Some(CHANNEL));
    let record = info.to_record("streamername").unwrap();
    assert_eq!(record.livestream_id, Some(55_012_345));
    assert_eq!(record.viewers, Some(1361));
    let offline: ChannelInfo =
        serde_json::from_str(&fixture_text("api.channel.offline.json")).unwrap();
    assert!(offline.live().is_none());
    assert_eq!(offline.chatroom_id(), Some(3_344_001));
    let summaries = serde_json::json!([info.summary(), offline.summary()]);
    assert!(!summaries.to_string().contains("SIGNEDTOKEN"));
    insta::assert_json_snapshot!("api_channel_summaries", summaries);

    let mut decoder = KickDecoder::default();
    decoder.watch(record, at());
    let viewers = RawFrame::new(
        FrameSource::Viewers,
        fixture_text("api.current_viewers.json"),
        at(),
    );
    let events = decoder.decode(&viewers).events;
    let [KickEvent::ViewerCount(count)] = events.as_slice() else {
        panic!("{events:?}");
    };
    assert_eq!(count.viewers, 1402);
    // The same count again is not an event.
    assert!(decoder.decode(&viewers).events.is_empty());
}
