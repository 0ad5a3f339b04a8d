//! Decode throughput: gzip'd push frames (1-5 messages each: chat, gift, like, member, viewer
//! count) through the sans-I/O decoder into typed events, and the unified conversion.
//!
//! `cargo bench -p tiktok-webcast --bench decode`. Figures go to docs/benchmarks.md.
#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group};
use flate2::{Crc, Decompress, FlushDecompress, Status};
use live_model::Timestamp;
use live_testkit::tiktok::{Batch, FakeMessage, FakeUser, Room, gzip};
use tiktok_webcast::{Decoder, DecoderOptions, TikTokEvent};

const FRAMES: usize = 1000;

fn users() -> Vec<FakeUser> {
    (0..50)
        .map(|i| {
            FakeUser::new(
                6_796_815_426_174_960_000 + i,
                &format!("viewer_{i:02}"),
                &format!("Viewer {i} 🌸"),
            )
        })
        .collect()
}

/// One message of each kind in turn, with unique ids.
fn message(room: &Room, users: &[FakeUser], n: usize) -> FakeMessage {
    let id = 7_300_000_000_000_000_000 + n as i64;
    let user = &users[n % users.len()];
    match n % 5 {
        0 => room.chat(id, user, "this stream is great, hello from Berlin!"),
        1 => room.gift(
            id,
            user,
            (5655, "Rose", 1, 1),
            (n % 7) as i64 + 1,
            n.is_multiple_of(3),
            n as i64 / 3,
        ),
        2 => room.like(id, user, 15, 519_000 + n as i64),
        3 => room.member(id, user, 1, 1200 + n as i64),
        _ => room.viewers(
            id,
            1200 + (n % 50) as i64,
            56_789,
            &[(&users[0], 300), (&users[1], 120)],
        ),
    }
}

/// The corpus's batches: `FRAMES` batches of 1 to 5 messages.
fn batches() -> Vec<Batch> {
    let room = Room::new(7_300_000_000_000_000_001, 1_700_000_000_000);
    let users = users();
    let mut n = 0;
    (0..FRAMES)
        .map(|f| {
            let count = f % 5 + 1;
            let messages = (0..count)
                .map(|_| {
                    n += 1;
                    message(&room, &users, n)
                })
                .collect();
            Batch::new(&format!("cursor-{f}"), messages)
        })
        .collect()
}

/// The corpus as push frames, gzip'd or not (to tell inflating from decoding).
fn corpus(gzip: bool) -> Vec<Bytes> {
    batches()
        .into_iter()
        .map(|batch| Bytes::from(Batch { gzip, ..batch }.frame()))
        .collect()
}

/// The corpus's gzip members alone (the payloads of the gzip'd frames).
fn gzip_members() -> Vec<Vec<u8>> {
    batches().iter().map(|b| gzip(&b.fetch_result())).collect()
}

/// Inflating alone, the way the decoder does (libdeflate's one-shot gunzip into a buffer sized
/// from the trailer, CRC checked): the floor under the decode figure.
fn inflate_only(members: &[Vec<u8>], iters: u64) -> Duration {
    let mut decompressor = libdeflater::Decompressor::new();
    let start = Instant::now();
    for i in 0..iters as usize {
        let member = &members[i % members.len()];
        let size = u32::from_le_bytes(member[member.len() - 4..].try_into().unwrap()) as usize;
        let mut out = vec![0u8; size];
        let written = decompressor.gzip_decompress(member, &mut out).unwrap();
        black_box((written, out));
    }
    start.elapsed()
}

/// The same with zlib-rs (through flate2), as the decoder did before: one reused `Decompress`,
/// the output sized from the trailer plus the fast loop's 258 bytes, CRC checked. Kept to show
/// why the decoder uses libdeflate (docs/benchmarks.md).
fn inflate_only_zlib_rs(members: &[Vec<u8>], iters: u64) -> Duration {
    let mut decompress = Decompress::new(false);
    let start = Instant::now();
    for i in 0..iters as usize {
        let member = &members[i % members.len()];
        let size = u32::from_le_bytes(member[member.len() - 4..].try_into().unwrap()) as usize;
        let mut out = Vec::with_capacity(size + 258);
        decompress.reset(false);
        let status = decompress
            .decompress_vec(&member[10..], &mut out, FlushDecompress::Finish)
            .unwrap();
        assert_eq!(status, Status::StreamEnd);
        let mut crc = Crc::new();
        crc.update(&out);
        black_box((crc.sum(), out));
    }
    start.elapsed()
}

/// The frame of tiktok.md §7.4: 3 messages (chat, gift with streak fields, like), gzip'd or
/// not (TLC's 17 µs figure is its synchronous path, without gzip).
fn three_message_frames(gzip: bool) -> Vec<Bytes> {
    let room = Room::new(7_300_000_000_000_000_001, 1_700_000_000_000);
    let alice = FakeUser::new(6_796_815_426_174_960_646, "alice_01", "Alice");
    (0..FRAMES as i64)
        .map(|i| {
            let id = 7_300_000_000_000_000_000 + i * 3;
            Bytes::from(
                Batch {
                    gzip,
                    ..Batch::new(
                        "c",
                        vec![
                            room.chat(id, &alice, "hello world"),
                            room.gift(id + 1, &alice, (5655, "Rose", 1, 1), 3, false, i),
                            room.like(id + 2, &alice, 15, 519_000),
                        ],
                    )
                }
                .frame(),
            )
        })
        .collect()
}

/// Decodes `iters` frames from `frames` (a fresh decoder per pass so ids stay new).
fn run(frames: &[Bytes], iters: u64, convert: bool) -> Duration {
    let now = Timestamp::from_unix_millis(1_700_000_000_000);
    let mut out: Vec<TikTokEvent> = Vec::with_capacity(16);
    let mut decoder = Decoder::new("alice_01", DecoderOptions::default());
    let start = Instant::now();
    for i in 0..iters as usize {
        if i % frames.len() == 0 && i > 0 {
            decoder = Decoder::new("alice_01", DecoderOptions::default());
        }
        decoder
            .push_frame(frames[i % frames.len()].clone(), now, &mut out)
            .unwrap();
        if convert {
            for event in &out {
                black_box(event.to_live_event());
            }
        }
        black_box(&out);
        out.clear();
    }
    start.elapsed()
}

fn bench(c: &mut Criterion) {
    let gzipped = corpus(true);
    let plain_corpus = corpus(false);
    let members = gzip_members();
    let three = three_message_frames(true);
    let plain = three_message_frames(false);
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Elements(1));
    group.bench_function("corpus_frame_1to5_msgs", |b| {
        b.iter_custom(|iters| run(&gzipped, iters, false))
    });
    group.bench_function("corpus_frame_1to5_msgs_uncompressed", |b| {
        b.iter_custom(|iters| run(&plain_corpus, iters, false))
    });
    group.bench_function("corpus_inflate_only", |b| {
        b.iter_custom(|iters| inflate_only(&members, iters))
    });
    group.bench_function("corpus_inflate_only_zlib_rs", |b| {
        b.iter_custom(|iters| inflate_only_zlib_rs(&members, iters))
    });
    group.bench_function("corpus_frame_1to5_msgs_to_live_event", |b| {
        b.iter_custom(|iters| run(&gzipped, iters, true))
    });
    group.bench_function("frame_chat_gift_like", |b| {
        b.iter_custom(|iters| run(&three, iters, false))
    });
    group.bench_function("frame_chat_gift_like_uncompressed", |b| {
        b.iter_custom(|iters| run(&plain, iters, false))
    });
    group.bench_function("frame_chat_gift_like_to_live_event", |b| {
        b.iter_custom(|iters| run(&three, iters, true))
    });
    group.finish();
}

criterion_group!(benches, bench);

/// `TIKTOK_DECODE_FRAMES=N` decodes N corpus frames once and exits, for `perf stat`: CPU time
/// on one core, which a busy shared machine distorts far less than wall time.
fn main() {
    if let Some(n) = std::env::var("TIKTOK_DECODE_FRAMES")
        .ok()
        .and_then(|n| n.parse::<u64>().ok())
    {
        // `TIKTOK_DECODE_PLAIN=1`: the corpus without gzip; `TIKTOK_DECODE_CONVERT=1`: with
        // `to_live_event()` on every event; `TIKTOK_DECODE_INFLATE_ONLY=1`: inflating alone.
        let elapsed = if std::env::var_os("TIKTOK_DECODE_INFLATE_ONLY").is_some() {
            inflate_only(&gzip_members(), n)
        } else {
            let frames = corpus(std::env::var_os("TIKTOK_DECODE_PLAIN").is_none());
            let convert = std::env::var_os("TIKTOK_DECODE_CONVERT").is_some();
            run(&frames, n, convert)
        };
        eprintln!(
            "{n} frames in {elapsed:?} wall: {:.0} frames/s",
            n as f64 / elapsed.as_secs_f64()
        );
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
