//! The sans-I/O decoder: frames in, typed events out. It holds what a room's stream needs
//! across frames (and across reconnects): recent message ids for de-duplication, gift streaks,
//! the like total, the last viewer count, the cursor. It has no clock and no socket: the
//! caller passes each frame's arrival time, and [`Decoder::tick`] drives streak timeouts, so a
//! recording fed through a new decoder reproduces the live run exactly.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

mod recent_ids;

use recent_ids::RecentIds;

use crate::codec::wire::{self, Decode, Reader};
use crate::codec::{
    self, CodecError, Inflater, PayloadType, WireBaseMessage, WireFetchResult, WirePushFrame,
};
use crate::event::*;
use crate::messages::*;
use bytes::Bytes;
use live_model::Timestamp;

/// How a [`Decoder`] behaves.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct DecoderOptions {
    /// Attach the typed message as JSON (`raw`) to unified events.
    pub include_raw: bool,
    /// A streak with no message for this long is counted with its last count (default 20 s).
    pub streak_timeout: Duration,
    /// How many recent message ids are remembered for de-duplication (default 2048).
    pub dedup_capacity: usize,
    /// The largest decompressed payload accepted (default 8 MiB).
    pub max_decompressed_bytes: usize,
}

impl Default for DecoderOptions {
    fn default() -> Self {
        DecoderOptions {
            include_raw: false,
            streak_timeout: Duration::from_secs(20),
            dedup_capacity: 2048,
            max_decompressed_bytes: codec::DEFAULT_MAX_DECOMPRESSED_BYTES,
        }
    }
}

impl DecoderOptions {
    /// The defaults.
    pub fn new() -> Self {
        DecoderOptions::default()
    }

    /// Sets `include_raw`.
    #[must_use]
    pub fn include_raw(mut self, include: bool) -> Self {
        self.include_raw = include;
        self
    }

    /// Sets the streak timeout.
    #[must_use]
    pub fn streak_timeout(mut self, timeout: Duration) -> Self {
        self.streak_timeout = timeout;
        self
    }

    /// Sets the de-duplication memory.
    #[must_use]
    pub fn dedup_capacity(mut self, capacity: usize) -> Self {
        self.dedup_capacity = capacity;
        self
    }

    /// Sets the decompression cap.
    #[must_use]
    pub fn max_decompressed_bytes(mut self, bytes: usize) -> Self {
        self.max_decompressed_bytes = bytes;
        self
    }
}

/// What one frame was, and what to answer.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub struct FrameOutcome {
    /// The frame's payload type.
    pub payload_type: PayloadType,
    /// The frame's log id.
    pub log_id: i64,
    /// An ack frame to send back (the fetch result asked for one).
    pub ack: Option<Vec<u8>>,
    /// Messages in the batch (before de-duplication).
    pub messages: usize,
    /// Messages dropped as duplicates.
    pub duplicates: usize,
}

/// What a fetch result said about the connection (bootstrap and every batch).
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchInfo {
    /// The cursor to resume from.
    pub cursor: String,
    /// Opaque server state, echoed in acks.
    pub internal_ext: String,
    /// The WebSocket base URL.
    pub push_server: String,
    /// Extra WebSocket query parameters.
    pub route_params: Vec<(String, String)>,
    /// Suggested heartbeat interval.
    pub heartbeat_duration: Option<Duration>,
    /// The server wants an ack.
    pub need_ack: bool,
    /// Server time.
    pub now: Option<Timestamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct StreakKey {
    user: i64,
    gift: i64,
    group: i64,
}

#[derive(Debug)]
struct Streak {
    last: Message<GiftMessage>,
    count: u64,
    last_seen: Timestamp,
}

/// The sans-I/O decoder of one room's frames. See the module documentation.
#[derive(Debug)]
pub struct Decoder {
    room: Arc<str>,
    options: DecoderOptions,
    inflater: Inflater,
    seen: RecentIds,
    streaks: HashMap<StreakKey, Streak>,
    /// No open streak was seen before this: `tick` has nothing to do until it times out.
    oldest_streak: Option<Timestamp>,
    ended_streaks: RecentIds,
    like_total: u64,
    viewers: Option<i64>,
    polls: VecDeque<(i64, String)>,
    fetch: FetchInfo,
    stream_ended: bool,
}

const STRUCK_NAMES: usize = 16;

impl Decoder {
    /// A decoder for `room` (the name stamped on events: the unique id without `@`).
    pub fn new(room: &str, options: DecoderOptions) -> Self {
        Decoder {
            room: Arc::from(room),
            seen: RecentIds::new(options.dedup_capacity),
            ended_streaks: RecentIds::new(256),
            options,
            inflater: Inflater::new(),
            streaks: HashMap::new(),
            oldest_streak: None,
            like_total: 0,
            viewers: None,
            polls: VecDeque::new(),
            fetch: FetchInfo::default(),
            stream_ended: false,
        }
    }

    /// The room name stamped on events.
    pub fn room(&self) -> &str {
        &self.room
    }

    /// What the last fetch result said (cursor to resume from, push server...).
    pub fn fetch_info(&self) -> &FetchInfo {
        &self.fetch
    }

    /// The cursor to resume from after a disconnect.
    pub fn cursor(&self) -> &str {
        &self.fetch.cursor
    }

    /// True once a control message ended the stream.
    pub fn stream_ended(&self) -> bool {
        self.stream_ended
    }

    /// Decodes one WebSocket binary frame received at `now`, appending its events to `out`.
    /// Streaks that timed out by `now` are flushed first, so replays flush in the same places.
    pub fn push_frame(
        &mut self,
        frame: Bytes,
        now: Timestamp,
        out: &mut Vec<TikTokEvent>,
    ) -> Result<FrameOutcome, CodecError> {
        self.tick(now, out);
        let frame =
            wire::decode::<WirePushFrame>(&frame).map_err(|e| CodecError::Frame(e.to_string()))?;
        let mut outcome = FrameOutcome {
            payload_type: PayloadType::parse(&frame.payload_type),
            log_id: frame.log_id,
            ack: None,
            messages: 0,
            duplicates: 0,
        };
        if outcome.payload_type != PayloadType::Msg {
            return Ok(outcome);
        }
        let gzip = frame.gzip_header || frame.payload.starts_with(&codec::GZIP_MAGIC);
        let payload = if gzip {
            Bytes::from(
                self.inflater
                    .gunzip(&frame.payload, self.options.max_decompressed_bytes)?,
            )
        } else {
            // Copied: events share this buffer, and the frame's bytes are a slice of the
            // WebSocket reader's buffer (128 KiB), which a held event must not keep alive.
            Bytes::copy_from_slice(&frame.payload)
        };
        let result = wire::decode::<WireFetchResult>(&payload)
            .map_err(|e| CodecError::FetchResult(e.to_string()))?;
        if result.need_ack {
            let ext = if result.internal_ext.is_empty() {
                "-"
            } else {
                result.internal_ext.as_str()
            };
            outcome.ack = Some(codec::encode_ack(frame.log_id, ext));
        }
        let (messages, duplicates) = self.apply(result, now, out);
        outcome.messages = messages;
        outcome.duplicates = duplicates;
        Ok(outcome)
    }

    /// Decodes a bare fetch result (the sign server's bootstrap body) received at `now`; its
    /// messages are history and are de-duplicated against what the socket sends later.
    pub fn push_fetch_result(
        &mut self,
        bytes: Bytes,
        now: Timestamp,
        out: &mut Vec<TikTokEvent>,
    ) -> Result<FetchInfo, CodecError> {
        self.tick(now, out);
        // Copied for the reason given in `push_frame`: the body may be a slice of a larger
        // buffer that events must not keep alive.
        let bytes = Bytes::copy_from_slice(&bytes);
        let result = wire::decode::<WireFetchResult>(&bytes)
            .map_err(|e| CodecError::FetchResult(e.to_string()))?;
        self.apply(result, now, out);
        Ok(self.fetch.clone())
    }

    /// Flushes the gift streaks that had no message for the streak timeout by `now`.
    pub fn tick(&mut self, now: Timestamp, out: &mut Vec<TikTokEvent>) {
        let timeout = i128::try_from(self.options.streak_timeout.as_nanos()).unwrap_or(i128::MAX);
        match self.oldest_streak {
            None => return,
            Some(oldest) if now.unix_nanos() - oldest.unix_nanos() < timeout => return,
            Some(_) => {}
        }
        let mut expired: Vec<StreakKey> = self
            .streaks
            .iter()
            .filter(|(_, s)| now.unix_nanos() - s.last_seen.unix_nanos() >= timeout)
            .map(|(k, _)| *k)
            .collect();
        // Oldest first, so the order does not depend on the map's.
        expired.sort_by_key(|k| {
            self.streaks
                .get(k)
                .map(|s| (s.last_seen, s.last.meta.msg_id))
        });
        for key in expired {
            self.flush_streak(key, out);
        }
        self.oldest_streak = self.streaks.values().map(|s| s.last_seen).min();
    }

    /// Flushes every open streak (the stream or the recording is over).
    pub fn finish(&mut self, out: &mut Vec<TikTokEvent>) {
        let mut keys: Vec<StreakKey> = self.streaks.keys().copied().collect();
        keys.sort_by_key(|k| {
            self.streaks
                .get(k)
                .map(|s| (s.last_seen, s.last.meta.msg_id))
        });
        for key in keys {
            self.flush_streak(key, out);
        }
        self.oldest_streak = None;
    }

    fn flush_streak(&mut self, key: StreakKey, out: &mut Vec<TikTokEvent>) {
        if let Some(streak) = self.streaks.remove(&key) {
            self.ended_streaks.insert(streak_id(key));
            out.push(TikTokEvent::Gift(GiftEvent {
                message: streak.last,
                streak: GiftStreak::TimedOut,
                count: streak.count,
            }));
        }
    }

    fn apply(
        &mut self,
        result: WireFetchResult,
        now: Timestamp,
        out: &mut Vec<TikTokEvent>,
    ) -> (usize, usize) {
        // The strings are copied into the buffers the decoder keeps (no allocation once they
        // are large enough), so no frame buffer outlives its frame through them.
        for (kept, new) in [
            (&mut self.fetch.cursor, &result.cursor),
            (&mut self.fetch.internal_ext, &result.internal_ext),
            (&mut self.fetch.push_server, &result.push_server),
        ] {
            if !new.is_empty() && kept.as_str() != new.as_str() {
                kept.clear();
                kept.push_str(new);
            }
        }
        if !result.route_params.is_empty() {
            // A map: sorted by key, a later entry replacing an earlier one.
            let map: BTreeMap<&str, &str> = result
                .route_params
                .iter()
                .map(|e| (e.key.as_str(), e.value.as_str()))
                .collect();
            self.fetch.route_params = map
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        }
        if result.heartbeat_duration > 0 {
            self.fetch.heartbeat_duration =
                Some(Duration::from_millis(result.heartbeat_duration as u64));
        }
        self.fetch.need_ack = result.need_ack;
        if result.now > 0 {
            self.fetch.now = Some(Timestamp::from_unix_millis(result.now));
        }
        let total = result.messages.len();
        let mut duplicates = 0;
        for message in result.messages {
            if message.msg_id != 0 && !self.seen.insert(message.msg_id) {
                duplicates += 1;
                continue;
            }
            if !self.decode_message(message, now, out) {
                duplicates += 1;
            }
        }
        (total, duplicates)
    }

    /// Decodes one message into events; false when it turned out to be a duplicate.
    fn decode_message(
        &mut self,
        base: WireBaseMessage,
        now: Timestamp,
        out: &mut Vec<TikTokEvent>,
    ) -> bool {
        macro_rules! typed {
            ($typed:ident, $method:literal) => {
                match self.typed::<$typed>($method, &base, now, |m| m.common.as_ref()) {
                    Ok(Some(message)) => message,
                    Ok(None) => return false,
                    Err(e) => {
                        out.push(self.unknown(base, now, Some(e.to_string())));
                        return true;
                    }
                }
            };
        }
        let event = match base.method.as_str() {
            "WebcastChatMessage" => TikTokEvent::Chat(typed!(ChatMessage, "WebcastChatMessage")),
            "WebcastGiftMessage" => {
                let message = typed!(GiftMessage, "WebcastGiftMessage");
                self.gift(message, now, out);
                return true;
            }
            "WebcastLikeMessage" => {
                let message = typed!(LikeMessage, "WebcastLikeMessage");
                let this = message.message.total.max(0) as u64;
                self.like_total = self.like_total.max(this);
                TikTokEvent::Like(LikeEvent {
                    message,
                    total: self.like_total,
                })
            }
            "WebcastMemberMessage" => {
                TikTokEvent::Member(typed!(MemberMessage, "WebcastMemberMessage"))
            }
            "WebcastSocialMessage" => {
                let message = typed!(SocialMessage, "WebcastSocialMessage");
                let kind = classify_social(&message.message);
                TikTokEvent::Social(SocialEvent { message, kind })
            }
            "WebcastRoomUserSeqMessage" => {
                let message = typed!(RoomUserSeqMessage, "WebcastRoomUserSeqMessage");
                let viewers = message.message.total;
                let changed = self.viewers != Some(viewers);
                self.viewers = Some(viewers);
                TikTokEvent::RoomUserSeq(ViewerCountEvent { message, changed })
            }
            "WebcastSubNotifyMessage" => {
                TikTokEvent::SubNotify(typed!(SubNotifyMessage, "WebcastSubNotifyMessage"))
            }
            "WebcastControlMessage" => {
                let message = typed!(ControlMessage, "WebcastControlMessage");
                if message.message.action.is_end() {
                    // Gifts still streaking are counted before the end.
                    self.finish(out);
                    self.stream_ended = true;
                }
                TikTokEvent::Control(message)
            }
            "WebcastEmoteChatMessage" => {
                TikTokEvent::EmoteChat(typed!(EmoteChatMessage, "WebcastEmoteChatMessage"))
            }
            "WebcastEnvelopeMessage" => {
                TikTokEvent::Envelope(typed!(EnvelopeMessage, "WebcastEnvelopeMessage"))
            }
            "WebcastQuestionNewMessage" => {
                TikTokEvent::QuestionNew(typed!(QuestionNewMessage, "WebcastQuestionNewMessage"))
            }
            "WebcastLinkMicBattle" => {
                TikTokEvent::LinkMicBattle(typed!(LinkMicBattleMessage, "WebcastLinkMicBattle"))
            }
            "WebcastLinkMicArmies" => {
                TikTokEvent::LinkMicArmies(typed!(LinkMicArmiesMessage, "WebcastLinkMicArmies"))
            }
            "WebcastLiveIntroMessage" => {
                TikTokEvent::LiveIntro(typed!(LiveIntroMessage, "WebcastLiveIntroMessage"))
            }
            "WebcastRankUpdateMessage" => {
                TikTokEvent::RankUpdate(typed!(RankUpdateMessage, "WebcastRankUpdateMessage"))
            }
            "WebcastPollMessage" => {
                let message = typed!(PollMessage, "WebcastPollMessage");
                let title = self.poll_title(&message.message);
                TikTokEvent::Poll(PollEvent { message, title })
            }
            "WebcastGoalUpdateMessage" => {
                TikTokEvent::GoalUpdate(typed!(GoalUpdateMessage, "WebcastGoalUpdateMessage"))
            }
            "WebcastRoomMessage" => TikTokEvent::Room(typed!(RoomMessage, "WebcastRoomMessage")),
            "WebcastBarrageMessage" => {
                TikTokEvent::Barrage(typed!(BarrageMessage, "WebcastBarrageMessage"))
            }
            "WebcastImDeleteMessage" => {
                let message = typed!(ImDeleteMessage, "WebcastImDeleteMessage");
                let ids = message.message.delete_msg_ids.clone();
                if ids.is_empty() {
                    TikTokEvent::ImDelete(DeleteEvent {
                        message,
                        deleted_msg_id: None,
                    })
                } else {
                    for id in ids {
                        out.push(TikTokEvent::ImDelete(DeleteEvent {
                            message: message.clone(),
                            deleted_msg_id: Some(id),
                        }));
                    }
                    return true;
                }
            }
            "WebcastInRoomBannerMessage" => {
                TikTokEvent::InRoomBanner(typed!(InRoomBannerMessage, "WebcastInRoomBannerMessage"))
            }
            "WebcastCaptionMessage" => {
                TikTokEvent::Caption(typed!(CaptionMessage, "WebcastCaptionMessage"))
            }
            "WebcastSystemMessage" => {
                TikTokEvent::System(typed!(SystemMessage, "WebcastSystemMessage"))
            }
            _ => self.unknown(base, now, None),
        };
        out.push(event);
        true
    }

    /// Decodes `base`'s payload as a `T` with its envelope; `None` when only its common id
    /// shows it is a duplicate. Out of line, one copy per type: inlined into the dispatch, the
    /// types together made one 30 KiB function, and inflating plus decoding a frame already
    /// outgrows the instruction cache.
    #[inline(never)]
    fn typed<T: Decode + Clone>(
        &mut self,
        method: &'static str,
        base: &WireBaseMessage,
        now: Timestamp,
        common: fn(&T) -> Option<&Common>,
    ) -> Result<Option<Message<T>>, wire::WireError> {
        // Decoded in place in its shared allocation: these structs are up to a few KiB.
        let mut message: Arc<T> = Arc::default();
        wire::merge(Arc::make_mut(&mut message), &mut Reader::new(&base.payload))?;
        Ok(self
            .meta(method, base, common(&message), now)
            .map(|meta| Message { meta, message }))
    }

    /// The envelope of a decoded message, or `None` when only its common id shows it is a
    /// duplicate.
    fn meta(
        &mut self,
        method: &'static str,
        base: &WireBaseMessage,
        common: Option<&Common>,
        now: Timestamp,
    ) -> Option<Meta> {
        let mut msg_id = base.msg_id;
        if msg_id == 0 {
            msg_id = common.map_or(0, |c| c.msg_id);
            if msg_id != 0 && !self.seen.insert(msg_id) {
                return None;
            }
        }
        let time = match common.map_or(0, |c| c.create_time) {
            0 => now,
            ms => Timestamp::from_unix_millis(ms),
        };
        Some(Meta {
            room: Arc::clone(&self.room),
            method,
            msg_id,
            time,
            is_history: base.is_history,
            include_raw: self.options.include_raw,
        })
    }

    fn unknown(
        &self,
        base: WireBaseMessage,
        now: Timestamp,
        decode_error: Option<String>,
    ) -> TikTokEvent {
        TikTokEvent::Unknown(UnknownMessage {
            room: Arc::clone(&self.room),
            method: base.method.to_string(),
            msg_id: base.msg_id,
            time: now,
            payload: base.payload,
            decode_error,
        })
    }

    fn gift(&mut self, message: Message<GiftMessage>, now: Timestamp, out: &mut Vec<TikTokEvent>) {
        let gift = message.message();
        let count = gift.repeat_count.max(1) as u64;
        if !gift.is_streakable() {
            out.push(TikTokEvent::Gift(GiftEvent {
                message,
                streak: GiftStreak::Single,
                count,
            }));
            return;
        }
        let key = StreakKey {
            user: gift.user.as_ref().map_or(0, |u| u.id),
            gift: gift.gift_id,
            group: gift.group_id,
        };
        let finished = gift.repeat_end == 1;
        if self.ended_streaks.contains(streak_id(key)) {
            // The streak was already counted (flushed on timeout): a late step must not count
            // it twice. It is still reported, as in progress.
            out.push(TikTokEvent::Gift(GiftEvent {
                message,
                streak: GiftStreak::InProgress,
                count,
            }));
            return;
        }
        // Timeouts run on arrival times: TikTok's creation times come from another clock.
        let time = now;
        let best = self.streaks.get(&key).map_or(count, |s| s.count.max(count));
        if finished {
            self.streaks.remove(&key);
            self.ended_streaks.insert(streak_id(key));
            out.push(TikTokEvent::Gift(GiftEvent {
                message,
                streak: GiftStreak::Finished,
                count: best,
            }));
        } else {
            out.push(TikTokEvent::Gift(GiftEvent {
                message: message.clone(),
                streak: GiftStreak::InProgress,
                count: best,
            }));
            self.oldest_streak = Some(self.oldest_streak.map_or(time, |t| t.min(time)));
            self.streaks.insert(
                key,
                Streak {
                    last: message,
                    count: best,
                    last_seen: time,
                },
            );
        }
    }

    fn poll_title(&mut self, poll: &PollMessage) -> Option<String> {
        if let Some(start) = &poll.start_content {
            self.polls.retain(|(id, _)| *id != poll.poll_id);
            self.polls
                .push_back((poll.poll_id, start.title.to_string()));
            if self.polls.len() > STRUCK_NAMES {
                self.polls.pop_front();
            }
            return Some(start.title.to_string());
        }
        let title = self
            .polls
            .iter()
            .find(|(id, _)| *id == poll.poll_id)
            .map(|(_, t)| t.clone());
        if poll.end_content.is_some() {
            self.polls.retain(|(id, _)| *id != poll.poll_id);
        }
        title
    }
}

/// A streak's identity folded into one number for the bounded set of ended streaks.
fn streak_id(key: StreakKey) -> i64 {
    // FNV-1a over the three ids: collisions only make a late step count as in progress.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [key.user, key.gift, key.group] {
        for byte in part.to_le_bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash as i64
}

/// Follow or share: by the display text's key (`…follow…`, `…share…`), else by `action`
/// (1 follow, 2-5 share).
fn classify_social(message: &SocialMessage) -> SocialKind {
    let key = message
        .common
        .as_ref()
        .and_then(|c| c.display_text.as_ref())
        .map_or("", |t| t.key.as_str());
    if key.contains("follow") {
        return SocialKind::Follow;
    }
    if key.contains("share") {
        return SocialKind::Share {
            joined: share_joined(key),
        };
    }
    match message.action {
        1 => SocialKind::Follow,
        2..=5 => SocialKind::Share { joined: None },
        _ => SocialKind::Other,
    }
}

/// N in `pm_mt_guidance_viewer_{N}_share`.
fn share_joined(key: &str) -> Option<u64> {
    let rest = key.strip_prefix("pm_mt_guidance_viewer_")?;
    rest.strip_suffix("_share")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use live_testkit::tiktok::{Batch, FakeUser, Room};

    use super::*;

    /// Events share the fetch result's own buffer (inflated, or copied from an uncompressed
    /// frame), never the frame's bytes: those are a slice of the WebSocket reader's buffer.
    #[test]
    fn events_never_keep_the_frame_bytes_alive() {
        let room = Room::new(7, 1_700_000_000_000);
        let user = FakeUser::new(6_796_815_426_174_960_646, "alice_01", "Alice");
        let long_text = "a chat text long enough not to be stored inline, so it is shared";
        for gzip in [true, false] {
            let batch = Batch {
                gzip,
                ..Batch::new("c", vec![room.chat(1, &user, long_text)])
            };
            let frame = Bytes::from(batch.frame());
            let kept = frame.clone();
            let mut decoder = Decoder::new("alice_01", DecoderOptions::default());
            let mut events = Vec::new();
            let now = Timestamp::from_unix_millis(1_700_000_000_000);
            decoder.push_frame(frame, now, &mut events).unwrap();
            let TikTokEvent::Chat(chat) = &events[0] else {
                panic!("{events:?}");
            };
            assert_eq!(chat.message().content, long_text);
            assert!(kept.is_unique(), "gzip: {gzip}");
        }
    }

    #[test]
    fn share_keys_carry_the_joined_count() {
        assert_eq!(share_joined("pm_mt_guidance_viewer_7_share"), Some(7));
        assert_eq!(share_joined("pm_mt_guidance_share"), None);
    }
}
