//! The synchronous wire codec: push frames in and out, gunzip, fetch results.
//!
//! Everything here is pure and allocation-conscious; the stateful part (dedup, streaks, likes)
//! is [`crate::Decoder`], built on these functions.

mod frame;
mod gzip;
pub(crate) mod wire;

use bytes::Bytes;
use prost::Message as _;

use crate::proto;
pub(crate) use frame::{WireBaseMessage, WireFetchResult, WirePushFrame};
pub(crate) use gzip::{GZIP_MAGIC, Inflater};

/// The largest decompressed payload accepted by default (8 MiB): far above real frames (a few
/// KiB), far below what a compression bomb would take.
pub const DEFAULT_MAX_DECOMPRESSED_BYTES: usize = 8 * 1024 * 1024;

/// Why a frame or payload could not be decoded. Decoding errors are per frame: the stream goes
/// on with the next one.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// The bytes are not a push frame.
    #[error("not a webcast push frame: {0}")]
    Frame(String),
    /// The gzip payload is corrupt or truncated.
    #[error("corrupt gzip payload: {0}")]
    Gzip(String),
    /// The payload inflates past the limit (a compression bomb, or a misconfigured limit).
    #[error("the payload inflates past the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The payload is not a message fetch result.
    #[error("not a message fetch result: {0}")]
    FetchResult(String),
}

/// The `payload_type` of a push frame.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PayloadType {
    /// `msg`: a batch of messages (server to client).
    Msg,
    /// `hb`: a heartbeat (client) or its echo (server).
    Heartbeat,
    /// `ack`: a client's acknowledgement.
    Ack,
    /// `im_enter_room`: the client entering the room.
    EnterRoom,
    /// `im_enter_room_resp`: the server confirming it.
    EnterRoomResponse,
    /// Anything else, as sent.
    Other(String),
}

impl PayloadType {
    pub(crate) fn parse(text: &str) -> Self {
        match text {
            "msg" => PayloadType::Msg,
            "hb" => PayloadType::Heartbeat,
            "ack" => PayloadType::Ack,
            "im_enter_room" => PayloadType::EnterRoom,
            "im_enter_room_resp" => PayloadType::EnterRoomResponse,
            other => PayloadType::Other(other.to_owned()),
        }
    }

    /// The wire string.
    pub fn as_str(&self) -> &str {
        match self {
            PayloadType::Msg => "msg",
            PayloadType::Heartbeat => "hb",
            PayloadType::Ack => "ack",
            PayloadType::EnterRoom => "im_enter_room",
            PayloadType::EnterRoomResponse => "im_enter_room_resp",
            PayloadType::Other(other) => other,
        }
    }
}

/// A decoded push frame, its payload still raw (and possibly gzip'd).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub struct PushFrame {
    /// The server's sequence number.
    pub seq_id: i64,
    /// The id an ack must echo.
    pub log_id: i64,
    /// Headers (`compress_type`...).
    pub headers: Vec<(String, String)>,
    /// `pb` in practice.
    pub payload_encoding: String,
    /// What the payload is.
    pub payload_type: PayloadType,
    /// The payload as received.
    pub payload: Bytes,
}

impl PushFrame {
    /// Decodes a push frame (one WebSocket binary message). Zero-copy: the payload shares
    /// `bytes`.
    pub fn decode(bytes: Bytes) -> Result<PushFrame, CodecError> {
        let frame =
            proto::PushFrame::decode(bytes).map_err(|e| CodecError::Frame(e.to_string()))?;
        Ok(PushFrame {
            seq_id: frame.seq_id,
            log_id: frame.log_id,
            headers: frame
                .headers
                .into_iter()
                .map(|h| (h.key, h.value))
                .collect(),
            payload_encoding: frame.payload_encoding,
            payload_type: PayloadType::parse(&frame.payload_type),
            payload: frame.payload,
        })
    }

    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// True when the payload is gzip'd: the `compress_type` header says so or the payload
    /// starts with the gzip magic bytes (peers disagree on which to trust; either is enough).
    pub fn is_gzip(&self) -> bool {
        self.header("compress_type") == Some("gzip") || self.payload.starts_with(&GZIP_MAGIC)
    }
}

/// Encodes a client frame carrying `payload`: zero numbers and empty headers are omitted, as
/// the production web client does.
fn client_frame(log_id: i64, payload_type: &str, payload: Bytes) -> Vec<u8> {
    proto::PushFrame {
        log_id,
        payload_encoding: "pb".to_owned(),
        payload_type: payload_type.to_owned(),
        payload,
        ..Default::default()
    }
    .encode_to_vec()
}

/// The sign server's bootstrap body (a bare fetch result) wrapped as the `msg` frame it stands
/// for (`log_id` -1, no compression), so recordings hold one kind of record and a replay
/// decodes the bootstrap exactly as the live client did.
pub fn bootstrap_frame(fetch_result: &[u8]) -> Vec<u8> {
    client_frame(-1, "msg", Bytes::copy_from_slice(fetch_result))
}

/// The heartbeat frame (`payload_type` `hb`, payload `HeartBeatMessage{room_id, seq}`).
pub fn encode_heartbeat(room_id: i64, send_packet_seq_id: i64) -> Vec<u8> {
    let payload = proto::HeartBeatMessage {
        room_id,
        send_packet_seq_id,
    }
    .encode_to_vec();
    client_frame(0, "hb", payload.into())
}

/// The `im_enter_room` frame sent right after the socket opens. `enter_unique_id` should be a
/// random positive number: the server echoes it, which keeps rooms from bleeding into each other.
pub fn encode_enter_room(room_id: i64, enter_unique_id: i64) -> Vec<u8> {
    let payload = proto::ImEnterRoomMessage {
        room_id,
        live_id: 12,
        identity: "audience".to_owned(),
        enter_unique_id,
        filter_welcome_msg: "0".to_owned(),
        ..Default::default()
    }
    .encode_to_vec();
    client_frame(0, "im_enter_room", payload.into())
}

/// The ack of a `msg` frame whose fetch result had `need_ack`: the frame's `log_id` and the
/// UTF-8 bytes of the fetch result's `internal_ext`.
pub fn encode_ack(log_id: i64, internal_ext: &str) -> Vec<u8> {
    client_frame(
        log_id,
        "ack",
        Bytes::copy_from_slice(internal_ext.as_bytes()),
    )
}

/// A random positive 63-bit `enter_unique_id`.
pub fn random_enter_unique_id() -> i64 {
    (rand::random::<u64>() >> 1).max(1) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn outgoing_frames_match_the_reference_encodings() {
        // tiktok.md §2.3, room 7300000000000000001.
        let hb = encode_heartbeat(7_300_000_000_000_000_001, 1);
        let payload = "08 81 80 e8 e2 aa ea b3 a7 65 10 01";
        assert_eq!(hex(&hb), format!("32 02 70 62 3a 02 68 62 42 0c {payload}"));
        let ack = encode_ack(99_887_766, "abc");
        assert_eq!(
            hex(&ack),
            "10 96 d5 d0 2f 32 02 70 62 3a 03 61 63 6b 42 03 61 62 63"
        );
        let enter = PushFrame::decode(encode_enter_room(7, 42).into()).unwrap();
        assert_eq!(enter.payload_type, PayloadType::EnterRoom);
        let message = proto::ImEnterRoomMessage::decode(enter.payload).unwrap();
        assert_eq!(
            (message.room_id, message.live_id, message.identity.as_str()),
            (7, 12, "audience")
        );
        assert_eq!(
            (message.enter_unique_id, message.filter_welcome_msg.as_str()),
            (42, "0")
        );
        assert!(random_enter_unique_id() > 0);
    }
}
