//! Bounded no-panic loops over every decoder: mutated fixtures (seeded, so a failure
//! reproduces) through the room and chat decoders, the message accessors, and the envelope
//! classifier. Each must give a value or an error, never a panic.

use kitkot::{ChatPage, KitkotClassifier, Room, RoomExists, RoomStatus, Session};
use live_http::{Classifier, Headers, Response, Secret};
use live_testkit::fixtures::fixture_path;
use live_testkit::fuzz::Rng;

const TOKENS: [&[u8]; 12] = [
    b"null",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b",",
    b"-1",
    b"1e999",
    b"\"\\u0000\"",
    b"18446744073709551616",
    b"true",
];

fn mutate(rng: &mut Rng, original: &[u8]) -> Vec<u8> {
    let mut bytes = original.to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(6) {
            0 if !bytes.is_empty() => {
                let i = at.min(bytes.len() - 1);
                bytes[i] ^= 1 << rng.below(8);
            }
            1 => bytes.truncate(at),
            2 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                bytes.splice(at..at, token.iter().copied());
            }
            3 if at < bytes.len() => {
                let end = (at + rng.below(64)).min(bytes.len());
                bytes.drain(at..end);
            }
            4 => {
                // Replace a value after a colon with a token of another type.
                if let Some(colon) = bytes[at.min(bytes.len())..].iter().position(|b| *b == b':') {
                    let start = at + colon + 1;
                    let end = (start + 1 + rng.below(24)).min(bytes.len());
                    let token = TOKENS[rng.below(TOKENS.len())];
                    bytes.splice(start..end, token.iter().copied());
                }
            }
            _ => bytes.insert(at, u8::try_from(rng.below(256)).unwrap()),
        }
    }
    bytes
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(&format!("kitkot/{name}"))).unwrap()
}

#[test]
fn decoders_never_panic_on_mutated_payloads() {
    let mut rng = Rng::new(0x6b69_746b_6f74_2121);
    let room = fixture("join.json");
    let mut decoded = 0;
    for _ in 0..1500 {
        if Room::from_json_slice(&mutate(&mut rng, &room)).is_ok() {
            decoded += 1;
        }
    }
    // Most single mutations of such a large object still decode (into extra, or as nulls).
    assert!(decoded > 0);

    let pages = [fixture("chat.json"), fixture("chat.last_page.json")];
    for i in 0..8000 {
        let bytes = mutate(&mut rng, &pages[i % 2]);
        if let Ok(page) = ChatPage::from_json_slice(&bytes) {
            let _ = (page.next_cursor(), page.fetch_interval());
            for message in &page.messages {
                let _ = (message.id(), message.text(), message.user(), message.time());
                let _ = message.to_live_event("room").to_json_line();
            }
        }
    }

    for (name, n) in [("session.json", 3000), ("room_exists.json", 3000)] {
        let original = fixture(name);
        for _ in 0..n {
            let bytes = mutate(&mut rng, &original);
            if let Ok(session) = serde_json::from_slice::<Session>(&bytes) {
                let _ = (
                    session.user_id(),
                    session.is_new_user(),
                    format!("{session:?}"),
                );
            }
            if let Ok(exists) = serde_json::from_slice::<RoomExists>(&bytes) {
                let _ = exists.rooms.iter().filter_map(RoomStatus::id).count();
            }
        }
    }
}

#[test]
fn the_classifier_never_panics_on_mutated_envelopes() {
    let mut rng = Rng::new(0x656e_7665_6c6f_7065);
    let classifier = KitkotClassifier::new([Secret::new("k"), Secret::new("")]);
    let bodies = [
        fixture("error.room_not_found.json"),
        fixture("error.too_many_attempts.json"),
        fixture("leave.json"),
        br#"{"code":"200","msg":null}"#.to_vec(),
    ];
    for i in 0..10_000 {
        let body = mutate(&mut rng, &bodies[i % bodies.len()]);
        let status = [200, 400, 404, 429, 500, 502][rng.below(6)];
        let _ = classifier.classify(&Response::from_parts(status, Headers::default(), body));
    }
}
