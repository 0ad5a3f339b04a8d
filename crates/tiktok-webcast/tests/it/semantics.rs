//! tiktok.md §4: gift streaks, likes, follow/share/join, viewers, subscriptions, dedup,
//! stream end, and the exact unified lines.

use live_model::{EventKind, Timestamp};
use tiktok_webcast::{Decoder, DecoderOptions, GiftStreak, SocialKind, TikTokEvent};

use crate::{T0, alice, bob, decoder, kinds, lines, push, room};

const ROSE: (i64, &str, i64, i64) = (5655, "Rose", 1, 1);
const LION: (i64, &str, i64, i64) = (6369, "Lion", 29_999, 2);

#[test]
fn a_streak_counts_once_with_its_final_count() {
    let r = room();
    let mut d = decoder();
    let mut events = push(
        &mut d,
        vec![
            r.gift(1, &alice(), ROSE, 2, false, 900),
            r.gift(2, &alice(), ROSE, 4, false, 900),
            r.gift(3, &alice(), ROSE, 7, false, 900),
        ],
        T0,
    );
    assert!(
        events
            .iter()
            .all(|e| matches!(e, TikTokEvent::Gift(g) if g.streak == GiftStreak::InProgress))
    );
    assert!(
        lines(&events).is_empty(),
        "provisional steps have no unified event"
    );
    events = push(
        &mut d,
        vec![r.gift(4, &alice(), ROSE, 7, true, 900)],
        T0 + 500,
    );
    let gifts = lines(&events);
    assert_eq!(gifts.len(), 1);
    let EventKind::Gift(gift) = &gifts[0].kind else {
        panic!()
    };
    assert_eq!(
        (gift.id.as_str(), gift.name.as_str(), gift.count, gift.value),
        ("5655", "Rose", 7, 7)
    );
    assert_eq!(gifts[0].id.as_deref(), Some("4"));
    assert_eq!(gifts[0].user.as_ref().unwrap().name, "alice_01");
}

#[test]
fn even_a_single_rose_arrives_twice_and_counts_once() {
    let r = room();
    let mut d = decoder();
    let events = push(
        &mut d,
        vec![
            r.gift(1, &bob(), ROSE, 1, false, 77),
            r.gift(2, &bob(), ROSE, 1, true, 77),
        ],
        T0,
    );
    assert_eq!(kinds(&events), ["gift"]);
}

#[test]
fn non_streakable_gifts_count_at_once() {
    let mut d = decoder();
    let events = push(&mut d, vec![room().gift(1, &bob(), LION, 1, false, 5)], T0);
    let TikTokEvent::Gift(g) = &events[0] else {
        panic!()
    };
    assert_eq!(g.streak, GiftStreak::Single);
    let EventKind::Gift(gift) = &lines(&events)[0].kind else {
        panic!()
    };
    assert_eq!((gift.count, gift.value), (1, 29_999));
}

#[test]
fn streaks_without_a_final_message_are_flushed_on_timeout_and_never_twice() {
    let r = room();
    let mut d = Decoder::new(
        "alice_01",
        DecoderOptions::default().streak_timeout(std::time::Duration::from_secs(5)),
    );
    push(&mut d, vec![r.gift(1, &alice(), ROSE, 3, false, 1)], T0);
    let mut out = Vec::new();
    d.tick(Timestamp::from_unix_millis(T0 + 4_000), &mut out);
    assert!(out.is_empty(), "not yet");
    d.tick(Timestamp::from_unix_millis(T0 + 5_000), &mut out);
    let EventKind::Gift(gift) = &lines(&out)[0].kind else {
        panic!("{out:?}")
    };
    assert_eq!(gift.count, 3);
    assert!(matches!(&out[0], TikTokEvent::Gift(g) if g.streak == GiftStreak::TimedOut));
    // The late final step must not count the streak again.
    let late = push(
        &mut d,
        vec![r.gift(2, &alice(), ROSE, 3, true, 1)],
        T0 + 6_000,
    );
    assert!(lines(&late).is_empty());
}

#[test]
fn a_frame_flushes_timed_out_streaks_before_its_own_events_as_a_replay_would() {
    let r = room();
    let mut d = Decoder::new(
        "alice_01",
        DecoderOptions::default().streak_timeout(std::time::Duration::from_secs(5)),
    );
    push(&mut d, vec![r.gift(1, &alice(), ROSE, 3, false, 1)], T0);
    let events = push(&mut d, vec![r.chat(2, &bob(), "hi")], T0 + 60_000);
    assert_eq!(kinds(&events), ["gift", "chat"]);
}

#[test]
fn interleaved_streaks_of_different_senders_are_kept_apart() {
    let r = room();
    let mut d = decoder();
    let events = push(
        &mut d,
        vec![
            r.gift(1, &alice(), ROSE, 1, false, 10),
            r.gift(2, &bob(), ROSE, 1, false, 20),
            r.gift(3, &alice(), ROSE, 5, false, 10),
            r.gift(4, &bob(), ROSE, 2, true, 20),
            r.gift(5, &alice(), ROSE, 5, true, 10),
        ],
        T0,
    );
    let counts: Vec<(String, u64)> = lines(&events)
        .iter()
        .map(|l| match &l.kind {
            EventKind::Gift(g) => (l.user.as_ref().unwrap().name.clone(), g.count),
            _ => panic!(),
        })
        .collect();
    assert_eq!(counts, [("bob.builds".into(), 2), ("alice_01".into(), 5)]);
}

#[test]
fn the_like_total_never_decreases() {
    let r = room();
    let mut d = decoder();
    let events = push(
        &mut d,
        vec![
            r.like(1, &alice(), 15, 519_000),
            r.like(2, &bob(), 3, 453_000),
            r.like(3, &alice(), 5, 519_020),
        ],
        T0,
    );
    let totals: Vec<(u64, u64)> = lines(&events)
        .iter()
        .map(|l| match &l.kind {
            EventKind::Like(like) => (like.count, like.total),
            _ => panic!(),
        })
        .collect();
    assert_eq!(totals, [(15, 519_000), (3, 519_000), (5, 519_020)]);
}

#[test]
fn follow_share_and_join_are_classified() {
    let r = room();
    let mut d = decoder();
    let events = push(
        &mut d,
        vec![
            r.social(1, &alice(), "pm_mt_msg_viewer_follow", 1),
            r.social(2, &bob(), "pm_mt_guidance_viewer_3_share", 3),
            r.social(3, &bob(), "", 1),
            r.social(4, &bob(), "", 4),
            r.social(5, &bob(), "pm_mt_something_else", 9),
            r.member(6, &alice(), 1, 120),
            r.member(7, &alice(), 3, 120),
        ],
        T0,
    );
    assert_eq!(
        kinds(&events),
        [
            "follow", "share", "follow", "share", "other", "join", "other"
        ]
    );
    let TikTokEvent::Social(share) = &events[1] else {
        panic!()
    };
    assert_eq!(share.kind, SocialKind::Share { joined: Some(3) });
}

#[test]
fn viewer_counts_are_emitted_on_change_only() {
    let r = room();
    let mut d = decoder();
    let events = push(
        &mut d,
        vec![
            r.viewers(1, 1200, 5000, &[(&alice(), 300)]),
            r.viewers(2, 1200, 5001, &[]),
            r.viewers(3, 1180, 5002, &[]),
        ],
        T0,
    );
    assert_eq!(events.len(), 3, "every message is still a typed event");
    let viewers: Vec<u64> = lines(&events)
        .iter()
        .map(|l| match &l.kind {
            EventKind::ViewerCount(v) => v.viewers,
            _ => panic!(),
        })
        .collect();
    assert_eq!(viewers, [1200, 1180]);
}

#[test]
fn duplicates_by_msg_id_are_dropped_across_frames() {
    let r = room();
    let mut d = decoder();
    let first = push(
        &mut d,
        vec![r.chat(1, &alice(), "a"), r.chat(2, &bob(), "b")],
        T0,
    );
    let second = push(
        &mut d,
        vec![r.chat(2, &bob(), "b"), r.chat(3, &alice(), "c")],
        T0 + 1,
    );
    assert_eq!(first.len() + second.len(), 3);
}

#[test]
fn stream_end_counts_open_streaks_first() {
    let r = room();
    let mut d = decoder();
    let events = push(
        &mut d,
        vec![
            r.gift(1, &alice(), ROSE, 4, false, 1),
            r.control(2, 1),
            r.control(3, 3),
        ],
        T0,
    );
    assert_eq!(kinds(&events), ["other", "gift", "stream_end"]);
    assert!(d.stream_ended());
    let mut suspended = decoder();
    push(&mut suspended, vec![r.control(1, 4)], T0);
    assert!(suspended.stream_ended());
}

#[test]
fn subscriptions_polls_deletes_and_emotes() {
    let r = room();
    let mut d = decoder();
    let events = push(
        &mut d,
        vec![
            r.subscription(1, &alice(), 3),
            r.poll_start(2, 55, "Best pet?", &[("cats", 3), ("dogs", 4)]),
            r.im_delete(3, &[1, 2]),
            r.emote_chat(4, &bob(), "emote-1"),
        ],
        T0,
    );
    let lines = lines(&events);
    let kinds: Vec<&str> = lines.iter().map(|l| l.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "subscription",
            "poll",
            "message_deleted",
            "message_deleted",
            "other"
        ]
    );
    let EventKind::Subscription(sub) = &lines[0].kind else {
        panic!()
    };
    assert_eq!(sub.months, 3);
    let EventKind::Poll(poll) = &lines[1].kind else {
        panic!()
    };
    assert_eq!(poll.title, "Best pet?");
    assert_eq!(poll.options.len(), 2);
}

#[test]
fn unified_lines_have_exact_ids_users_and_times() {
    let mut d = decoder();
    let events = push(
        &mut d,
        vec![room().chat(7_311_111_111_111_111_111, &alice(), "hi 👋")],
        T0 + 9,
    );
    let line = events[0].to_live_event().unwrap().to_json_line();
    assert_eq!(
        line,
        r#"{"platform":"tiktok","room":"alice_01","kind":"chat","text":"hi 👋","time":"2023-11-14T22:13:20Z","id":"7311111111111111111","user":{"id":"6796815426174960646","name":"alice_01","display_name":"Alice 🌸"}}"#
    );
}

#[test]
fn include_raw_attaches_the_typed_message() {
    let mut d = Decoder::new("alice_01", DecoderOptions::default().include_raw(true));
    let events = push(&mut d, vec![room().chat(1, &alice(), "hi")], T0);
    let line = events[0].to_live_event().unwrap();
    let raw = line.raw.unwrap();
    assert_eq!(raw["content"], "hi");
    assert_eq!(raw["user"]["display_id"], "alice_01");
}
