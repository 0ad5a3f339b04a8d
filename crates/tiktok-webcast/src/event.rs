//! The typed events of a TikTok room and their unified form (DESIGN.md §3.2).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use live_model::event::{
    Chat, Gift, Lifecycle as LifecyclePayload, Like, MessageDeleted, Other, Poll, PollEnd,
    PollOption, Subscription, ViewerCount,
};
use live_model::{EventKind, LiveEvent, Platform, RawPayload, Timestamp};
use serde::Serialize;

use crate::messages::*;

/// What every decoded message event knows besides its message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Meta {
    pub(crate) room: Arc<str>,
    pub(crate) method: &'static str,
    pub(crate) msg_id: i64,
    pub(crate) time: Timestamp,
    pub(crate) is_history: bool,
    pub(crate) include_raw: bool,
}

/// A decoded message with its envelope: room, method, id, time. The message is shared, so
/// cloning an event is cheap.
#[derive(Debug, Clone, PartialEq)]
pub struct Message<T> {
    pub(crate) meta: Meta,
    pub(crate) message: Arc<T>,
}

impl<T> Message<T> {
    /// A message event built by hand (tests, replays of other sources).
    pub fn new(room: &str, method: &'static str, msg_id: i64, time: Timestamp, message: T) -> Self {
        Message {
            meta: Meta {
                room: Arc::from(room),
                method,
                msg_id,
                time,
                is_history: false,
                include_raw: false,
            },
            message: Arc::new(message),
        }
    }

    /// The full typed message.
    pub fn message(&self) -> &T {
        &self.message
    }

    /// Takes the typed message out (cloning it if the event was cloned).
    pub fn into_message(self) -> T
    where
        T: Clone,
    {
        Arc::unwrap_or_clone(self.message)
    }

    /// The room as the caller named it (the unique id without `@`).
    pub fn room(&self) -> &str {
        &self.meta.room
    }

    /// The method name (`WebcastChatMessage`).
    pub fn method(&self) -> &'static str {
        self.meta.method
    }

    /// The message id (0 when TikTok sent none).
    pub fn msg_id(&self) -> i64 {
        self.meta.msg_id
    }

    /// TikTok's creation time, or the time the frame arrived when it has none.
    pub fn time(&self) -> Timestamp {
        self.meta.time
    }

    /// True for replayed history (the bootstrap batch).
    pub fn is_history(&self) -> bool {
        self.meta.is_history
    }
}

/// Where a gift stands in its streak.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum GiftStreak {
    /// A gift that does not streak: it counts at once.
    Single,
    /// A step of a streak still going (`repeat_end == 0`): provisional, not counted.
    InProgress,
    /// The streak's final message (`repeat_end == 1`): count it.
    Finished,
    /// No final message came within the streak timeout (or the stream ended): counted with the
    /// last count seen.
    TimedOut,
}

/// A gift message and where it stands in its streak.
#[derive(Debug, Clone, PartialEq)]
pub struct GiftEvent {
    /// The message (for [`GiftStreak::TimedOut`], the streak's last one).
    pub message: Message<GiftMessage>,
    /// Where it stands.
    pub streak: GiftStreak,
    /// The count so far (final unless in progress).
    pub count: u64,
}

impl GiftEvent {
    /// True when this event counts the gift (single, finished or timed out): exactly one per
    /// streak.
    pub fn is_final(&self) -> bool {
        self.streak != GiftStreak::InProgress
    }

    /// Coins: diamonds per unit times the count.
    pub fn value(&self) -> u64 {
        (self.message.message.diamond_count().max(0) as u64).saturating_mul(self.count)
    }
}

/// A like batch with the room total made monotonic.
#[derive(Debug, Clone, PartialEq)]
pub struct LikeEvent {
    /// The message as received.
    pub message: Message<LikeMessage>,
    /// The room total, never decreasing (shards report it out of order).
    pub total: u64,
}

/// What a social message is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SocialKind {
    /// A follow.
    Follow,
    /// A share; `joined` is how many viewers joined through it, when the text says.
    Share {
        /// Viewers who joined through the share (`pm_mt_guidance_viewer_{N}_share`).
        joined: Option<u64>,
    },
    /// Neither.
    Other,
}

/// A follow or share.
#[derive(Debug, Clone, PartialEq)]
pub struct SocialEvent {
    /// The message.
    pub message: Message<SocialMessage>,
    /// Its classification (by display-text key, else by action).
    pub kind: SocialKind,
}

/// A viewer count update.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewerCountEvent {
    /// The message.
    pub message: Message<RoomUserSeqMessage>,
    /// False when the count equals the previous one (no unified event then).
    pub changed: bool,
}

/// A poll update, with the question remembered from its start.
#[derive(Debug, Clone, PartialEq)]
pub struct PollEvent {
    /// The message.
    pub message: Message<PollMessage>,
    /// The question (update messages do not repeat it).
    pub title: Option<String>,
}

/// One retracted chat message (a delete message yields one event per id).
#[derive(Debug, Clone, PartialEq)]
pub struct DeleteEvent {
    /// The message.
    pub message: Message<ImDeleteMessage>,
    /// The retracted message id; `None` when only user ids were given.
    pub deleted_msg_id: Option<i64>,
}

/// A message this crate does not type, or one that failed to decode: its method and raw bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownMessage {
    pub(crate) room: Arc<str>,
    pub(crate) method: String,
    pub(crate) msg_id: i64,
    pub(crate) time: Timestamp,
    pub(crate) payload: Bytes,
    pub(crate) decode_error: Option<String>,
}

impl UnknownMessage {
    /// The method name as sent.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The raw protobuf payload.
    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    /// The message id (0 when none).
    pub fn msg_id(&self) -> i64 {
        self.msg_id
    }

    /// Why a known method failed to decode, when it did.
    pub fn decode_error(&self) -> Option<&str> {
        self.decode_error.as_deref()
    }

    /// The room.
    pub fn room(&self) -> &str {
        &self.room
    }

    /// When it arrived.
    pub fn time(&self) -> Timestamp {
        self.time
    }
}

/// A connection lifecycle change.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lifecycle {
    /// The room as the caller named it.
    pub room: String,
    /// TikTok's room id, when known.
    pub room_id: Option<String>,
    /// Why.
    pub reason: Option<String>,
    /// Reconnection attempt (reconnecting only).
    pub attempt: Option<u32>,
    /// Wait before it (reconnecting only).
    pub retry_in: Option<Duration>,
    /// When it happened.
    pub time: Timestamp,
}

impl Lifecycle {
    /// A lifecycle record.
    pub fn new(room: impl Into<String>, time: Timestamp) -> Self {
        Lifecycle {
            room: room.into(),
            room_id: None,
            reason: None,
            attempt: None,
            retry_in: None,
            time,
        }
    }

    fn payload(&self) -> LifecyclePayload {
        let mut payload = match &self.reason {
            Some(reason) => LifecyclePayload::because(reason.clone()),
            None => LifecyclePayload::new(),
        };
        if let (Some(attempt), Some(wait)) = (self.attempt, self.retry_in) {
            payload = payload.with_retry(attempt, wait.as_millis() as u64);
        }
        payload
    }
}

/// One event of a TikTok room: a typed message, a derived event (gift streak, like total,
/// viewer change...), or a connection lifecycle change.
///
/// New message types are added as the crate learns them, so the enum is `#[non_exhaustive]`;
/// untyped methods arrive as [`TikTokEvent::Unknown`]. Do not match on an unknown's method to
/// pick events out: when the crate learns that method it moves to its own variant.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum TikTokEvent {
    /// The WebSocket is open and the room entered.
    Connected(Lifecycle),
    /// The connection dropped; reconnecting after a wait.
    Reconnecting(Lifecycle),
    /// The connection is over for good (stream end, close, fatal error).
    Disconnected(Lifecycle),
    /// `WebcastChatMessage`.
    Chat(Message<ChatMessage>),
    /// `WebcastGiftMessage` with its streak state.
    Gift(GiftEvent),
    /// `WebcastLikeMessage` with the monotonic total.
    Like(LikeEvent),
    /// `WebcastMemberMessage` (joins: action `Enter`).
    Member(Message<MemberMessage>),
    /// `WebcastSocialMessage`, classified.
    Social(SocialEvent),
    /// `WebcastRoomUserSeqMessage`: viewers.
    RoomUserSeq(ViewerCountEvent),
    /// `WebcastSubNotifyMessage`.
    SubNotify(Message<SubNotifyMessage>),
    /// `WebcastControlMessage` (actions 3 and 4 end the stream).
    Control(Message<ControlMessage>),
    /// `WebcastEmoteChatMessage`.
    EmoteChat(Message<EmoteChatMessage>),
    /// `WebcastEnvelopeMessage`.
    Envelope(Message<EnvelopeMessage>),
    /// `WebcastQuestionNewMessage`.
    QuestionNew(Message<QuestionNewMessage>),
    /// `WebcastLinkMicBattle`.
    LinkMicBattle(Message<LinkMicBattleMessage>),
    /// `WebcastLinkMicArmies`.
    LinkMicArmies(Message<LinkMicArmiesMessage>),
    /// `WebcastLiveIntroMessage`.
    LiveIntro(Message<LiveIntroMessage>),
    /// `WebcastRankUpdateMessage`.
    RankUpdate(Message<RankUpdateMessage>),
    /// `WebcastPollMessage`.
    Poll(PollEvent),
    /// `WebcastGoalUpdateMessage`.
    GoalUpdate(Message<GoalUpdateMessage>),
    /// `WebcastRoomMessage`.
    Room(Message<RoomMessage>),
    /// `WebcastBarrageMessage`.
    Barrage(Message<BarrageMessage>),
    /// `WebcastImDeleteMessage`, one event per retracted id.
    ImDelete(DeleteEvent),
    /// `WebcastInRoomBannerMessage`.
    InRoomBanner(Message<InRoomBannerMessage>),
    /// `WebcastCaptionMessage`.
    Caption(Message<CaptionMessage>),
    /// `WebcastSystemMessage`.
    System(Message<SystemMessage>),
    /// A method this crate does not type, or one that failed to decode, with its raw bytes.
    Unknown(UnknownMessage),
}

/// Applies `$body` to the `Message<T>` inside any message variant.
macro_rules! with_message {
    ($event:expr, $m:ident => $body:expr, $unknown:ident => $ubody:expr, $lc:ident => $lbody:expr) => {
        match $event {
            TikTokEvent::Connected($lc)
            | TikTokEvent::Reconnecting($lc)
            | TikTokEvent::Disconnected($lc) => $lbody,
            TikTokEvent::Chat($m) => $body,
            TikTokEvent::Gift(GiftEvent { message: $m, .. }) => $body,
            TikTokEvent::Like(LikeEvent { message: $m, .. }) => $body,
            TikTokEvent::Member($m) => $body,
            TikTokEvent::Social(SocialEvent { message: $m, .. }) => $body,
            TikTokEvent::RoomUserSeq(ViewerCountEvent { message: $m, .. }) => $body,
            TikTokEvent::SubNotify($m) => $body,
            TikTokEvent::Control($m) => $body,
            TikTokEvent::EmoteChat($m) => $body,
            TikTokEvent::Envelope($m) => $body,
            TikTokEvent::QuestionNew($m) => $body,
            TikTokEvent::LinkMicBattle($m) => $body,
            TikTokEvent::LinkMicArmies($m) => $body,
            TikTokEvent::LiveIntro($m) => $body,
            TikTokEvent::RankUpdate($m) => $body,
            TikTokEvent::Poll(PollEvent { message: $m, .. }) => $body,
            TikTokEvent::GoalUpdate($m) => $body,
            TikTokEvent::Room($m) => $body,
            TikTokEvent::Barrage($m) => $body,
            TikTokEvent::ImDelete(DeleteEvent { message: $m, .. }) => $body,
            TikTokEvent::InRoomBanner($m) => $body,
            TikTokEvent::Caption($m) => $body,
            TikTokEvent::System($m) => $body,
            TikTokEvent::Unknown($unknown) => $ubody,
        }
    };
}

impl TikTokEvent {
    /// True for connected, reconnecting and disconnected.
    pub fn is_lifecycle(&self) -> bool {
        matches!(
            self,
            TikTokEvent::Connected(_) | TikTokEvent::Reconnecting(_) | TikTokEvent::Disconnected(_)
        )
    }

    /// The method name of a message event (`WebcastChatMessage`), `None` for lifecycle events.
    pub fn method(&self) -> Option<&str> {
        with_message!(self, m => Some(m.method()), u => Some(u.method()), _lc => None)
    }

    /// The message id, when TikTok sent one.
    pub fn msg_id(&self) -> Option<i64> {
        with_message!(self, m => Some(m.msg_id()), u => Some(u.msg_id), _lc => None)
            .filter(|&id| id != 0)
    }

    /// The event's time.
    pub fn time(&self) -> Timestamp {
        with_message!(self, m => m.time(), u => u.time, lc => lc.time)
    }

    /// The room as the caller named it.
    pub fn room(&self) -> &str {
        with_message!(self, m => m.room(), u => u.room(), lc => lc.room.as_str())
    }

    /// The acting user, when the message has one.
    pub fn user(&self) -> Option<&TikTokUser> {
        match self {
            TikTokEvent::Chat(m) => m.message.user.as_deref(),
            TikTokEvent::Gift(g) => g.message.message.user.as_deref(),
            TikTokEvent::Like(l) => l.message.message.user.as_deref(),
            TikTokEvent::Member(m) => m.message.user.as_deref(),
            TikTokEvent::Social(s) => s.message.message.user.as_deref(),
            TikTokEvent::SubNotify(m) => m.message.user.as_deref(),
            TikTokEvent::EmoteChat(m) => m.message.user.as_deref(),
            TikTokEvent::QuestionNew(m) => m.message.data.as_ref().and_then(|q| q.user.as_deref()),
            TikTokEvent::LiveIntro(m) => m.message.user.as_deref(),
            TikTokEvent::Barrage(m) => m.message.user.as_deref(),
            _ => None,
        }
    }

    /// The full typed message as JSON (for `raw` on unified events).
    pub fn message_json(&self) -> Option<serde_json::Value> {
        fn json<T: Serialize>(m: &Message<T>) -> Option<serde_json::Value> {
            serde_json::to_value(m.message()).ok()
        }
        with_message!(self, m => json(m), u => Some(RawPayload::Bytes(u.payload.to_vec()).to_json()), _lc => None)
    }

    fn include_raw(&self) -> bool {
        with_message!(self, m => m.meta.include_raw, _u => true, _lc => false)
    }

    /// The unified event of DESIGN.md §3.2, or `None` when this event has none: a gift streak
    /// still in progress, an unchanged viewer count. Everything else has one (untyped methods
    /// become `other`).
    pub fn to_live_event(&self) -> Option<LiveEvent> {
        let kind: EventKind = match self {
            TikTokEvent::Connected(lc) => EventKind::Connected(lc.payload()),
            TikTokEvent::Reconnecting(lc) => EventKind::Reconnecting(lc.payload()),
            TikTokEvent::Disconnected(lc) => EventKind::Disconnected(lc.payload()),
            TikTokEvent::Chat(m) => Chat::new(m.message.content.clone()).into(),
            TikTokEvent::Gift(g) => {
                if !g.is_final() {
                    return None;
                }
                let message = g.message.message();
                let id = match message.gift_id {
                    0 => message.gift.as_ref().map_or(0, |gift| gift.id),
                    id => id,
                };
                Gift::new(id.to_string(), message.gift_name(), g.count, g.value()).into()
            }
            TikTokEvent::Like(l) => {
                Like::new(l.message.message.count.max(0) as u64, l.total).into()
            }
            TikTokEvent::Member(m) if m.message.action == MemberAction::Enter => EventKind::Join,
            TikTokEvent::Social(s) => match s.kind {
                SocialKind::Follow => EventKind::Follow,
                SocialKind::Share { .. } => EventKind::Share,
                SocialKind::Other => self.other(),
            },
            TikTokEvent::RoomUserSeq(v) => {
                if !v.changed {
                    return None;
                }
                ViewerCount::new(v.message.message.total.max(0) as u64).into()
            }
            TikTokEvent::SubNotify(m) if m.message.message_type == 0 => {
                let months = u32::try_from(m.message.sub_month.max(1)).unwrap_or(u32::MAX);
                Subscription::new(months).into()
            }
            TikTokEvent::Control(m) if m.message.action.is_end() => EventKind::StreamEnd,
            TikTokEvent::Poll(p) => {
                let message = p.message.message();
                if let Some(end) = &message.end_content {
                    let _ = end;
                    PollEnd::new(p.title.clone()).into()
                } else {
                    let options = message
                        .start_content
                        .as_ref()
                        .map(|s| &s.option_list)
                        .or(message
                            .update_votes_content
                            .as_ref()
                            .map(|u| &u.option_list))
                        .map(|list| {
                            list.iter()
                                .map(|o| {
                                    PollOption::new(
                                        o.display_content.clone(),
                                        o.votes.max(0) as u64,
                                    )
                                })
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default();
                    Poll::new(p.title.clone().unwrap_or_default(), options).into()
                }
            }
            TikTokEvent::ImDelete(d) => match d.deleted_msg_id {
                Some(id) => MessageDeleted::new(id.to_string()).into(),
                None => self.other(),
            },
            _ => self.other(),
        };
        let mut event = LiveEvent::new(Platform::TikTok, self.room(), self.time(), kind);
        if let Some(id) = self.msg_id() {
            event = event.with_id(id.to_string());
        }
        if let Some(user) = self.user().and_then(TikTokUser::to_live_user) {
            event = event.with_user(user);
        }
        if self.include_raw()
            && let Some(raw) = self.message_json()
        {
            event = event.with_raw(raw);
        }
        Some(event)
    }

    fn other(&self) -> EventKind {
        let name = self.method().unwrap_or("unknown");
        let payload = match self {
            TikTokEvent::Unknown(u) => RawPayload::Bytes(u.payload.to_vec()),
            _ => RawPayload::default(),
        };
        Other::new(name, payload).into()
    }
}
