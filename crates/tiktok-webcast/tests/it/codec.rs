//! The wire codec: reference encodings, round trips through the emulator's schema copy, gzip
//! detection by header or magic, caps.

use bytes::Bytes;
use live_model::Timestamp;
use live_testkit::tiktok::{Batch, ClientFrame, control_frame, gzip, gzip_bomb_frame, msg_frame};
use tiktok_webcast::codec::{
    CodecError, PayloadType, PushFrame, encode_ack, encode_enter_room, encode_heartbeat,
};
use tiktok_webcast::{Decoder, DecoderOptions, TikTokEvent};

use crate::{alice, decoder, room};

#[test]
fn client_frames_match_tiktok_md_and_the_emulator_reads_them() {
    let hb = encode_heartbeat(7_300_000_000_000_000_001, 1);
    assert_eq!(
        hb,
        [
            0x32, 0x02, b'p', b'b', 0x3a, 0x02, b'h', b'b', 0x42, 0x0c, 0x08, 0x81, 0x80, 0xe8,
            0xe2, 0xaa, 0xea, 0xb3, 0xa7, 0x65, 0x10, 0x01
        ]
    );
    assert_eq!(
        ClientFrame::decode(&hb),
        ClientFrame::Heartbeat {
            room_id: 7_300_000_000_000_000_001,
            seq: 1
        }
    );
    let ack = encode_ack(99_887_766, "abc");
    assert_eq!(
        ack,
        [
            0x10, 0x96, 0xd5, 0xd0, 0x2f, 0x32, 0x02, b'p', b'b', 0x3a, 0x03, b'a', b'c', b'k',
            0x42, 0x03, b'a', b'b', b'c'
        ]
    );
    assert_eq!(
        ClientFrame::decode(&ack),
        ClientFrame::Ack {
            log_id: 99_887_766,
            internal_ext: "abc".into()
        }
    );
    assert_eq!(
        ClientFrame::decode(&encode_enter_room(42, 777)),
        ClientFrame::EnterRoom {
            room_id: 42,
            enter_unique_id: 777,
            live_id: 12,
            identity: "audience".into()
        }
    );
    // The legacy static heartbeat is a frame with only `payload_type = "hb"`.
    let legacy = PushFrame::decode(Bytes::from_static(&[0x3a, 0x02, 0x68, 0x62])).unwrap();
    assert_eq!(legacy.payload_type, PayloadType::Heartbeat);
}

#[test]
fn server_frames_round_trip_with_and_without_gzip() {
    let batch = Batch::new("c-1", vec![room().chat(1, &alice(), "hello world")]);
    let payload = batch.fetch_result();
    for (frame, gzip_expected) in [
        (msg_frame(5, &gzip(&payload), true), true),
        // Magic bytes alone are enough (TLC's rule)...
        (msg_frame(5, &gzip(&payload), false), true),
        // ...and a plain payload is read as it is (TikTokLive without compression).
        (msg_frame(5, &payload, false), false),
    ] {
        let decoded = PushFrame::decode(Bytes::from(frame.clone())).unwrap();
        assert_eq!(decoded.is_gzip(), gzip_expected);
        assert_eq!((decoded.log_id, decoded.payload_type.as_str()), (5, "msg"));
        let mut d = decoder();
        let mut out = Vec::new();
        let outcome = d
            .push_frame(Bytes::from(frame), Timestamp::from_unix_millis(0), &mut out)
            .unwrap();
        assert_eq!(outcome.messages, 1);
        assert_eq!(outcome.ack, None);
        let TikTokEvent::Chat(chat) = &out[0] else {
            panic!("{out:?}")
        };
        assert_eq!(chat.message().content, "hello world");
        assert_eq!(chat.message().user.as_ref().unwrap().display_id, "alice_01");
        assert_eq!(d.cursor(), "c-1");
    }
}

#[test]
fn acks_echo_log_id_and_internal_ext() {
    let batch = Batch::new("c-9", vec![room().chat(1, &alice(), "x")]).with_ack(4242);
    let mut d = decoder();
    let mut out = Vec::new();
    let outcome = d
        .push_frame(
            Bytes::from(batch.frame()),
            Timestamp::from_unix_millis(0),
            &mut out,
        )
        .unwrap();
    let ack = outcome.ack.expect("an ack");
    assert_eq!(
        ClientFrame::decode(&ack),
        ClientFrame::Ack {
            log_id: 4242,
            internal_ext: batch.internal_ext.clone()
        }
    );
}

#[test]
fn heartbeat_echoes_and_enter_responses_are_not_events() {
    let mut d = decoder();
    let mut out = Vec::new();
    for (frame, kind) in [
        (control_frame("hb", b""), PayloadType::Heartbeat),
        (
            control_frame("im_enter_room_resp", b"\x08\x01"),
            PayloadType::EnterRoomResponse,
        ),
    ] {
        let outcome = d
            .push_frame(Bytes::from(frame), Timestamp::from_unix_millis(0), &mut out)
            .unwrap();
        assert_eq!(outcome.payload_type, kind);
    }
    assert!(out.is_empty());
}

#[test]
fn bombs_and_garbage_are_typed_errors_and_the_decoder_goes_on() {
    let mut d = Decoder::new(
        "alice_01",
        DecoderOptions::default().max_decompressed_bytes(1 << 20),
    );
    let mut out = Vec::new();
    let now = Timestamp::from_unix_millis(0);
    let bomb = gzip_bomb_frame(1, 64 << 20);
    assert!(
        bomb.len() < 200_000,
        "the bomb is small on the wire: {}",
        bomb.len()
    );
    assert_eq!(
        d.push_frame(Bytes::from(bomb), now, &mut out),
        Err(CodecError::TooLarge { limit: 1 << 20 })
    );
    let good = Batch::new("c", vec![room().chat(1, &alice(), "still here")]).frame();
    let truncated = &good[..good.len() - 10];
    assert!(
        d.push_frame(Bytes::copy_from_slice(truncated), now, &mut out)
            .is_err()
    );
    assert!(matches!(
        d.push_frame(Bytes::from_static(b"\xff\xff\xff"), now, &mut out),
        Err(CodecError::Frame(_))
    ));
    let not_a_fetch_result = msg_frame(1, b"\x0a\xff\xff", false);
    assert!(matches!(
        d.push_frame(Bytes::from(not_a_fetch_result), now, &mut out),
        Err(CodecError::FetchResult(_))
    ));
    assert!(out.is_empty());
    d.push_frame(Bytes::from(good), now, &mut out).unwrap();
    assert_eq!(out.len(), 1);
}

#[test]
fn a_broken_known_message_becomes_unknown_without_losing_the_batch() {
    let mut d = decoder();
    let events = crate::push(
        &mut d,
        vec![
            room().raw(1, "WebcastChatMessage", vec![0x12, 0xff]),
            room().raw(2, "WebcastAISummaryMessage", vec![1, 2, 3]),
            room().chat(3, &alice(), "after"),
        ],
        crate::T0,
    );
    assert_eq!(events.len(), 3);
    let TikTokEvent::Unknown(broken) = &events[0] else {
        panic!()
    };
    assert_eq!(broken.method(), "WebcastChatMessage");
    assert!(broken.decode_error().is_some());
    let TikTokEvent::Unknown(unknown) = &events[1] else {
        panic!()
    };
    assert_eq!(
        (unknown.method(), unknown.payload()),
        ("WebcastAISummaryMessage", &[1u8, 2, 3][..])
    );
    assert_eq!(unknown.decode_error(), None);
    let line = events[1].to_live_event().unwrap();
    assert_eq!(line.kind.as_str(), "other");
    assert_eq!(line.id.as_deref(), Some("2"));
    assert!(matches!(events[2], TikTokEvent::Chat(_)));
}
