//! The transport messages as the hot path reads them: push frame, fetch result and base
//! message, decoded without copying (strings and payloads share the frame's buffer) and
//! without keeping what the decoder never needs (a push frame's headers become one flag).

use bytes::Bytes;

use super::wire::{Decode, Field, Reader, WireError, WireType};
use crate::messages::Str;

/// `PushFrame` (frame.proto), its headers reduced to the gzip flag.
#[derive(Debug, Default)]
pub(crate) struct WirePushFrame {
    pub(crate) seq_id: i64,
    pub(crate) log_id: i64,
    pub(crate) service: i64,
    pub(crate) method: i64,
    /// A header `compress_type: gzip` was present.
    pub(crate) gzip_header: bool,
    pub(crate) payload_encoding: Str,
    pub(crate) payload_type: Str,
    pub(crate) payload: Bytes,
}

/// One header, read and dropped.
#[derive(Debug, Default)]
struct WireHeader {
    key: Str,
    value: Str,
}

impl Decode for WireHeader {
    fn merge_field(&mut self, tag: u32, wt: WireType, r: &mut Reader<'_>) -> Result<(), WireError> {
        match tag {
            1 => self.key.merge_value(wt, r),
            2 => self.value.merge_value(wt, r),
            _ => r.skip(tag, wt),
        }
    }
}

impl Decode for WirePushFrame {
    fn merge_field(&mut self, tag: u32, wt: WireType, r: &mut Reader<'_>) -> Result<(), WireError> {
        match tag {
            1 => self.seq_id.merge_value(wt, r),
            2 => self.log_id.merge_value(wt, r),
            3 => self.service.merge_value(wt, r),
            4 => self.method.merge_value(wt, r),
            5 => {
                wt.expect(WireType::Len)?;
                let mut header = WireHeader::default();
                r.nested(&mut header)?;
                self.gzip_header |= header.key == "compress_type" && header.value == "gzip";
                Ok(())
            }
            6 => self.payload_encoding.merge_value(wt, r),
            7 => self.payload_type.merge_value(wt, r),
            8 => self.payload.merge_value(wt, r),
            _ => r.skip(tag, wt),
        }
    }
}

/// `ProtoMessageFetchResult` (frame.proto).
#[derive(Debug, Default)]
pub(crate) struct WireFetchResult {
    pub(crate) messages: Vec<WireBaseMessage>,
    pub(crate) cursor: Str,
    pub(crate) fetch_interval: i64,
    pub(crate) now: i64,
    pub(crate) internal_ext: Str,
    pub(crate) fetch_type: i64,
    /// The `route_params` map's entries in wire order (a later key wins, as in a map).
    pub(crate) route_params: Vec<WireMapEntry>,
    pub(crate) heartbeat_duration: i64,
    pub(crate) need_ack: bool,
    pub(crate) push_server: Str,
    pub(crate) is_first: bool,
    pub(crate) history_comment_cursor: Str,
    pub(crate) history_no_more: bool,
}

impl Decode for WireFetchResult {
    fn merge_field(&mut self, tag: u32, wt: WireType, r: &mut Reader<'_>) -> Result<(), WireError> {
        match tag {
            1 => self.messages.merge_value(wt, r),
            2 => self.cursor.merge_value(wt, r),
            3 => self.fetch_interval.merge_value(wt, r),
            4 => self.now.merge_value(wt, r),
            5 => self.internal_ext.merge_value(wt, r),
            6 => self.fetch_type.merge_value(wt, r),
            7 => self.route_params.merge_value(wt, r),
            8 => self.heartbeat_duration.merge_value(wt, r),
            9 => self.need_ack.merge_value(wt, r),
            10 => self.push_server.merge_value(wt, r),
            11 => self.is_first.merge_value(wt, r),
            12 => self.history_comment_cursor.merge_value(wt, r),
            13 => self.history_no_more.merge_value(wt, r),
            _ => r.skip(tag, wt),
        }
    }
}

/// A `map<string, string>` entry.
#[derive(Debug, Default)]
pub(crate) struct WireMapEntry {
    pub(crate) key: Str,
    pub(crate) value: Str,
}

impl Decode for WireMapEntry {
    fn merge_field(&mut self, tag: u32, wt: WireType, r: &mut Reader<'_>) -> Result<(), WireError> {
        match tag {
            1 => self.key.merge_value(wt, r),
            2 => self.value.merge_value(wt, r),
            _ => r.skip(tag, wt),
        }
    }
}

/// `BaseProtoMessage` (frame.proto): what the decoder uses of it. The other fields are
/// checked as prost would check them, and dropped.
#[derive(Debug, Default)]
pub(crate) struct WireBaseMessage {
    pub(crate) method: Str,
    pub(crate) payload: Bytes,
    pub(crate) msg_id: i64,
    pub(crate) is_history: bool,
}

impl Decode for WireBaseMessage {
    fn merge_field(&mut self, tag: u32, wt: WireType, r: &mut Reader<'_>) -> Result<(), WireError> {
        match tag {
            1 => self.method.merge_value(wt, r),
            2 => self.payload.merge_value(wt, r),
            3 => self.msg_id.merge_value(wt, r),
            // msg_type, offset, sample_flag, method_id.
            4 | 5 | 7 | 8 => 0i64.merge_value(wt, r),
            6 => self.is_history.merge_value(wt, r),
            // group_key, group_scene.
            9 | 10 => Str::new().merge_value(wt, r),
            _ => r.skip(tag, wt),
        }
    }
}

#[cfg(test)]
mod tests {
    use prost::Message as _;

    use super::*;
    use crate::codec::wire::decode;
    use crate::proto;

    fn base(method: &str, payload: &[u8], msg_id: i64) -> proto::BaseProtoMessage {
        proto::BaseProtoMessage {
            method: method.to_owned(),
            payload: Bytes::copy_from_slice(payload),
            msg_id,
            msg_type: 3,
            offset: 4,
            is_history: true,
            sample_flag: 7,
            method_id: 8,
            group_key: "group".to_owned(),
            group_scene: "scene".to_owned(),
        }
    }

    /// Everything prost reads, read the same; what prost refuses, refused.
    #[test]
    fn frames_and_fetch_results_read_as_prost_reads_them() {
        let result = proto::ProtoMessageFetchResult {
            messages: vec![
                base("WebcastChatMessage", b"\x0a\x00", 7),
                base("X", b"", 0),
            ],
            cursor: "c-1".to_owned(),
            fetch_interval: 1000,
            now: 1_700_000_000_000,
            internal_ext: "ext".to_owned(),
            fetch_type: 2,
            route_params: [("b", "2"), ("a", "1")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            heartbeat_duration: 10_000,
            need_ack: true,
            push_server: "wss://push".to_owned(),
            is_first: true,
            history_comment_cursor: "h".to_owned(),
            history_no_more: true,
        };
        let bytes = Bytes::from(result.encode_to_vec());
        let ours = decode::<WireFetchResult>(&bytes).unwrap();
        assert_eq!(ours.messages.len(), 2);
        for (ours, theirs) in ours.messages.iter().zip(&result.messages) {
            assert_eq!(ours.method, theirs.method.as_str());
            assert_eq!(ours.payload, theirs.payload);
            assert_eq!(
                (ours.msg_id, ours.is_history),
                (theirs.msg_id, theirs.is_history)
            );
        }
        assert_eq!(
            (
                ours.cursor.as_str(),
                ours.internal_ext.as_str(),
                ours.push_server.as_str()
            ),
            ("c-1", "ext", "wss://push")
        );
        assert_eq!(
            (ours.now, ours.heartbeat_duration, ours.need_ack),
            (result.now, 10_000, true)
        );
        let params: Vec<(&str, &str)> = ours
            .route_params
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(
            params,
            [("a", "1"), ("b", "2")],
            "as prost's BTreeMap wrote them"
        );

        let frame = proto::PushFrame {
            seq_id: 1,
            log_id: 2,
            service: 3,
            method: 4,
            headers: vec![
                proto::PushHeader {
                    key: "im-cursor".to_owned(),
                    value: "x".to_owned(),
                },
                proto::PushHeader {
                    key: "compress_type".to_owned(),
                    value: "gzip".to_owned(),
                },
            ],
            payload_encoding: "pb".to_owned(),
            payload_type: "msg".to_owned(),
            payload: bytes.clone(),
        };
        let encoded = Bytes::from(frame.encode_to_vec());
        let ours = decode::<WirePushFrame>(&encoded).unwrap();
        assert_eq!(
            (ours.seq_id, ours.log_id, ours.service, ours.method),
            (1, 2, 3, 4)
        );
        assert!(ours.gzip_header);
        assert_eq!(
            (ours.payload_encoding.as_str(), ours.payload_type.as_str()),
            ("pb", "msg")
        );
        assert_eq!(ours.payload, bytes);

        // Every prefix and every single-bit flip: accepted or refused alike.
        for input in [&encoded, &bytes] {
            for cut in 0..input.len() {
                let cut = input.slice(..cut);
                agree(&cut);
            }
            for at in 0..input.len() * 8 {
                let mut flipped = input.to_vec();
                flipped[at / 8] ^= 1 << (at % 8);
                agree(&Bytes::from(flipped));
            }
        }
    }

    fn agree(bytes: &Bytes) {
        assert_eq!(
            decode::<WirePushFrame>(bytes).is_ok(),
            proto::PushFrame::decode(bytes.clone()).is_ok(),
            "push frame {bytes:02x?}"
        );
        assert_eq!(
            decode::<WireFetchResult>(bytes).is_ok(),
            proto::ProtoMessageFetchResult::decode(bytes.clone()).is_ok(),
            "fetch result {bytes:02x?}"
        );
    }
}
