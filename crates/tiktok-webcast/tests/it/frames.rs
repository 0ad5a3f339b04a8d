//! The binary fixtures of `fixtures/tiktok/`: realistic push frames (described in
//! `fixtures/tiktok/frames.json`), decoded and snapshotted. `TIKTOK_WRITE_FIXTURES=1`
//! rewrites them from the builders.

use bytes::Bytes;
use live_model::Timestamp;
use live_testkit::fixtures::{fixture_files, fixture_path, read_json};
use live_testkit::tiktok::Batch;
use tiktok_webcast::{Decoder, DecoderOptions, TikTokEvent};

use crate::{T0, alice, bob, room};

fn fixture_batches() -> Vec<(&'static str, Batch)> {
    let r = room();
    let carol =
        live_testkit::tiktok::FakeUser::new(7_190_000_000_000_000_123, "carol_plays", "キャロル");
    vec![
        (
            "chat_gift_like.bin",
            Batch::new(
                "1700000000000_7300000000000000001_1_1",
                vec![
                    r.chat(7_300_000_000_000_100_001, &alice(), "hello world"),
                    r.gift(
                        7_300_000_000_000_100_002,
                        &bob(),
                        (5655, "Rose", 1, 1),
                        3,
                        false,
                        1_700_000_000_123,
                    ),
                    r.like(7_300_000_000_000_100_003, &carol, 15, 519_204),
                ],
            )
            .with_ack(99_887_766),
        ),
        (
            "streak_end_and_viewers.bin",
            Batch::new(
                "1700000000000_7300000000000000001_1_2",
                vec![
                    r.gift(
                        7_300_000_000_000_100_004,
                        &bob(),
                        (5655, "Rose", 1, 1),
                        7,
                        true,
                        1_700_000_000_123,
                    ),
                    r.viewers(
                        7_300_000_000_000_100_005,
                        1_234,
                        56_789,
                        &[(&bob(), 7), (&carol, 1)],
                    ),
                    r.member(7_300_000_000_000_100_006, &carol, 1, 1_235),
                    r.social(
                        7_300_000_000_000_100_007,
                        &carol,
                        "pm_mt_msg_viewer_follow",
                        1,
                    ),
                    r.social(
                        7_300_000_000_000_100_008,
                        &alice(),
                        "pm_mt_guidance_viewer_2_share",
                        3,
                    ),
                ],
            ),
        ),
        (
            "unknown_and_stream_end.bin",
            Batch::new(
                "1700000000000_7300000000000000001_1_3",
                vec![
                    r.subscription(7_300_000_000_000_100_009, &alice(), 2),
                    r.raw(
                        7_300_000_000_000_100_010,
                        "WebcastGameServerFeatureMessage",
                        vec![0x08, 0x01, 0x12, 0x02, b'o', b'k'],
                    ),
                    r.control(7_300_000_000_000_100_011, 3),
                ],
            ),
        ),
    ]
}

#[test]
fn binary_fixtures_decode_to_the_snapshotted_events() {
    let batches = fixture_batches();
    if std::env::var_os("TIKTOK_WRITE_FIXTURES").is_some() {
        for (name, batch) in &batches {
            std::fs::write(fixture_path(&format!("tiktok/{name}")), batch.frame()).unwrap();
        }
    }
    let description = read_json(&fixture_path("tiktok/frames.json"));
    let mut decoder = Decoder::new("alice_01", DecoderOptions::default());
    let mut lines = Vec::new();
    for (i, (name, batch)) in batches.iter().enumerate() {
        let bytes = std::fs::read(fixture_path(&format!("tiktok/{name}"))).unwrap();
        let described = &description["frames"][name.to_owned()];
        assert_eq!(
            described["messages"].as_array().unwrap().len(),
            batch.messages.len(),
            "{name}"
        );
        let mut out = Vec::new();
        let outcome = decoder
            .push_frame(
                Bytes::from(bytes),
                Timestamp::from_unix_millis(T0 + i as i64 * 1000),
                &mut out,
            )
            .unwrap();
        assert_eq!(outcome.messages, batch.messages.len(), "{name}");
        assert_eq!(
            outcome.ack.is_some(),
            described["need_ack"].as_bool().unwrap(),
            "{name}"
        );
        assert_eq!(decoder.cursor(), batch.cursor);
        for event in &out {
            if let Some(line) = event.to_live_event() {
                lines.push(line);
            }
        }
        if name.starts_with("chat") {
            let TikTokEvent::Chat(chat) = &out[0] else {
                panic!()
            };
            assert_eq!(chat.message().content, "hello world");
        }
    }
    insta::assert_json_snapshot!("binary_fixture_lines", lines);
}

#[test]
fn every_tiktok_fixture_is_described_and_tested() {
    let mut expected: Vec<String> = fixture_batches()
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    expected.push("frames.json".to_owned());
    expected.sort();
    assert_eq!(fixture_files("tiktok"), expected);
}
