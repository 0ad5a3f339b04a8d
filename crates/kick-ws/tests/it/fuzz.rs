//! Arbitrary and mutated input into the decoder: never a panic, always a result.

use kick_ws::{DecoderOptions, FrameSource, KickDecoder, RawFrame, WatchRecord};
use live_model::Timestamp;
use live_testkit::fixtures::fixture_files;

use crate::fixtures::{CHANNEL, CHATROOM, fixture_frame};
use live_testkit::fuzz::Rng;

const SPICE: &[&str] = &[
    "\"",
    "\\",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "null",
    "true",
    "-1",
    "1e999",
    "\\u0000",
    "\"data\":\"[]\"",
    "\"data\":{}",
    "\"channel\":\"chatrooms.2515504.v2\"",
    "\n",
    "💥",
    "0",
    "18446744073709551616",
    "\"event\":\"KicksGifted\"",
    "\"id\":\"\"",
    "{\"push\":{}}",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..=rng.below(4) {
        match rng.below(5) {
            0 if !bytes.is_empty() => {
                let at = rng.below(bytes.len());
                bytes[at] = (rng.next_u64() & 0x7f) as u8;
            }
            1 if !bytes.is_empty() => {
                let at = rng.below(bytes.len());
                let len = rng.below(16).min(bytes.len() - at);
                bytes.drain(at..at + len);
            }
            2 => {
                let at = rng.below(bytes.len() + 1);
                let spice = SPICE[rng.below(SPICE.len())];
                bytes.splice(at..at, spice.bytes());
            }
            3 if !bytes.is_empty() => {
                let at = rng.below(bytes.len());
                bytes.truncate(at);
            }
            _ => {
                let len = rng.below(64);
                bytes.extend((0..len).map(|_| (rng.next_u64() & 0xff) as u8));
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[test]
fn mutated_and_random_frames_never_panic() {
    let seeds: Vec<String> = fixture_files("kick")
        .into_iter()
        .filter(|n| !n.starts_with("api."))
        .map(|n| fixture_frame(&n).text.to_string())
        .chain([
            r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"1.2\",\"activity_timeout\":120}"}"#.to_owned(),
            r#"{"event":"pusher:error","data":{"code":4001,"message":"x"}}"#.to_owned(),
            r#"{"id":1,"connect":{"client":"c","ping":25,"pong":true}}"#.to_owned(),
            r#"[{"livestream_id":1,"viewers":2}]"#.to_owned(),
            r#"{"room":"streamername","chatroom_id":2515504,"channel_id":2515680}"#.to_owned(),
            r#"{"state":"reconnecting","attempt":1,"retry_in_ms":0}"#.to_owned(),
        ])
        .collect();
    let sources = [
        FrameSource::Pusher,
        FrameSource::Centrifugo,
        FrameSource::Viewers,
        FrameSource::Watch,
        FrameSource::Unwatch,
        FrameSource::Lifecycle,
    ];
    let mut rng = Rng::new(0x9E37_79B9_7F4A_7C15);
    let mut decoder = KickDecoder::new(DecoderOptions::new().include_raw(true));
    let base = Timestamp::from_unix_seconds(1_730_038_312);
    decoder.watch(WatchRecord::new("streamername", CHATROOM, CHANNEL), base);
    let mut events = 0usize;
    for i in 0..12_000u64 {
        let seed = &seeds[rng.below(seeds.len())];
        let text = if rng.below(10) == 0 {
            let len = rng.below(256);
            String::from_utf8_lossy(
                &(0..len)
                    .map(|_| (rng.next_u64() & 0xff) as u8)
                    .collect::<Vec<_>>(),
            )
            .into_owned()
        } else {
            mutate(&mut rng, seed)
        };
        // Mostly wire frames; sometimes the client's own records, mutated too.
        let source = if rng.below(4) == 0 {
            sources[rng.below(sources.len())]
        } else if rng.below(3) == 0 {
            FrameSource::Centrifugo
        } else {
            FrameSource::Pusher
        };
        let at = Timestamp::from_unix_millis(base.unix_millis() + (i as i64) * 37);
        let decoded = decoder.decode(&RawFrame::new(source, text, at));
        for event in &decoded.events {
            // Conversion and serialisation must hold for whatever came out.
            if let Some(line) = event.to_live_event() {
                assert!(!line.to_json_line().is_empty());
            }
            events += 1;
        }
        if !decoder.is_watched("streamername") {
            decoder.watch(WatchRecord::new("streamername", CHATROOM, CHANNEL), at);
        }
    }
    events += decoder.flush().len();
    assert!(
        events > 1000,
        "only {events} events: the mutations are too destructive"
    );
}
