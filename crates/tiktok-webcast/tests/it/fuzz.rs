//! A bounded no-panic loop: random and mutated bytes into every decoding entry point.

use bytes::Bytes;
use live_model::Timestamp;
use live_testkit::tiktok::{Batch, msg_frame};
use tiktok_webcast::codec::PushFrame;
use tiktok_webcast::{Decoder, DecoderOptions};

use crate::{T0, alice, bob, room};
use live_testkit::fuzz::Rng;

fn seeds() -> Vec<Vec<u8>> {
    let r = room();
    let messages = vec![
        r.chat(1, &alice(), "hello"),
        r.gift(2, &bob(), (5655, "Rose", 1, 1), 3, false, 9),
        r.like(3, &alice(), 5, 100),
        r.viewers(4, 10, 20, &[(&bob(), 5)]),
        r.poll_start(5, 1, "?", &[("a", 1)]),
        r.control(6, 3),
    ];
    let plain = Batch {
        gzip: false,
        ..Batch::new("c", messages.clone())
    };
    vec![
        Batch::new("c", messages).with_ack(7).frame(),
        plain.frame(),
        plain.fetch_result(),
        msg_frame(1, &plain.fetch_result()[..40], false),
    ]
}

#[test]
fn random_and_mutated_bytes_never_panic() {
    let mut rng = Rng::new(0x9e37_79b9_7f4a_7c15);
    let seeds = seeds();
    let now = Timestamp::from_unix_millis(T0);
    let mut decoder = Decoder::new(
        "fuzz",
        DecoderOptions::default().max_decompressed_bytes(1 << 16),
    );
    let mut out = Vec::new();
    let mut decoded = 0usize;
    for i in 0..12_000 {
        let bytes: Vec<u8> = if i % 4 == 0 {
            (0..rng.below(256)).map(|_| rng.next_u64() as u8).collect()
        } else {
            let mut bytes = seeds[rng.below(seeds.len())].clone();
            for _ in 0..=rng.below(8) {
                if bytes.is_empty() {
                    break;
                }
                let at = rng.below(bytes.len());
                match rng.below(4) {
                    0 => bytes[at] = rng.next_u64() as u8,
                    1 => bytes.truncate(at),
                    2 => bytes.insert(at, rng.next_u64() as u8),
                    _ => bytes[at] ^= 1 << rng.below(8),
                }
            }
            bytes
        };
        let _ = PushFrame::decode(Bytes::from(bytes.clone()));
        if decoder
            .push_frame(Bytes::from(bytes.clone()), now, &mut out)
            .is_ok()
        {
            decoded += 1;
        }
        let _ = decoder.push_fetch_result(Bytes::from(bytes), now, &mut out);
        for event in out.drain(..) {
            let _ = event.to_live_event();
        }
    }
    assert!(
        decoded > 100,
        "mutations should still decode sometimes: {decoded}"
    );
}
