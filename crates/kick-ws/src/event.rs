//! The typed events of a Kick channel ([`KickEvent`]) and their unified form
//! ([`KickEvent::to_live_event`], DESIGN.md §3.2).

use std::borrow::Cow;
use std::sync::Arc;

use live_model::event::{
    Ban, Chat, Gift, GiftedSubscriptions as UnifiedGiftedSubs, Host, Lifecycle as LifecyclePayload,
    MessageDeleted as UnifiedDeleted, Other, Pin, Poll as UnifiedPoll, PollEnd,
    PollOption as UnifiedPollOption, ReplyTo, Subscription as UnifiedSubscription, Unban, Unpin,
    ViewerCount as UnifiedViewerCount,
};
use live_model::{EventKind, LiveEvent, Platform, RawPayload, Timestamp, User};
use serde::Serialize;

use crate::payload::*;

/// A platform event with where and when it arrived.
///
/// `room` is the watched target as the caller named it (the slug, or what
/// [`crate::ChannelRef::ids`] was given); `channel` the Pusher/Centrifugo channel it arrived on
/// first; `name` Kick's event name exactly as received (`App\Events\ChatMessageEvent`, or the
/// bare `KicksGifted`).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Envelope<T> {
    /// The watched target.
    pub room: Arc<str>,
    /// The channel it arrived on.
    pub channel: Arc<str>,
    /// Kick's event name as received.
    pub name: Cow<'static, str>,
    /// When the frame arrived (the clock the caller passed to the decoder).
    pub received_at: Timestamp,
    /// The event's `data` as JSON, kept when the decoder was asked to (`include_raw`).
    #[serde(skip)]
    pub raw: Option<Arc<serde_json::Value>>,
    /// The typed payload.
    pub data: T,
}

impl<T> Envelope<T> {
    /// An envelope built by hand (tests; other sources of Kick events).
    pub fn new(
        room: impl Into<Arc<str>>,
        channel: impl Into<Arc<str>>,
        name: impl Into<Cow<'static, str>>,
        received_at: Timestamp,
        data: T,
    ) -> Self {
        Envelope {
            room: room.into(),
            channel: channel.into(),
            name: name.into(),
            received_at,
            raw: None,
            data,
        }
    }

    /// Attaches the raw `data`.
    #[must_use]
    pub fn with_raw(mut self, raw: serde_json::Value) -> Self {
        self.raw = Some(Arc::new(raw));
        self
    }
}

/// `App\Events\PinnedMessageDeletedEvent` (its data is `"[]"`), with the pin the decoder
/// remembers for the room.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PinnedMessageDeleted {
    /// The id of the last message pinned in this room, when the decoder saw the pin.
    pub last_pinned_message_id: Option<String>,
}

/// `App\Events\PollDeleteEvent`, with the poll the decoder remembers for the room.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PollDeleted {
    /// The title of the last poll seen in this room.
    pub last_title: Option<String>,
}

/// A goal event (`GoalProgressUpdateEvent` and its siblings).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoalUpdate {
    /// Which goal event it was.
    pub stage: GoalStage,
    /// The goal.
    pub goal: Goal,
}

/// Which chat mode a [`ChatModeChanged`] is about.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatMode {
    /// Subscribers only.
    Subscribers,
    /// Emotes only.
    Emotes,
    /// Followers only.
    Followers,
    /// Slow mode.
    Slow,
}

/// A chat-mode event (`SlowModeActivated`...).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatModeChanged {
    /// The mode.
    pub mode: ChatMode,
    /// Switched on (activated) or off.
    pub enabled: bool,
    /// Who and the setting.
    pub change: ChatModeChange,
}

/// Which transport carried a connection.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    /// Pusher protocol 7.
    Pusher,
    /// Centrifugo (Kick's web client since autumn 2026).
    Centrifugo,
}

impl TransportKind {
    /// `pusher` or `centrifugo`.
    pub fn as_str(self) -> &'static str {
        match self {
            TransportKind::Pusher => "pusher",
            TransportKind::Centrifugo => "centrifugo",
        }
    }
}

/// A connection lifecycle event of one room.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lifecycle {
    /// The room.
    pub room: Arc<str>,
    /// When.
    pub at: Timestamp,
    /// The transport, when known.
    pub transport: Option<TransportKind>,
    /// Why (a close code, an error, `unwatched`, `closed`).
    pub reason: Option<String>,
    /// Reconnecting: which attempt is next (1 for the first retry).
    pub attempt: Option<u32>,
    /// Reconnecting: milliseconds until it.
    pub retry_in_ms: Option<u64>,
    /// Disconnected: the server refused for good (Pusher 4000–4099) with this code.
    pub code: Option<u16>,
}

impl Lifecycle {
    /// A lifecycle event with only a room and a time.
    pub fn new(room: impl Into<Arc<str>>, at: Timestamp) -> Self {
        Lifecycle {
            room: room.into(),
            at,
            transport: None,
            reason: None,
            attempt: None,
            retry_in_ms: None,
            code: None,
        }
    }

    fn payload(&self) -> LifecyclePayload {
        let mut payload = match &self.reason {
            Some(reason) => LifecyclePayload::because(reason.clone()),
            None => LifecyclePayload::new(),
        };
        if let (Some(attempt), Some(ms)) = (self.attempt, self.retry_in_ms) {
            payload = payload.with_retry(attempt, ms);
        }
        payload
    }
}

/// The number of viewers of a room, at start (from the lookup or a first poll) and on every
/// change.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViewerCountEvent {
    /// The room.
    pub room: Arc<str>,
    /// When it was read.
    pub at: Timestamp,
    /// Viewers.
    pub viewers: u64,
    /// The livestream it counts.
    pub livestream_id: Option<String>,
}

/// What an [`ErrorEvent`] is about.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// A frame that is not JSON or not the protocol's shape (it is skipped).
    Frame,
    /// The Pusher server sent `pusher:error`.
    Pusher,
    /// A channel subscription was refused.
    Subscription,
    /// A viewer-count poll failed.
    Viewers,
    /// The connection failed (it is retried; see the next `Reconnecting`).
    Transport,
}

/// Something went wrong that did not stop the stream.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorEvent {
    /// The room, when the error concerns one.
    pub room: Option<Arc<str>>,
    /// When.
    pub at: Timestamp,
    /// What it is about.
    pub kind: ErrorKind,
    /// The server's error code (Pusher/Centrifugo), when it sent one.
    pub code: Option<i64>,
    /// What happened.
    pub message: String,
}

impl ErrorEvent {
    /// An error event.
    pub fn new(kind: ErrorKind, at: Timestamp, message: impl Into<String>) -> Self {
        ErrorEvent {
            room: None,
            at,
            kind,
            code: None,
            message: message.into(),
        }
    }
}

/// An event the crate does not type, or a known event whose data did not fit its type.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnknownEvent {
    /// The room.
    pub room: Arc<str>,
    /// The channel it arrived on.
    pub channel: Arc<str>,
    /// Kick's event name as received.
    pub name: String,
    /// The data: JSON when it parsed, else the text as a JSON string.
    pub raw: serde_json::Value,
    /// For a known name: why the data was not typed.
    pub reason: Option<String>,
    /// When it arrived.
    pub received_at: Timestamp,
}

/// Events were dropped because the consumer did not keep up (see [`crate::KickClient`]).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lagged {
    /// The room whose events were dropped (`None` for events of no room, such as errors).
    pub room: Option<String>,
    /// How many events were dropped.
    pub dropped: u64,
    /// When the consumer caught up.
    pub at: Timestamp,
}

/// One event of a watched Kick channel.
///
/// Every event of kick.md §3 has a variant; events the crate does not type arrive as
/// [`KickEvent::Unknown`] with their name and raw JSON. New variants are added as Kick grows,
/// so the enum is `#[non_exhaustive]`: keep a `_` arm. Convert any event into the unified
/// line with [`KickEvent::to_live_event`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "event")]
pub enum KickEvent {
    /// A chat message, reply or celebration.
    ChatMessage(Box<Envelope<ChatMessage>>),
    /// A message was deleted.
    MessageDeleted(Box<Envelope<MessageDeleted>>),
    /// A message was pinned.
    PinnedMessageCreated(Box<Envelope<PinnedMessageCreated>>),
    /// The pin was removed.
    PinnedMessageDeleted(Box<Envelope<PinnedMessageDeleted>>),
    /// A poll was created or voted on.
    PollUpdate(Box<Envelope<PollUpdate>>),
    /// The poll was removed.
    PollDelete(Box<Envelope<PollDeleted>>),
    /// A ban or a timeout.
    UserBanned(Box<Envelope<UserBanned>>),
    /// A ban or timeout lifted.
    UserUnbanned(Box<Envelope<UserUnbanned>>),
    /// A subscription or renewal.
    Subscription(Box<Envelope<Subscription>>),
    /// Subscriptions gifted (chunks already merged).
    GiftedSubscriptions(Box<Envelope<GiftedSubscriptions>>),
    /// Who received gifted subscriptions.
    LuckyUsersWhoGotGiftSubscriptions(Box<Envelope<LuckyUsersWhoGotGiftSubscriptions>>),
    /// The gifted-subscription leaderboards changed.
    GiftsLeaderboardUpdated(Box<Envelope<GiftsLeaderboardUpdated>>),
    /// The stream ended (`StopStreamBroadcast`).
    StreamEnd(Box<Envelope<StopStreamBroadcast>>),
    /// The stream started.
    StreamerIsLive(Box<Envelope<StreamerIsLive>>),
    /// Another channel hosts (raids) this one.
    StreamHost(Box<Envelope<StreamHost>>),
    /// The same host in its other shape (only when it arrived before the `StreamHost`).
    StreamHosted(Box<Envelope<StreamHosted>>),
    /// This channel now hosts another one.
    ChatMoveToSupportedChannel(Box<Envelope<ChatMoveToSupportedChannel>>),
    /// The chat was cleared.
    ChatroomClear(Box<Envelope<ChatroomClear>>),
    /// The chat's modes changed.
    ChatroomUpdated(Box<Envelope<ChatroomUpdated>>),
    /// A chat mode was switched (`SlowModeActivated`...).
    ChatModeChanged(Box<Envelope<ChatModeChanged>>),
    /// A paid gift (Kicks).
    KicksGifted(Box<Envelope<KicksGifted>>),
    /// The Kicks leaderboards changed.
    KicksLeaderboardUpdated(Box<Envelope<KicksLeaderboardUpdated>>),
    /// Channel points spent on a reward.
    RewardRedeemed(Box<Envelope<RewardRedeemed>>),
    /// The follower count changed.
    FollowersUpdated(Box<Envelope<FollowersUpdated>>),
    /// The subscription seen from the channel (only when it arrived before the
    /// `SubscriptionEvent`).
    ChannelSubscription(Box<Envelope<ChannelSubscription>>),
    /// A goal moved, was reached, edited or cancelled.
    GoalProgressUpdate(Box<Envelope<GoalUpdate>>),
    /// The number of viewers (polled).
    ViewerCount(ViewerCountEvent),
    /// The room's channels are subscribed (after each connect or reconnect).
    Connected(Lifecycle),
    /// The connection dropped; the client reconnects after `retry_in_ms`.
    Reconnecting(Lifecycle),
    /// The room is no longer watched: unwatched, closed, or refused for good.
    Disconnected(Lifecycle),
    /// Something failed without stopping the stream.
    Error(ErrorEvent),
    /// The consumer was too slow and events were dropped.
    Lagged(Lagged),
    /// An event the crate does not type.
    Unknown(Box<UnknownEvent>),
}

impl KickEvent {
    /// The room the event belongs to (`None` for connection-wide errors and lag notices).
    pub fn room(&self) -> Option<&str> {
        use KickEvent::*;
        Some(match self {
            ChatMessage(e) => &e.room,
            MessageDeleted(e) => &e.room,
            PinnedMessageCreated(e) => &e.room,
            PinnedMessageDeleted(e) => &e.room,
            PollUpdate(e) => &e.room,
            PollDelete(e) => &e.room,
            UserBanned(e) => &e.room,
            UserUnbanned(e) => &e.room,
            Subscription(e) => &e.room,
            GiftedSubscriptions(e) => &e.room,
            LuckyUsersWhoGotGiftSubscriptions(e) => &e.room,
            GiftsLeaderboardUpdated(e) => &e.room,
            StreamEnd(e) => &e.room,
            StreamerIsLive(e) => &e.room,
            StreamHost(e) => &e.room,
            StreamHosted(e) => &e.room,
            ChatMoveToSupportedChannel(e) => &e.room,
            ChatroomClear(e) => &e.room,
            ChatroomUpdated(e) => &e.room,
            ChatModeChanged(e) => &e.room,
            KicksGifted(e) => &e.room,
            KicksLeaderboardUpdated(e) => &e.room,
            RewardRedeemed(e) => &e.room,
            FollowersUpdated(e) => &e.room,
            ChannelSubscription(e) => &e.room,
            GoalProgressUpdate(e) => &e.room,
            ViewerCount(e) => &e.room,
            Connected(e) | Reconnecting(e) | Disconnected(e) => &e.room,
            Error(e) => return e.room.as_deref(),
            Lagged(e) => return e.room.as_deref(),
            Unknown(e) => &e.room,
        })
    }

    /// True for connected, reconnecting and disconnected.
    pub fn is_lifecycle(&self) -> bool {
        matches!(
            self,
            KickEvent::Connected(_) | KickEvent::Reconnecting(_) | KickEvent::Disconnected(_)
        )
    }

    /// The unified event (DESIGN.md §3.2), or `None` for errors and lag notices, which are
    /// about the client rather than the room.
    ///
    /// Typed events that have no unified kind (leaderboards, rewards, chat modes, goals, a
    /// host leaving...) become `other` with Kick's event name, as unknown events do; `raw` is
    /// set when the decoder kept it (`include_raw`).
    pub fn to_live_event(&self) -> Option<LiveEvent> {
        use KickEvent as K;
        let event = match self {
            K::ChatMessage(e) => {
                let m = &e.data;
                let mut chat = Chat::new(m.content.clone());
                if let Some(meta) = &m.metadata
                    && let Some(original) = &meta.original_message
                {
                    let user = meta
                        .original_sender
                        .as_ref()
                        .map(UserRef::to_user)
                        .unwrap_or_else(|| User::new("0", ""));
                    chat = chat.with_reply_to(ReplyTo::new(
                        original.id.clone().unwrap_or_default(),
                        original.content.clone(),
                        user,
                    ));
                }
                let time = m.created_at.unwrap_or(e.received_at);
                unified(e, time, chat)
                    .with_id(m.id.clone())
                    .with_user(m.sender.to_user())
            }
            K::MessageDeleted(e) => {
                let event = unified(
                    e,
                    e.received_at,
                    UnifiedDeleted::new(e.data.message.id.clone()),
                );
                with_opt_id(event, &e.data.id)
            }
            K::PinnedMessageCreated(e) => {
                let m = &e.data.message;
                let event = unified(e, e.received_at, Pin::new(m.id.clone(), m.content.clone()));
                match &e.data.pinned_by {
                    Some(by) => event.with_user(by.to_user()),
                    None => event,
                }
            }
            K::PinnedMessageDeleted(e) => unified(
                e,
                e.received_at,
                Unpin::new(e.data.last_pinned_message_id.clone()),
            ),
            K::PollUpdate(e) => {
                let poll = &e.data.poll;
                let options = poll
                    .options
                    .iter()
                    .map(|o| UnifiedPollOption::new(o.label.clone(), o.votes))
                    .collect::<Vec<_>>();
                unified(
                    e,
                    e.received_at,
                    UnifiedPoll::new(poll.title.clone(), options),
                )
            }
            K::PollDelete(e) => unified(e, e.received_at, PollEnd::new(e.data.last_title.clone())),
            K::UserBanned(e) => {
                let target = e.data.user.to_user();
                let ban = if e.data.is_permanent() {
                    Ban::permanent(target)
                } else {
                    match e.data.duration_secs() {
                        Some(secs) => Ban::timeout(target, secs),
                        None => {
                            let mut ban = Ban::permanent(target);
                            ban.permanent = false;
                            ban
                        }
                    }
                };
                let mut event = with_opt_id(unified(e, e.received_at, ban), &e.data.id);
                if let Some(by) = &e.data.banned_by {
                    event = event.with_user(by.to_user());
                }
                event
            }
            K::UserUnbanned(e) => {
                let mut event = with_opt_id(
                    unified(e, e.received_at, Unban::new(e.data.user.to_user())),
                    &e.data.id,
                );
                if let Some(by) = &e.data.unbanned_by {
                    event = event.with_user(by.to_user());
                }
                event
            }
            K::Subscription(e) => {
                let months = e
                    .data
                    .months
                    .map_or(0, |m| u32::try_from(m).unwrap_or(u32::MAX));
                unified(e, e.received_at, UnifiedSubscription::new(months)).with_user(User::new(
                    e.data.user_id.clone().unwrap_or_else(|| "0".to_owned()),
                    &*e.data.username,
                ))
            }
            K::ChannelSubscription(e) => {
                // Kick's channel-side shape has no months: 0 says "not given".
                let id = e
                    .data
                    .user_ids
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "0".to_owned());
                unified(e, e.received_at, UnifiedSubscription::new(0u32))
                    .with_user(User::new(id, &*e.data.username))
            }
            K::GiftedSubscriptions(e) => {
                let g = &e.data;
                let count = u32::try_from(g.count()).unwrap_or(u32::MAX);
                let payload = UnifiedGiftedSubs::new(count, g.gifted_usernames.clone());
                let event = unified(e, g.created_at.unwrap_or(e.received_at), payload);
                let event = with_opt_id(event, &g.correlation_id);
                match &g.gifter_username {
                    Some(name) => event.with_user(User::new("0", &**name)),
                    None => event,
                }
            }
            K::StreamEnd(e) => unified(e, e.received_at, EventKind::StreamEnd),
            K::StreamerIsLive(e) => {
                let livestream = e.data.livestream.as_ref();
                let time = livestream
                    .and_then(|l| l.created_at)
                    .unwrap_or(e.received_at);
                let event = unified(e, time, EventKind::StreamStart);
                match livestream.and_then(|l| l.id.as_ref()) {
                    Some(id) => event.with_id(id.clone()),
                    None => event,
                }
            }
            K::StreamHost(e) => unified(e, e.received_at, Host::new(e.data.number_viewers))
                .with_user(User::new("0", &*e.data.host_username)),
            K::StreamHosted(e) => {
                let message = e.data.message.as_ref();
                let viewers = message.map_or(0, |m| m.number_of_viewers);
                let time = message.and_then(|m| m.created_at).unwrap_or(e.received_at);
                let user = User::new(
                    e.data.user.id.clone().unwrap_or_else(|| "0".to_owned()),
                    &*e.data.user.username,
                );
                let event = unified(e, time, Host::new(viewers)).with_user(user);
                match message.and_then(|m| m.id.as_ref()) {
                    Some(id) => event.with_id(id.clone()),
                    None => event,
                }
            }
            K::ChatroomClear(e) => with_opt_id(
                unified(e, e.received_at, EventKind::ChatCleared),
                &e.data.id,
            ),
            K::KicksGifted(e) => {
                let gift = &e.data.gift;
                let payload = Gift::new(gift.gift_id.clone(), gift.name.clone(), 1u64, gift.amount);
                let sender = &e.data.sender;
                let user = User::new(
                    sender.id.clone().unwrap_or_else(|| "0".to_owned()),
                    &*sender.username,
                );
                let event =
                    unified(e, e.data.created_at.unwrap_or(e.received_at), payload).with_user(user);
                with_opt_id(event, &e.data.gift_transaction_id)
            }
            K::FollowersUpdated(e) if e.data.followed == Some(true) => {
                let event = unified(
                    e,
                    e.data.created_at.unwrap_or(e.received_at),
                    EventKind::Follow,
                );
                match &e.data.username {
                    Some(name) => event.with_user(User::new("0", &**name)),
                    None => event,
                }
            }
            K::FollowersUpdated(e) => other(e),
            K::LuckyUsersWhoGotGiftSubscriptions(e) => other(e),
            K::GiftsLeaderboardUpdated(e) => other(e),
            K::ChatMoveToSupportedChannel(e) => other(e),
            K::ChatroomUpdated(e) => other(e),
            K::ChatModeChanged(e) => other(e),
            K::KicksLeaderboardUpdated(e) => other(e),
            K::RewardRedeemed(e) => {
                let r = &e.data;
                let event = other(e);
                event.with_user(User::new(
                    r.user_id.clone().unwrap_or_else(|| "0".to_owned()),
                    &*r.username,
                ))
            }
            K::GoalProgressUpdate(e) => other(e),
            K::ViewerCount(v) => LiveEvent::new(
                Platform::Kick,
                &*v.room,
                v.at,
                UnifiedViewerCount::new(v.viewers),
            ),
            K::Connected(l) => lifecycle(l, EventKind::Connected(l.payload())),
            K::Reconnecting(l) => lifecycle(l, EventKind::Reconnecting(l.payload())),
            K::Disconnected(l) => lifecycle(l, EventKind::Disconnected(l.payload())),
            K::Unknown(u) => {
                let event = LiveEvent::new(
                    Platform::Kick,
                    &*u.room,
                    u.received_at,
                    Other::new(u.name.clone(), RawPayload::Json(u.raw.clone())),
                );
                // Unknown events always carry their payload: it is all there is.
                event.with_raw(u.raw.clone())
            }
            // A gap that cannot be recovered is a lifecycle line, never hidden (DESIGN §4):
            // the connection is still up, and the reason says what was lost.
            K::Lagged(lag) => LiveEvent::new(
                Platform::Kick,
                lag.room.as_deref()?,
                lag.at,
                EventKind::Connected(live_model::event::Lifecycle::because(format!(
                    "{} events were dropped: the consumer did not keep up",
                    lag.dropped
                ))),
            ),
            K::Error(_) => return None,
        };
        Some(event)
    }
}

fn unified<T>(e: &Envelope<T>, time: Timestamp, kind: impl Into<EventKind>) -> LiveEvent {
    let event = LiveEvent::new(Platform::Kick, &*e.room, time, kind);
    match &e.raw {
        Some(raw) => event.with_raw((**raw).clone()),
        None => event,
    }
}

fn with_opt_id(event: LiveEvent, id: &Option<String>) -> LiveEvent {
    match id {
        Some(id) => event.with_id(id.clone()),
        None => event,
    }
}

fn other<T>(e: &Envelope<T>) -> LiveEvent {
    let payload = e
        .raw
        .as_ref()
        .map(|raw| RawPayload::Json((**raw).clone()))
        .unwrap_or_default();
    unified(e, e.received_at, Other::new(e.name.to_string(), payload))
}

fn lifecycle(l: &Lifecycle, kind: EventKind) -> LiveEvent {
    LiveEvent::new(Platform::Kick, &*l.room, l.at, kind)
}
