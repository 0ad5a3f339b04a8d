//! Building webcast messages, fetch results and push frames for scripts, without touching
//! protobuf: every builder encodes with the emulator's copy of the schema.

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use prost::Message as _;

use super::proto;

/// A user as the emulator sends them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeUser {
    /// Numeric id (above 2^53 in real life: keep it that way in tests).
    pub id: i64,
    /// The @handle.
    pub unique_id: String,
    /// The nickname.
    pub nickname: String,
}

impl FakeUser {
    /// A user.
    pub fn new(id: i64, unique_id: &str, nickname: &str) -> Self {
        FakeUser {
            id,
            unique_id: unique_id.to_owned(),
            nickname: nickname.to_owned(),
        }
    }

    fn proto(&self) -> proto::User {
        proto::User {
            id: self.id,
            nickname: self.nickname.clone(),
            display_id: self.unique_id.clone(),
            id_str: self.id.to_string(),
            sec_uid: format!("MS4wLjABAAAA{}", self.unique_id),
            avatar_thumb: Some(proto::ImageModel {
                url_list: vec![format!(
                    "https://p16-sign-va.tiktokcdn.com/tos-maliva-avt-0068/{}~tplv-tiktokx-cropcenter:100:100.webp",
                    self.id
                )],
                uri: format!("100x100/tos-maliva-avt-0068/{}", self.id),
                ..Default::default()
            }),
            follow_info: Some(proto::FollowInfo {
                following_count: 120,
                follower_count: 3400,
                follow_status: 0,
                push_status: 0,
            }),
            ..Default::default()
        }
    }
}

/// One message of a batch: its method, payload and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeMessage {
    /// Method name (`WebcastChatMessage`).
    pub method: String,
    /// Encoded payload.
    pub payload: Vec<u8>,
    /// Message id.
    pub msg_id: i64,
}

/// Messages at this room; `create_time` is milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Room {
    /// Room id.
    pub room_id: i64,
    /// Creation time of the messages built (ms since the epoch).
    pub time_ms: i64,
}

impl Room {
    /// A room; messages are stamped `time_ms`.
    pub fn new(room_id: i64, time_ms: i64) -> Self {
        Room { room_id, time_ms }
    }

    fn common(&self, method: &str, msg_id: i64, key: &str) -> Option<proto::CommonMessageData> {
        Some(proto::CommonMessageData {
            method: method.to_owned(),
            msg_id,
            room_id: self.room_id,
            create_time: self.time_ms,
            is_show_msg: true,
            display_text: (!key.is_empty()).then(|| proto::Text {
                key: key.to_owned(),
                default_pattern: "{0:user} ...".to_owned(),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    fn message(method: &str, msg_id: i64, payload: Vec<u8>) -> FakeMessage {
        FakeMessage {
            method: method.to_owned(),
            payload,
            msg_id,
        }
    }

    /// A chat message.
    pub fn chat(&self, msg_id: i64, user: &FakeUser, text: &str) -> FakeMessage {
        let m = proto::WebcastChatMessage {
            common: self.common("WebcastChatMessage", msg_id, ""),
            user: Some(user.proto()),
            content: text.to_owned(),
            content_language: "en".to_owned(),
            user_identity: Some(proto::UserIdentity {
                is_follower_of_anchor: true,
                ..Default::default()
            }),
            ..Default::default()
        };
        Self::message("WebcastChatMessage", msg_id, m.encode_to_vec())
    }

    /// A gift message: `gift_type` 1 streaks; `repeat_end` 1 ends the streak `group_id`.
    #[allow(clippy::too_many_arguments)]
    pub fn gift(
        &self,
        msg_id: i64,
        user: &FakeUser,
        gift: (i64, &str, i64, i64),
        repeat_count: i64,
        repeat_end: bool,
        group_id: i64,
    ) -> FakeMessage {
        let (gift_id, name, diamonds, gift_type) = gift;
        let m = proto::WebcastGiftMessage {
            common: self.common("WebcastGiftMessage", msg_id, "pm_mt_gift_notify"),
            gift_id,
            repeat_count,
            combo_count: repeat_count,
            user: Some(user.proto()),
            repeat_end: i64::from(repeat_end),
            group_id,
            gift: Some(proto::Gift {
                id: gift_id,
                name: name.to_owned(),
                diamond_count: diamonds,
                gift_type,
                combo: gift_type == 1,
                describe: format!("sent {name}"),
                image: Some(proto::ImageModel {
                    url_list: vec![format!(
                        "https://p19-webcast.tiktokcdn.com/img/maliva/webcast-va/{gift_id}.png~tplv-obj.webp"
                    )],
                    ..Default::default()
                }),
                ..Default::default()
            }),
            log_id: format!("2024{msg_id}"),
            ..Default::default()
        };
        Self::message("WebcastGiftMessage", msg_id, m.encode_to_vec())
    }

    /// A like batch (`count` likes now, the shard's `total`).
    pub fn like(&self, msg_id: i64, user: &FakeUser, count: i64, total: i64) -> FakeMessage {
        let m = proto::WebcastLikeMessage {
            common: self.common("WebcastLikeMessage", msg_id, "pm_mt_msg_viewer"),
            count,
            total,
            user: Some(user.proto()),
            ..Default::default()
        };
        Self::message("WebcastLikeMessage", msg_id, m.encode_to_vec())
    }

    /// A member message with `action` (1 joined).
    pub fn member(&self, msg_id: i64, user: &FakeUser, action: i32, members: i64) -> FakeMessage {
        let m = proto::WebcastMemberMessage {
            common: self.common("WebcastMemberMessage", msg_id, "live_room_enter_toast"),
            user: Some(user.proto()),
            member_count: members,
            action,
            ..Default::default()
        };
        Self::message("WebcastMemberMessage", msg_id, m.encode_to_vec())
    }

    /// A social message with a display-text key (`pm_mt_msg_viewer_follow`,
    /// `pm_mt_guidance_viewer_3_share`) and an action (1 follow, 2-5 share).
    pub fn social(&self, msg_id: i64, user: &FakeUser, key: &str, action: i64) -> FakeMessage {
        let m = proto::WebcastSocialMessage {
            common: self.common("WebcastSocialMessage", msg_id, key),
            user: Some(user.proto()),
            action,
            follow_count: 3401,
            share_count: i64::from(action > 1),
            ..Default::default()
        };
        Self::message("WebcastSocialMessage", msg_id, m.encode_to_vec())
    }

    /// A viewer count.
    pub fn viewers(
        &self,
        msg_id: i64,
        current: i64,
        cumulative: i64,
        top: &[(&FakeUser, i64)],
    ) -> FakeMessage {
        let m = proto::WebcastRoomUserSeqMessage {
            common: self.common("WebcastRoomUserSeqMessage", msg_id, ""),
            total: current,
            total_user: cumulative,
            ranks: top
                .iter()
                .enumerate()
                .map(|(i, (user, score))| proto::Contributor {
                    score: *score,
                    user: Some(user.proto()),
                    rank: i as i64 + 1,
                    delta: 0,
                })
                .collect(),
            ..Default::default()
        };
        Self::message("WebcastRoomUserSeqMessage", msg_id, m.encode_to_vec())
    }

    /// A subscription of `months`.
    pub fn subscription(&self, msg_id: i64, user: &FakeUser, months: i64) -> FakeMessage {
        let m = proto::WebcastSubNotifyMessage {
            common: self.common("WebcastSubNotifyMessage", msg_id, "ttlive_sub_notify"),
            user: Some(user.proto()),
            sub_month: months,
            subscribe_type: 1,
            ..Default::default()
        };
        Self::message("WebcastSubNotifyMessage", msg_id, m.encode_to_vec())
    }

    /// A control message (3 ended, 4 suspended, 1/2 pause/unpause).
    pub fn control(&self, msg_id: i64, action: i32) -> FakeMessage {
        let m = proto::WebcastControlMessage {
            common: self.common("WebcastControlMessage", msg_id, ""),
            action,
            tips: if action >= 3 {
                "LIVE has ended".to_owned()
            } else {
                String::new()
            },
        };
        Self::message("WebcastControlMessage", msg_id, m.encode_to_vec())
    }

    /// A deletion of chat messages.
    pub fn im_delete(&self, msg_id: i64, deleted: &[i64]) -> FakeMessage {
        let m = proto::WebcastImDeleteMessage {
            common: self.common("WebcastImDeleteMessage", msg_id, ""),
            delete_msg_ids: deleted.to_vec(),
            delete_user_ids: Vec::new(),
        };
        Self::message("WebcastImDeleteMessage", msg_id, m.encode_to_vec())
    }

    /// A poll start (`options`: text and votes).
    pub fn poll_start(
        &self,
        msg_id: i64,
        poll_id: i64,
        title: &str,
        options: &[(&str, i64)],
    ) -> FakeMessage {
        let m = proto::WebcastPollMessage {
            common: self.common("WebcastPollMessage", msg_id, ""),
            poll_id,
            start_content: Some(proto::PollStartContent {
                title: title.to_owned(),
                option_list: poll_options(options),
                ..Default::default()
            }),
            ..Default::default()
        };
        Self::message("WebcastPollMessage", msg_id, m.encode_to_vec())
    }

    /// A vote count update of poll `poll_id` (`options`: text and votes so far).
    pub fn poll_update(&self, msg_id: i64, poll_id: i64, options: &[(&str, i64)]) -> FakeMessage {
        let m = proto::WebcastPollMessage {
            common: self.common("WebcastPollMessage", msg_id, ""),
            poll_id,
            update_votes_content: Some(proto::PollUpdateVotesContent {
                option_list: poll_options(options),
                ..Default::default()
            }),
            ..Default::default()
        };
        Self::message("WebcastPollMessage", msg_id, m.encode_to_vec())
    }

    /// The end of poll `poll_id` with its final votes.
    pub fn poll_end(&self, msg_id: i64, poll_id: i64, options: &[(&str, i64)]) -> FakeMessage {
        let m = proto::WebcastPollMessage {
            common: self.common("WebcastPollMessage", msg_id, ""),
            poll_id,
            end_content: Some(proto::PollEndContent {
                end_type: 1,
                option_list: poll_options(options),
                ..Default::default()
            }),
            ..Default::default()
        };
        Self::message("WebcastPollMessage", msg_id, m.encode_to_vec())
    }

    /// An emote chat.
    pub fn emote_chat(&self, msg_id: i64, user: &FakeUser, emote_id: &str) -> FakeMessage {
        let m = proto::WebcastEmoteChatMessage {
            common: self.common("WebcastEmoteChatMessage", msg_id, ""),
            user: Some(user.proto()),
            emote_list: vec![proto::EmoteModel {
                emote_id: emote_id.to_owned(),
                ..Default::default()
            }],
            ..Default::default()
        };
        Self::message("WebcastEmoteChatMessage", msg_id, m.encode_to_vec())
    }

    /// A message of any method with raw payload bytes (unknown methods, broken payloads).
    pub fn raw(&self, msg_id: i64, method: &str, payload: Vec<u8>) -> FakeMessage {
        Self::message(method, msg_id, payload)
    }
}

fn poll_options(options: &[(&str, i64)]) -> Vec<proto::PollOptionInfo> {
    options
        .iter()
        .enumerate()
        .map(|(i, (text, votes))| proto::PollOptionInfo {
            votes: *votes,
            display_content: (*text).to_owned(),
            option_idx: i as i64,
        })
        .collect()
}

/// A fetch result (the payload of a `msg` frame and the body of Euler's `/webcast/fetch`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// The messages.
    pub messages: Vec<FakeMessage>,
    /// The cursor after this batch.
    pub cursor: String,
    /// Server state echoed in acks.
    pub internal_ext: String,
    /// Ask for an ack.
    pub need_ack: bool,
    /// The push server (bootstrap only).
    pub push_server: String,
    /// WebSocket route params (bootstrap only).
    pub route_params: Vec<(String, String)>,
    /// Suggested heartbeat, ms.
    pub heartbeat_ms: i64,
    /// Server time, ms.
    pub now_ms: i64,
    /// The frame's log id.
    pub log_id: i64,
    /// Gzip the payload (and say so in the `compress_type` header).
    pub gzip: bool,
}

impl Batch {
    /// A batch of messages with a cursor, gzip'd as TikTok sends them.
    pub fn new(cursor: &str, messages: Vec<FakeMessage>) -> Self {
        Batch {
            messages,
            cursor: cursor.to_owned(),
            internal_ext: format!("internal_src:dim|wss_push_room_id:{cursor}|fetch_time:1"),
            gzip: true,
            ..Batch::default()
        }
    }

    /// Asks for an ack with this log id.
    #[must_use]
    pub fn with_ack(mut self, log_id: i64) -> Self {
        self.need_ack = true;
        self.log_id = log_id;
        self
    }

    /// The encoded fetch result.
    pub fn fetch_result(&self) -> Vec<u8> {
        proto::ProtoMessageFetchResult {
            messages: self
                .messages
                .iter()
                .map(|m| proto::BaseProtoMessage {
                    method: m.method.clone(),
                    payload: m.payload.clone().into(),
                    msg_id: m.msg_id,
                    ..Default::default()
                })
                .collect(),
            cursor: self.cursor.clone(),
            fetch_interval: 1000,
            now: self.now_ms,
            internal_ext: self.internal_ext.clone(),
            fetch_type: 1,
            route_params: self.route_params.iter().cloned().collect(),
            heartbeat_duration: self.heartbeat_ms,
            need_ack: self.need_ack,
            push_server: self.push_server.clone(),
            is_first: !self.push_server.is_empty(),
            ..Default::default()
        }
        .encode_to_vec()
    }

    /// The encoded `msg` push frame carrying it.
    pub fn frame(&self) -> Vec<u8> {
        let payload = self.fetch_result();
        if self.gzip {
            msg_frame(self.log_id, &gzip(&payload), true)
        } else {
            msg_frame(self.log_id, &payload, false)
        }
    }
}

/// A `msg` push frame with this payload; `gzip_header` adds `compress_type: gzip`.
pub fn msg_frame(log_id: i64, payload: &[u8], gzip_header: bool) -> Vec<u8> {
    proto::PushFrame {
        seq_id: log_id,
        log_id,
        headers: if gzip_header {
            vec![proto::PushHeader {
                key: "compress_type".to_owned(),
                value: "gzip".to_owned(),
            }]
        } else {
            Vec::new()
        },
        payload_encoding: "pb".to_owned(),
        payload_type: "msg".to_owned(),
        payload: payload.to_vec().into(),
        ..Default::default()
    }
    .encode_to_vec()
}

/// A server frame of another payload type (`hb`, `im_enter_room_resp`).
pub fn control_frame(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    proto::PushFrame {
        payload_encoding: "pb".to_owned(),
        payload_type: payload_type.to_owned(),
        payload: payload.to_vec().into(),
        ..Default::default()
    }
    .encode_to_vec()
}

thread_local! {
    /// A zlib encoder allocates and clears about 256 KiB per stream: three quarters of the
    /// emulator's time under load went there. libdeflate's one-shot compressor is reused.
    static COMPRESSOR: std::cell::RefCell<libdeflater::Compressor> =
        std::cell::RefCell::new(libdeflater::Compressor::new(libdeflater::CompressionLvl::default()));
}

/// Gzip at the default level (6), as one member.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    COMPRESSOR.with(|compressor| {
        let Ok(mut compressor) = compressor.try_borrow_mut() else {
            return gzip_with_zlib(data);
        };
        let mut out = vec![0u8; compressor.gzip_compress_bound(data.len())];
        match compressor.gzip_compress(data, &mut out) {
            Ok(written) => {
                out.truncate(written);
                out
            }
            Err(_) => gzip_with_zlib(data),
        }
    })
}

fn gzip_with_zlib(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

/// A `msg` frame whose gzip payload inflates to `size` bytes of zeros.
pub fn gzip_bomb_frame(log_id: i64, size: usize) -> Vec<u8> {
    msg_frame(log_id, &gzip(&vec![0u8; size]), true)
}

/// What a client frame said, decoded.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientFrame {
    /// `im_enter_room`.
    EnterRoom {
        /// Room id.
        room_id: i64,
        /// The client's random id.
        enter_unique_id: i64,
        /// `live_id` (12).
        live_id: i64,
        /// `identity` (`audience`).
        identity: String,
    },
    /// `hb`.
    Heartbeat {
        /// Room id.
        room_id: i64,
        /// Sequence number.
        seq: i64,
    },
    /// `ack`.
    Ack {
        /// The acked frame's log id.
        log_id: i64,
        /// The payload (`internal_ext`).
        internal_ext: String,
    },
    /// Anything else (or undecodable).
    Other(String),
}

impl ClientFrame {
    /// Decodes a client's binary frame.
    pub fn decode(bytes: &[u8]) -> ClientFrame {
        let Ok(frame) = proto::PushFrame::decode(bytes) else {
            return ClientFrame::Other("not a push frame".to_owned());
        };
        match frame.payload_type.as_str() {
            "im_enter_room" => match proto::ImEnterRoomMessage::decode(frame.payload) {
                Ok(m) => ClientFrame::EnterRoom {
                    room_id: m.room_id,
                    enter_unique_id: m.enter_unique_id,
                    live_id: m.live_id,
                    identity: m.identity,
                },
                Err(e) => ClientFrame::Other(e.to_string()),
            },
            "hb" => match proto::HeartBeatMessage::decode(frame.payload) {
                Ok(m) => ClientFrame::Heartbeat {
                    room_id: m.room_id,
                    seq: m.send_packet_seq_id,
                },
                Err(e) => ClientFrame::Other(e.to_string()),
            },
            "ack" => ClientFrame::Ack {
                log_id: frame.log_id,
                internal_ext: String::from_utf8_lossy(&frame.payload).into_owned(),
            },
            other => ClientFrame::Other(other.to_owned()),
        }
    }
}
