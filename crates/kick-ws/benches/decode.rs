//! Decode throughput: a realistic mix of Kick Pusher frames (mostly chat, with replies,
//! emotes, bans, deletions, subscriptions, gifted subscriptions, Kicks, polls, pings and
//! subscription confirmations) through the sans-I/O decoder: envelope, inner JSON, typed
//! event, de-duplication. A second group adds the unified conversion.
//!
//! `cargo bench -p kick-ws --bench decode`. Figures go to docs/benchmarks.md.
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group};
use kick_ws::{Decoded, FrameSource, KickDecoder, KickEvent, RawFrame, WatchRecord};
use live_model::Timestamp;
use serde_json::json;

const FRAMES: usize = 2000;
const CHATROOM: u64 = 2_515_504;
const CHANNEL: u64 = 2_515_680;

fn frame(name: &str, channel: &str, data: serde_json::Value) -> String {
    json!({"event": name, "data": data.to_string(), "channel": channel}).to_string()
}

fn sender(i: usize) -> serde_json::Value {
    json!({"id": 346_148 + i, "username": format!("viewer_{i:03}"), "slug": format!("viewer-{i:03}"),
        "identity": {"color": "#FF9D00", "badges": if i.is_multiple_of(3) {
            json!([{"type": "subscriber", "text": "Subscriber", "count": i % 24}, {"type": "sub_gifter", "text": "Sub Gifter", "count": 5}])
        } else { json!([]) }}})
}

/// One frame of the mix; `i` makes every id unique.
fn mixed(i: usize) -> String {
    let v2 = format!("chatrooms.{CHATROOM}.v2");
    let texts = [
        "that clutch was insane [emote:37226:KEKW]",
        "gg",
        "where is the merch link?",
        "hola a todos desde Madrid 👋",
        "[emote:39261:kkHuh] [emote:39261:kkHuh]",
        "LETS GOOOO",
    ];
    match i % 20 {
        0..=11 => frame(
            "App\\Events\\ChatMessageEvent",
            &v2,
            json!({
            "id": format!("0f3c9d1e-6b2a-4c59-9d8e-{i:012}"), "chatroom_id": CHATROOM,
            "content": texts[i % texts.len()], "type": "message",
            "created_at": "2024-10-27T14:11:52+00:00", "sender": sender(i % 500),
            "metadata": {"message_ref": format!("17300383{i:05}")}}),
        ),
        12 | 13 => frame(
            "App\\Events\\ChatMessageEvent",
            &v2,
            json!({
            "id": format!("8a1f2b3c-4d5e-46f7-8091-{i:012}"), "chatroom_id": CHATROOM,
            "content": "@viewer_001 it really was", "type": "reply",
            "created_at": "2024-10-27T14:21:32+00:00", "sender": sender(i % 500),
            "metadata": {"original_sender": {"id": "346149", "username": "viewer_001"},
                "original_message": {"id": "0f3c9d1e-6b2a-4c59-9d8e-000000000001", "content": "gg"}}}),
        ),
        14 => frame(
            "App\\Events\\MessageDeletedEvent",
            &v2,
            json!({
            "id": format!("e5d4c3b2-a190-4f8e-9d7c-{i:012}"), "message": {"id": format!("0f3c9d1e-6b2a-4c59-9d8e-{:012}", i - 14)},
            "aiModerated": false}),
        ),
        15 => frame(
            "App\\Events\\UserBannedEvent",
            &v2,
            json!({
            "id": format!("b8c7d6e5-f4a3-42b1-8c9d-{i:012}"), "user": {"id": 7_723_019 + i, "username": "pixelRaven", "slug": "pixelraven"},
            "banned_by": {"id": 44_065_611, "username": "ModKatie", "slug": "modkatie"}, "permanent": false,
            "duration": 10, "expires_at": "2024-10-27T14:58:34+00:00"}),
        ),
        16 => frame(
            "KicksGifted",
            &format!("channel_{CHANNEL}"),
            json!({
            "gift_transaction_id": format!("gt_{i}"), "sender": {"id": 346_148, "username": "NightOwl_42", "username_color": "#FF9D00"},
            "gift": {"gift_id": "rage_quit", "name": "Rage Quit", "amount": 100, "type": "BASIC", "tier": "BASIC"},
            "created_at": "2024-10-27T15:10:00.000000Z"}),
        ),
        17 => frame(
            "App\\Events\\SubscriptionEvent",
            &v2,
            json!({
            "chatroom_id": CHATROOM, "username": format!("viewer_{i}"), "months": i % 24}),
        ),
        18 => frame(
            "App\\Events\\PollUpdateEvent",
            &v2,
            json!({"poll": {
            "title": "Which map next?", "options": [{"id": 0, "label": "Ascent", "votes": i}, {"id": 1, "label": "Lotus", "votes": i / 2}],
            "duration": 30, "remaining": 22, "result_display_duration": 15}}),
        ),
        _ => {
            if i % 40 == 19 {
                r#"{"event":"pusher:pong","data":{}}"#.to_owned()
            } else {
                format!(
                    r#"{{"event":"pusher_internal:subscription_succeeded","data":"{{}}","channel":"{v2}"}}"#
                )
            }
        }
    }
}

fn frames() -> Vec<RawFrame> {
    let base = Timestamp::from_unix_seconds(1_730_038_312);
    (0..FRAMES)
        .map(|i| {
            let at = Timestamp::from_unix_millis(base.unix_millis() + i as i64 * 5);
            RawFrame::new(FrameSource::Pusher, mixed(i), at)
        })
        .collect()
}

fn decoder() -> KickDecoder {
    let mut decoder = KickDecoder::default();
    decoder.watch(
        WatchRecord::new("streamername", CHATROOM, CHANNEL),
        Timestamp::from_unix_seconds(1_730_038_312),
    );
    decoder
}

fn bench(c: &mut Criterion) {
    let frames = frames();
    let bytes: usize = frames.iter().map(|f| f.text.len()).sum();
    let mut group = c.benchmark_group("kick_decode");
    group.throughput(Throughput::Elements(frames.len() as u64));
    group.bench_function(format!("mixed_{FRAMES}_frames_{}KiB", bytes / 1024), |b| {
        b.iter_batched(
            decoder,
            |mut decoder| {
                let mut out = Decoded::default();
                for frame in &frames {
                    out.events.clear();
                    out.signals.clear();
                    decoder.decode_into(black_box(frame), &mut out);
                    black_box(&out);
                }
                decoder
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("mixed_to_live_event", |b| {
        b.iter_batched(
            decoder,
            |mut decoder| {
                let mut out = Decoded::default();
                for frame in &frames {
                    out.events.clear();
                    out.signals.clear();
                    decoder.decode_into(black_box(frame), &mut out);
                    for event in &out.events {
                        black_box(KickEvent::to_live_event(event));
                    }
                }
                decoder
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, bench);

/// `KICK_DECODE_FRAMES=N` decodes N frames of the mix once and exits, for `perf stat`: CPU
/// time on one core, which a busy shared machine distorts far less than wall time.
fn main() {
    if let Some(n) = std::env::var("KICK_DECODE_FRAMES")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        let frames = frames();
        let started = std::time::Instant::now();
        let mut done = 0;
        let mut out = Decoded::default();
        while done < n {
            let mut decoder = decoder();
            for frame in frames.iter().take(n - done) {
                out.events.clear();
                out.signals.clear();
                decoder.decode_into(black_box(frame), &mut out);
                black_box(&out);
                done += 1;
            }
        }
        let elapsed = started.elapsed();
        eprintln!(
            "{n} frames in {elapsed:?} wall: {:.0} frames/s",
            n as f64 / elapsed.as_secs_f64()
        );
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
