//! The sans-I/O decoder: frames in, typed events out.
//!
//! It knows which rooms are watched and on which channels, and keeps what a room's stream
//! needs across frames: recent event keys (to drop the copies several aliases and twin event
//! names produce), the last pin and poll (Kick's unpin and poll deletion do not say which),
//! gifted-subscription chunks waiting for their siblings, the livestream and its last viewer
//! count. It has no socket and no clock: every frame carries its arrival time, so a recording
//! fed through a new decoder gives exactly the events of the live run.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use live_model::Timestamp;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::centrifugo::{self, CentrifugoMessage};
use crate::dedup::RecentKeys;
use crate::event::*;
use crate::frame::{FrameSource, LifecycleRecord, LifecycleState, RawFrame, WatchRecord};
use crate::names::{Alias, EventName};
use crate::payload::*;
use crate::pusher::{self, EventData, PusherFrame};

/// How a [`KickDecoder`] behaves.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct DecoderOptions {
    /// Keep each event's `data` as JSON ([`Envelope::raw`], `LiveEvent.raw`).
    pub include_raw: bool,
    /// The channel aliases a watched room is routed from (default: all five).
    pub aliases: Vec<Alias>,
    /// How long an event without an id is remembered to drop its copies on other aliases
    /// (default 10 s).
    pub copy_window: Duration,
    /// How long a host or subscription is remembered to drop its twin under the other name
    /// (default 60 s).
    pub twin_window: Duration,
    /// How long an event id is remembered (default 10 min).
    pub id_window: Duration,
    /// How many keys each room remembers (default 4096).
    pub dedup_capacity: usize,
    /// How long the chunks of a gifted-subscription gift are awaited before the ones that came
    /// are emitted as one event (default 10 s, measured by the arrival times of later frames).
    pub chunk_timeout: Duration,
}

impl Default for DecoderOptions {
    fn default() -> Self {
        DecoderOptions {
            include_raw: false,
            aliases: Alias::ALL.to_vec(),
            copy_window: Duration::from_secs(10),
            twin_window: Duration::from_secs(60),
            id_window: Duration::from_secs(600),
            dedup_capacity: 4096,
            chunk_timeout: Duration::from_secs(10),
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

    /// Sets the aliases (an empty list means all five).
    #[must_use]
    pub fn aliases(mut self, aliases: impl IntoIterator<Item = Alias>) -> Self {
        self.aliases = aliases.into_iter().collect();
        if self.aliases.is_empty() {
            self.aliases = Alias::ALL.to_vec();
        }
        self
    }

    /// Sets the gifted-subscription chunk timeout.
    #[must_use]
    pub fn chunk_timeout(mut self, timeout: Duration) -> Self {
        self.chunk_timeout = timeout;
        self
    }
}

/// What a frame asks of the connection (the decoder reads the frame once for both).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Pusher: the connection is established.
    PusherEstablished {
        /// The socket id.
        socket_id: String,
        /// The activity timeout announced (seconds).
        activity_timeout: Option<u64>,
    },
    /// Pusher: the server pinged; answer with a pong.
    PusherPing,
    /// Pusher: the server answered our ping.
    PusherPong,
    /// Pusher: `pusher:error`.
    PusherError {
        /// The code.
        code: Option<i64>,
        /// The message.
        message: String,
    },
    /// A channel subscription was confirmed (Pusher).
    Subscribed {
        /// The channel.
        channel: String,
    },
    /// A channel subscription was refused (Pusher).
    SubscriptionFailed {
        /// The channel.
        channel: Option<String>,
        /// Why.
        message: String,
    },
    /// Centrifugo: the server pinged (an empty object); answer `{}`.
    CentrifugoPing,
    /// Centrifugo: a reply to command `id`.
    CentrifugoReply {
        /// The command id.
        id: u64,
        /// The reply.
        reply: centrifugo::Reply,
    },
    /// Centrifugo: the server ended the session.
    CentrifugoDisconnect {
        /// The code.
        code: i64,
        /// The reason.
        reason: String,
    },
    /// Centrifugo: the server unsubscribed a channel.
    CentrifugoUnsubscribed {
        /// The channel.
        channel: String,
        /// The code.
        code: i64,
    },
    /// Any frame from the server arrived (it proves the connection alive).
    Activity,
}

/// The result of decoding one frame.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decoded {
    /// Events, in order.
    pub events: Vec<KickEvent>,
    /// What the connection should do.
    pub signals: Vec<Signal>,
}

/// Counters of what the decoder saw.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecoderStats {
    /// Frames decoded.
    pub frames: u64,
    /// Events emitted.
    pub events: u64,
    /// Copies dropped (same event on another alias or under its twin name).
    pub duplicates: u64,
    /// Events on channels no watched room uses.
    pub unrouted: u64,
    /// Frames or messages that could not be read.
    pub malformed: u64,
}

#[derive(Debug)]
struct Room {
    name: Arc<str>,
    record: WatchRecord,
    channels: Vec<Arc<str>>,
    livestream_id: Option<u64>,
    viewers: Option<u64>,
    last_pin: Option<String>,
    last_poll_title: Option<String>,
    recent: RecentKeys,
    pending_gifts: Vec<PendingGift>,
}

#[derive(Debug)]
struct PendingGift {
    correlation_id: String,
    first_at: Timestamp,
    total: u64,
    chunks: BTreeMap<u64, GiftedSubscriptions>,
    channel: Arc<str>,
    name: Cow<'static, str>,
    raw: Option<Arc<serde_json::Value>>,
}

/// Turns Kick frames into [`KickEvent`]s; see the module documentation.
///
/// ```
/// use kick_ws::{FrameSource, KickDecoder, KickEvent, RawFrame, WatchRecord};
/// use live_model::Timestamp;
///
/// let mut decoder = KickDecoder::default();
/// let at = Timestamp::from_unix_seconds(1_730_038_312);
/// decoder.watch(WatchRecord::new("xqc", 668, 676), at);
/// let frame = r#"{"event":"App\\Events\\ChatMessageEvent","channel":"chatrooms.668.v2","data":"{\"id\":\"m1\",\"content\":\"hi\",\"type\":\"message\",\"sender\":{\"id\":1,\"username\":\"bob\",\"slug\":\"bob\"}}"}"#;
/// let decoded = decoder.decode(&RawFrame::new(FrameSource::Pusher, frame, at));
/// let KickEvent::ChatMessage(chat) = &decoded.events[0] else { panic!() };
/// assert_eq!(chat.data.content, "hi");
/// assert_eq!(&*chat.room, "xqc");
/// ```
#[derive(Debug)]
pub struct KickDecoder {
    options: DecoderOptions,
    rooms: HashMap<Arc<str>, Room>,
    /// Rooms in the order they were watched (for fan-out in a stable order).
    order: Vec<Arc<str>>,
    channels: HashMap<Arc<str>, Vec<Arc<str>>>,
    stats: DecoderStats,
    /// Gifts waiting for chunks, over all rooms (so frames skip the check when none wait).
    pending_gifts: usize,
}

impl Default for KickDecoder {
    fn default() -> Self {
        KickDecoder::new(DecoderOptions::default())
    }
}

/// The item of kick.com's `current-viewers` answer.
#[derive(Deserialize)]
struct ViewerRow {
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    livestream_id: Option<u64>,
    #[serde(default, deserialize_with = "crate::lenient::opt_u64")]
    viewers: Option<u64>,
}

#[derive(Deserialize)]
struct UnwatchRecord {
    room: String,
}

impl KickDecoder {
    /// A decoder with no room watched.
    pub fn new(options: DecoderOptions) -> Self {
        KickDecoder {
            options,
            rooms: HashMap::new(),
            order: Vec::new(),
            channels: HashMap::new(),
            stats: DecoderStats::default(),
            pending_gifts: 0,
        }
    }

    /// The options.
    pub fn options(&self) -> &DecoderOptions {
        &self.options
    }

    /// Counters.
    pub fn stats(&self) -> DecoderStats {
        self.stats
    }

    /// Decodes one frame of any source.
    pub fn decode(&mut self, frame: &RawFrame) -> Decoded {
        let mut out = Decoded::default();
        self.decode_into(frame, &mut out);
        out
    }

    /// Decodes one frame, appending to `out` (reuse it to avoid allocations).
    pub fn decode_into(&mut self, frame: &RawFrame, out: &mut Decoded) {
        self.stats.frames += 1;
        let at = frame.received_at;
        let before = out.events.len();
        self.expire_gifts(at, &mut out.events);
        match frame.source {
            FrameSource::Pusher => self.decode_pusher(&frame.text, at, out),
            FrameSource::Centrifugo => self.decode_centrifugo(&frame.text, at, out),
            FrameSource::Watch => match serde_json::from_str::<WatchRecord>(&frame.text) {
                Ok(record) => self.watch_into(record, at, &mut out.events),
                Err(e) => self.malformed(at, format!("bad watch record: {e}"), &mut out.events),
            },
            FrameSource::Unwatch => match serde_json::from_str::<UnwatchRecord>(&frame.text) {
                Ok(record) => self.unwatch_into(&record.room, at, &mut out.events),
                Err(e) => self.malformed(at, format!("bad unwatch record: {e}"), &mut out.events),
            },
            FrameSource::Viewers => self.decode_viewers(&frame.text, at, &mut out.events),
            FrameSource::Lifecycle => match serde_json::from_str::<LifecycleRecord>(&frame.text) {
                Ok(record) => self.lifecycle_into(&record, at, &mut out.events),
                Err(e) => self.malformed(at, format!("bad lifecycle record: {e}"), &mut out.events),
            },
        }
        self.stats.events += (out.events.len() - before) as u64;
    }

    /// Decodes one application event given by its parts: the channel it arrived on, Kick's
    /// event name and its `data` text (the JSON inside Pusher's string). Copies and twins are
    /// dropped as for frames.
    pub fn decode_event(
        &mut self,
        channel: &str,
        name: &str,
        data: &str,
        at: Timestamp,
    ) -> Vec<KickEvent> {
        let mut events = Vec::new();
        self.expire_gifts(at, &mut events);
        let data = EventData::Text(Cow::Borrowed(data));
        self.route_event(channel, name, &data, at, &mut events);
        self.stats.events += events.len() as u64;
        events
    }

    /// Emits every gifted-subscription gift still waiting for chunks (at the end of a replay,
    /// or when closing).
    pub fn flush(&mut self) -> Vec<KickEvent> {
        let mut events = Vec::new();
        for name in self.order.clone() {
            if let Some(room) = self.rooms.get_mut(&name) {
                let pending = std::mem::take(&mut room.pending_gifts);
                for gift in pending {
                    events.push(merged_gift(&room.name, gift));
                }
            }
        }
        self.pending_gifts = 0;
        self.stats.events += events.len() as u64;
        events
    }

    /// Registers a room (as a [`FrameSource::Watch`] frame does) and returns its first events
    /// (the viewer count when the record has one). Watching a room name again replaces it.
    pub fn watch(&mut self, record: WatchRecord, at: Timestamp) -> Vec<KickEvent> {
        let mut events = Vec::new();
        self.watch_into(record, at, &mut events);
        events
    }

    /// Forgets a room (as a [`FrameSource::Unwatch`] frame does); returns its `Disconnected`
    /// event, or nothing when it was not watched.
    pub fn unwatch(&mut self, room: &str, at: Timestamp) -> Vec<KickEvent> {
        let mut events = Vec::new();
        self.unwatch_into(room, at, &mut events);
        events
    }

    /// The watched rooms, in the order they were watched.
    pub fn rooms(&self) -> impl Iterator<Item = &str> {
        self.order.iter().map(|r| &**r)
    }

    /// True when `room` is watched.
    pub fn is_watched(&self, room: &str) -> bool {
        self.rooms.contains_key(room)
    }

    /// The record a room was watched with.
    pub fn record(&self, room: &str) -> Option<&WatchRecord> {
        self.rooms.get(room).map(|r| &r.record)
    }

    /// The channels a room is subscribed by.
    pub fn channels_of(&self, room: &str) -> Vec<String> {
        self.rooms
            .get(room)
            .map(|r| r.channels.iter().map(|c| c.to_string()).collect())
            .unwrap_or_default()
    }

    /// Every channel to subscribe, once each, in watch order.
    pub fn channels(&self) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for name in &self.order {
            if let Some(room) = self.rooms.get(name) {
                for channel in &room.channels {
                    if seen.insert(channel.clone()) {
                        out.push(channel.to_string());
                    }
                }
            }
        }
        out
    }

    /// The rooms routed from a channel.
    pub fn rooms_of_channel(&self, channel: &str) -> Vec<String> {
        self.channels
            .get(channel)
            .map(|rooms| rooms.iter().map(|r| r.to_string()).collect())
            .unwrap_or_default()
    }

    /// The livestreams whose viewers are counted (the live rooms), once each.
    pub fn livestream_ids(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = self
            .order
            .iter()
            .filter_map(|name| self.rooms.get(name)?.livestream_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// True when a live room has no viewer count yet (a first poll is due).
    pub fn needs_viewer_count(&self) -> bool {
        self.rooms
            .values()
            .any(|r| r.livestream_id.is_some() && r.viewers.is_none())
    }

    fn watch_into(&mut self, record: WatchRecord, at: Timestamp, events: &mut Vec<KickEvent>) {
        let name: Arc<str> = Arc::from(record.room.as_str());
        if self.rooms.contains_key(&name) {
            self.remove_room(&name);
        }
        let channels: Vec<Arc<str>> = self
            .options
            .aliases
            .iter()
            .map(|alias| Arc::from(alias.channel_name(record.chatroom_id, record.channel_id)))
            .collect();
        for channel in &channels {
            let rooms = self.channels.entry(channel.clone()).or_default();
            if !rooms.contains(&name) {
                rooms.push(name.clone());
            }
        }
        let room = Room {
            name: name.clone(),
            livestream_id: record.livestream_id,
            viewers: record.livestream_id.and(record.viewers),
            record,
            channels,
            last_pin: None,
            last_poll_title: None,
            recent: RecentKeys::new(self.options.dedup_capacity, self.options.id_window),
            pending_gifts: Vec::new(),
        };
        if let Some(viewers) = room.viewers {
            events.push(KickEvent::ViewerCount(ViewerCountEvent {
                room: name.clone(),
                at,
                viewers,
                livestream_id: room.livestream_id.map(|id| id.to_string()),
            }));
        }
        self.rooms.insert(name.clone(), room);
        self.order.push(name);
    }

    fn remove_room(&mut self, name: &str) -> Option<Room> {
        let room = self.rooms.remove(name)?;
        self.order.retain(|r| &**r != name);
        for channel in &room.channels {
            if let Some(rooms) = self.channels.get_mut(channel) {
                rooms.retain(|r| &**r != name);
                if rooms.is_empty() {
                    self.channels.remove(channel);
                }
            }
        }
        Some(room)
    }

    fn unwatch_into(&mut self, name: &str, at: Timestamp, events: &mut Vec<KickEvent>) {
        if let Some(mut room) = self.remove_room(name) {
            for gift in std::mem::take(&mut room.pending_gifts) {
                events.push(merged_gift(&room.name, gift));
            }
            let mut lifecycle = Lifecycle::new(room.name.clone(), at);
            lifecycle.reason = Some("unwatched".to_owned());
            events.push(KickEvent::Disconnected(lifecycle));
            self.recount_gifts();
        }
    }

    fn lifecycle_into(
        &mut self,
        record: &LifecycleRecord,
        at: Timestamp,
        events: &mut Vec<KickEvent>,
    ) {
        let rooms: Vec<Arc<str>> = if record.rooms.is_empty() {
            self.order.clone()
        } else {
            record
                .rooms
                .iter()
                .filter_map(|r| self.rooms.get_key_value(r.as_str()).map(|(k, _)| k.clone()))
                .collect()
        };
        if record.state == LifecycleState::Error {
            let make = |room: Option<Arc<str>>| {
                KickEvent::Error(ErrorEvent {
                    room,
                    at,
                    kind: record.error.unwrap_or(ErrorKind::Transport),
                    code: record.code,
                    message: record.reason.clone().unwrap_or_default(),
                })
            };
            if record.rooms.is_empty() {
                events.push(make(None));
            } else {
                events.extend(rooms.into_iter().map(|r| make(Some(r))));
            }
            return;
        }
        for room in rooms {
            let lifecycle = Lifecycle {
                room,
                at,
                transport: record.transport,
                reason: record.reason.clone(),
                attempt: record.attempt,
                retry_in_ms: record.retry_in_ms,
                code: record.code.and_then(|c| u16::try_from(c).ok()),
            };
            events.push(match record.state {
                LifecycleState::Connected => KickEvent::Connected(lifecycle),
                LifecycleState::Reconnecting => KickEvent::Reconnecting(lifecycle),
                _ => KickEvent::Disconnected(lifecycle),
            });
        }
    }

    fn decode_viewers(&mut self, text: &str, at: Timestamp, events: &mut Vec<KickEvent>) {
        let rows: Vec<ViewerRow> = match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Array(items)) => items
                .into_iter()
                .filter_map(|v| serde_json::from_value(v).ok())
                .collect(),
            Ok(serde_json::Value::Object(mut object)) => match object.remove("data") {
                Some(serde_json::Value::Array(items)) => items
                    .into_iter()
                    .filter_map(|v| serde_json::from_value(v).ok())
                    .collect(),
                _ => Vec::new(),
            },
            _ => {
                self.malformed(
                    at,
                    "kick.com's viewer count is not a JSON list".to_owned(),
                    events,
                );
                return;
            }
        };
        for row in rows {
            let (Some(id), Some(viewers)) = (row.livestream_id, row.viewers) else {
                continue;
            };
            for name in &self.order {
                let Some(room) = self.rooms.get_mut(name) else {
                    continue;
                };
                if room.livestream_id == Some(id) && room.viewers != Some(viewers) {
                    room.viewers = Some(viewers);
                    events.push(KickEvent::ViewerCount(ViewerCountEvent {
                        room: name.clone(),
                        at,
                        viewers,
                        livestream_id: Some(id.to_string()),
                    }));
                }
            }
        }
    }

    fn malformed(&mut self, at: Timestamp, message: String, events: &mut Vec<KickEvent>) {
        self.stats.malformed += 1;
        events.push(KickEvent::Error(ErrorEvent::new(
            ErrorKind::Frame,
            at,
            message,
        )));
    }

    fn decode_pusher(&mut self, text: &str, at: Timestamp, out: &mut Decoded) {
        let frame = match pusher::parse_frame(text) {
            Ok(frame) => frame,
            Err(e) => {
                out.signals.push(Signal::Activity);
                self.malformed(at, format!("{e}: {}", excerpt(text)), &mut out.events);
                return;
            }
        };
        out.signals.push(Signal::Activity);
        match frame {
            PusherFrame::Event {
                channel,
                name,
                data,
            } => match channel {
                Some(channel) => self.route_event(&channel, &name, &data, at, &mut out.events),
                None => self.stats.unrouted += 1,
            },
            PusherFrame::ConnectionEstablished {
                socket_id,
                activity_timeout,
            } => out.signals.push(Signal::PusherEstablished {
                socket_id,
                activity_timeout,
            }),
            PusherFrame::Ping => out.signals.push(Signal::PusherPing),
            PusherFrame::Pong => out.signals.push(Signal::PusherPong),
            PusherFrame::Error { code, message } => {
                let mut event = ErrorEvent::new(ErrorKind::Pusher, at, message.clone());
                event.code = code;
                out.events.push(KickEvent::Error(event));
                out.signals.push(Signal::PusherError { code, message });
            }
            PusherFrame::SubscriptionSucceeded { channel } => {
                out.signals.push(Signal::Subscribed { channel })
            }
            PusherFrame::SubscriptionError {
                channel,
                message,
                status,
            } => {
                let rooms = channel
                    .as_deref()
                    .and_then(|c| self.channels.get(c))
                    .cloned()
                    .unwrap_or_default();
                let text = format!(
                    "subscription to {} refused: {message}",
                    channel.as_deref().unwrap_or("a channel")
                );
                if rooms.is_empty() {
                    let mut event = ErrorEvent::new(ErrorKind::Subscription, at, text.clone());
                    event.code = status;
                    out.events.push(KickEvent::Error(event));
                }
                for room in rooms {
                    let mut event = ErrorEvent::new(ErrorKind::Subscription, at, text.clone());
                    event.room = Some(room);
                    event.code = status;
                    out.events.push(KickEvent::Error(event));
                }
                out.signals
                    .push(Signal::SubscriptionFailed { channel, message });
            }
            PusherFrame::Internal { .. } => {}
        }
    }

    fn decode_centrifugo(&mut self, text: &str, at: Timestamp, out: &mut Decoded) {
        out.signals.push(Signal::Activity);
        for message in centrifugo::parse_frame(text) {
            match message {
                Err(e) => self.malformed(at, format!("{e}: {}", excerpt(text)), &mut out.events),
                Ok(CentrifugoMessage::Ping) => out.signals.push(Signal::CentrifugoPing),
                Ok(CentrifugoMessage::Publication {
                    channel,
                    name,
                    data,
                }) => self.route_event(&channel, &name, &data, at, &mut out.events),
                Ok(CentrifugoMessage::Reply { id, reply }) => {
                    if let centrifugo::Reply::Error { code, message, .. } = &reply {
                        let mut event = ErrorEvent::new(
                            ErrorKind::Subscription,
                            at,
                            format!("Centrifugo refused command {id}: {message}"),
                        );
                        event.code = Some(*code);
                        out.events.push(KickEvent::Error(event));
                    }
                    out.signals.push(Signal::CentrifugoReply { id, reply });
                }
                Ok(CentrifugoMessage::Disconnect { code, reason }) => out
                    .signals
                    .push(Signal::CentrifugoDisconnect { code, reason }),
                Ok(CentrifugoMessage::Unsubscribed { channel, code, .. }) => out
                    .signals
                    .push(Signal::CentrifugoUnsubscribed { channel, code }),
                Ok(CentrifugoMessage::Other) => {}
            }
        }
    }

    fn route_event(
        &mut self,
        channel: &str,
        name: &str,
        data: &EventData<'_>,
        at: Timestamp,
        events: &mut Vec<KickEvent>,
    ) {
        let Some((channel, rooms)) = self.channels.get_key_value(channel) else {
            self.stats.unrouted += 1;
            return;
        };
        let mut parsed = Some(parse_event(name, data, self.options.include_raw));
        let last = rooms.len().saturating_sub(1);
        for (index, room_name) in rooms.iter().enumerate() {
            let Some(room) = self.rooms.get_mut(room_name) else {
                continue;
            };
            // The last room takes the parsed event; others (rare) get a copy.
            let this = if index == last {
                parsed.take()
            } else {
                parsed.clone()
            };
            let Some(this) = this else { break };
            let pending_before = room.pending_gifts.len();
            let duplicate = apply(room, &self.options, this, channel, at, events);
            self.pending_gifts =
                (self.pending_gifts + room.pending_gifts.len()).saturating_sub(pending_before);
            if duplicate {
                self.stats.duplicates += 1;
            }
        }
    }

    fn recount_gifts(&mut self) {
        self.pending_gifts = self.rooms.values().map(|r| r.pending_gifts.len()).sum();
    }

    fn expire_gifts(&mut self, at: Timestamp, events: &mut Vec<KickEvent>) {
        if self.pending_gifts == 0 {
            return;
        }
        let timeout = self.options.chunk_timeout.as_nanos() as i128;
        for name in &self.order {
            let Some(room) = self.rooms.get_mut(name) else {
                continue;
            };
            if room.pending_gifts.is_empty() {
                continue;
            }
            let mut index = 0;
            while index < room.pending_gifts.len() {
                let age = at.unix_nanos() - room.pending_gifts[index].first_at.unix_nanos();
                if age > timeout {
                    let gift = room.pending_gifts.remove(index);
                    events.push(merged_gift(&room.name, gift));
                } else {
                    index += 1;
                }
            }
        }
        self.recount_gifts();
    }
}

/// A short, safe excerpt of a frame for error messages.
fn excerpt(text: &str) -> String {
    const MAX: usize = 120;
    if text.len() <= MAX {
        return text.to_owned();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &text[..end], text.len())
}

/// An event's data, typed once for every room it is routed to.
#[derive(Clone)]
enum Parsed<'a> {
    Typed {
        kind: EventName,
        payload: Box<Payload>,
        name: Cow<'static, str>,
        data_text: &'a str,
        raw: Option<Arc<serde_json::Value>>,
    },
    Unknown {
        name: String,
        raw: serde_json::Value,
        reason: Option<String>,
        data_text: &'a str,
    },
}

#[derive(Clone)]
enum Payload {
    Chat(ChatMessage),
    Deleted(MessageDeleted),
    Pinned(PinnedMessageCreated),
    Unpinned,
    Poll(PollUpdate),
    PollDeleted,
    Banned(UserBanned),
    Unbanned(UserUnbanned),
    Subscription(Subscription),
    Gifted(GiftedSubscriptions),
    Lucky(LuckyUsersWhoGotGiftSubscriptions),
    GiftsBoard(GiftsLeaderboardUpdated),
    StreamEnd(StopStreamBroadcast),
    Live(StreamerIsLive),
    Host(StreamHost),
    Hosted(StreamHosted),
    Move(ChatMoveToSupportedChannel),
    Clear(ChatroomClear),
    Updated(ChatroomUpdated),
    Mode(ChatModeChanged),
    Kicks(KicksGifted),
    KicksBoard(KicksLeaderboardUpdated),
    Reward(RewardRedeemed),
    Followers(FollowersUpdated),
    ChannelSub(ChannelSubscription),
    Goal(GoalUpdate),
}

fn typed<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    // The fast path; only a failure pays for locating the offending field.
    if let Ok(value) = serde_json::from_str(text) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            e.into_inner().to_string()
        } else {
            format!("{} at `{path}`", e.into_inner())
        }
    })
}

fn mode(kind: EventName) -> Option<(ChatMode, bool)> {
    use EventName::*;
    Some(match kind {
        SubscribersModeActivated => (ChatMode::Subscribers, true),
        SubscribersModeDeactivated => (ChatMode::Subscribers, false),
        EmotesModeActivated => (ChatMode::Emotes, true),
        EmotesModeDeactivated => (ChatMode::Emotes, false),
        FollowersModeActivated => (ChatMode::Followers, true),
        FollowersModeDeactivated => (ChatMode::Followers, false),
        SlowModeActivated => (ChatMode::Slow, true),
        SlowModeDeactivated => (ChatMode::Slow, false),
        _ => return None,
    })
}

fn parse_payload(kind: EventName, text: &str) -> Result<Payload, String> {
    use EventName as N;
    Ok(match kind {
        N::ChatMessage => Payload::Chat(typed(text)?),
        N::MessageDeleted => Payload::Deleted(typed(text)?),
        N::PinnedMessageCreated => Payload::Pinned(typed(text)?),
        N::PinnedMessageDeleted => Payload::Unpinned,
        N::PollUpdate => Payload::Poll(typed(text)?),
        N::PollDelete => Payload::PollDeleted,
        N::UserBanned => Payload::Banned(typed(text)?),
        N::UserUnbanned => Payload::Unbanned(typed(text)?),
        N::Subscription => Payload::Subscription(typed(text)?),
        N::GiftedSubscriptions => Payload::Gifted(typed(text)?),
        N::LuckyUsersWhoGotGiftSubscriptions => Payload::Lucky(typed(text)?),
        N::GiftsLeaderboardUpdated => Payload::GiftsBoard(typed(text)?),
        N::StopStreamBroadcast => Payload::StreamEnd(typed(text)?),
        N::StreamerIsLive => Payload::Live(typed(text)?),
        N::StreamHost => Payload::Host(typed(text)?),
        N::StreamHosted => Payload::Hosted(typed(text)?),
        N::ChatMoveToSupportedChannel => Payload::Move(typed(text)?),
        N::ChatroomClear => Payload::Clear(typed(text)?),
        N::ChatroomUpdated => Payload::Updated(typed(text)?),
        N::KicksGifted => Payload::Kicks(typed(text)?),
        N::KicksLeaderboardUpdated => Payload::KicksBoard(typed(text)?),
        N::RewardRedeemed => Payload::Reward(typed(text)?),
        N::FollowersUpdated => Payload::Followers(typed(text)?),
        N::ChannelSubscription => Payload::ChannelSub(typed(text)?),
        N::GoalProgressUpdate | N::GoalAchieved | N::GoalCanceled | N::GoalUpdated => {
            let stage = match kind {
                N::GoalAchieved => GoalStage::Achieved,
                N::GoalCanceled => GoalStage::Canceled,
                N::GoalUpdated => GoalStage::Updated,
                _ => GoalStage::Progress,
            };
            // Goal events nest the goal under `goal` in some captures.
            #[derive(Deserialize)]
            struct Nested {
                goal: Goal,
            }
            let goal = match typed::<Nested>(text) {
                Ok(nested) => nested.goal,
                Err(_) => typed::<Goal>(text)?,
            };
            Payload::Goal(GoalUpdate { stage, goal })
        }
        other => match mode(other) {
            Some((mode, enabled)) => Payload::Mode(ChatModeChanged {
                mode,
                enabled,
                change: typed(text)?,
            }),
            None => return Err(format!("no payload type for {other:?}")),
        },
    })
}

/// Events whose data carries nothing (`"[]"`, `{}`, absent).
fn empty_data(kind: EventName) -> bool {
    matches!(
        kind,
        EventName::PinnedMessageDeleted | EventName::PollDelete
    )
}

fn parse_event<'a>(name: &str, data: &'a EventData<'_>, include_raw: bool) -> Parsed<'a> {
    let text = data.json_text().unwrap_or("");
    let raw_value = || -> serde_json::Value {
        match data {
            EventData::Absent => serde_json::Value::Null,
            _ => match serde_json::from_str(text) {
                Ok(mut value) => {
                    strip_secrets(&mut value);
                    value
                }
                Err(_) => serde_json::Value::String(text.to_owned()),
            },
        }
    };
    let Some(kind) = EventName::parse(name) else {
        return Parsed::Unknown {
            name: name.to_owned(),
            raw: raw_value(),
            reason: None,
            data_text: text,
        };
    };
    let result = if empty_data(kind) {
        parse_payload(kind, "{}")
    } else if text.is_empty() {
        Err("the event has no data".to_owned())
    } else {
        parse_payload(kind, text)
    };
    match result {
        Ok(payload) => {
            let wire = kind.wire_name();
            Parsed::Typed {
                kind,
                payload: Box::new(payload),
                name: if wire == name {
                    Cow::Borrowed(wire)
                } else {
                    Cow::Owned(name.to_owned())
                },
                data_text: text,
                raw: include_raw.then(|| Arc::new(raw_value())),
            }
        }
        Err(reason) => Parsed::Unknown {
            name: name.to_owned(),
            raw: raw_value(),
            reason: Some(reason),
            data_text: text,
        },
    }
}

/// Removes what must not travel with an event: Kick's signed `playback_url` (a credential for
/// the stream) appears in several channel objects.
fn strip_secrets(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("playback_url");
            map.values_mut().for_each(strip_secrets);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_secrets),
        _ => {}
    }
}

/// How an event is recognised as a copy.
enum Key<'a> {
    /// An id that never repeats.
    Id(&'a str),
    /// The same data on another alias, within the copy window.
    Copy,
    /// The same act under its twin name (host, subscription), within the twin window.
    Twin(&'static str, String),
}

fn key_of<'a>(payload: &'a Payload) -> Key<'a> {
    match payload {
        Payload::Chat(m) => Key::Id(&m.id),
        Payload::Deleted(d) => Key::Id(&d.message.id),
        Payload::Banned(b) => b.id.as_deref().map_or(Key::Copy, Key::Id),
        Payload::Unbanned(u) => u.id.as_deref().map_or(Key::Copy, Key::Id),
        Payload::Clear(c) => c.id.as_deref().map_or(Key::Copy, Key::Id),
        Payload::Kicks(k) => k.gift_transaction_id.as_deref().map_or(Key::Copy, Key::Id),
        Payload::Host(h) => Key::Twin("host", h.host_username.to_lowercase()),
        Payload::Hosted(h) => Key::Twin("host", h.user.username.to_lowercase()),
        Payload::Subscription(s) => Key::Twin("sub", s.username.to_lowercase()),
        Payload::ChannelSub(s) => Key::Twin("sub", s.username.to_lowercase()),
        _ => Key::Copy,
    }
}

/// What every envelope of one event shares.
struct Base {
    room: Arc<str>,
    channel: Arc<str>,
    name: Cow<'static, str>,
    at: Timestamp,
    raw: Option<Arc<serde_json::Value>>,
}

impl Base {
    fn wrap<T>(&self, data: T) -> Box<Envelope<T>> {
        Box::new(Envelope {
            room: self.room.clone(),
            channel: self.channel.clone(),
            name: self.name.clone(),
            received_at: self.at,
            raw: self.raw.clone(),
            data,
        })
    }
}

/// Applies one parsed event to one room; returns true when it was dropped as a copy.
fn apply(
    room: &mut Room,
    options: &DecoderOptions,
    parsed: Parsed<'_>,
    channel: &Arc<str>,
    at: Timestamp,
    events: &mut Vec<KickEvent>,
) -> bool {
    let (kind, payload, name, data_text, raw) = match parsed {
        Parsed::Unknown {
            name,
            raw,
            reason,
            data_text,
        } => {
            let key = room.recent.key(("unknown", &name, data_text));
            if room.recent.seen_within(key, at, options.copy_window) {
                return true;
            }
            events.push(KickEvent::Unknown(Box::new(UnknownEvent {
                room: room.name.clone(),
                channel: channel.clone(),
                name,
                raw,
                reason,
                received_at: at,
            })));
            return false;
        }
        Parsed::Typed {
            kind,
            payload,
            name,
            data_text,
            raw,
        } => (kind, *payload, name, data_text, raw),
    };
    // Gifted subscriptions: chunks merge; a chunk's copy on another alias is dropped.
    if let Payload::Gifted(gift) = &payload {
        return apply_gift(
            room, options, gift, channel, name, data_text, &raw, at, events,
        );
    }
    let duplicate = match key_of(&payload) {
        Key::Id(id) => {
            let key = room.recent.key((kind as u8, id));
            room.recent.seen_within(key, at, options.id_window)
        }
        Key::Copy => {
            let key = room.recent.key((kind as u8, data_text));
            room.recent.seen_within(key, at, options.copy_window)
        }
        Key::Twin(what, who) => {
            let key = room.recent.key((what, who));
            room.recent.seen_within(key, at, options.twin_window)
        }
    };
    if duplicate {
        return true;
    }
    let base = Base {
        room: room.name.clone(),
        channel: channel.clone(),
        name,
        at,
        raw,
    };
    let event = match payload {
        Payload::Chat(m) => KickEvent::ChatMessage(base.wrap(m)),
        Payload::Deleted(d) => KickEvent::MessageDeleted(base.wrap(d)),
        Payload::Pinned(p) => {
            room.last_pin = Some(p.message.id.clone());
            KickEvent::PinnedMessageCreated(base.wrap(p))
        }
        Payload::Unpinned => KickEvent::PinnedMessageDeleted(base.wrap(PinnedMessageDeleted {
            last_pinned_message_id: room.last_pin.take(),
        })),
        Payload::Poll(p) => {
            room.last_poll_title = Some(p.poll.title.clone());
            KickEvent::PollUpdate(base.wrap(p))
        }
        Payload::PollDeleted => KickEvent::PollDelete(base.wrap(PollDeleted {
            last_title: room.last_poll_title.take(),
        })),
        Payload::Banned(b) => KickEvent::UserBanned(base.wrap(b)),
        Payload::Unbanned(u) => KickEvent::UserUnbanned(base.wrap(u)),
        Payload::Subscription(s) => KickEvent::Subscription(base.wrap(s)),
        Payload::Gifted(_) => return false,
        Payload::Lucky(l) => KickEvent::LuckyUsersWhoGotGiftSubscriptions(base.wrap(l)),
        Payload::GiftsBoard(g) => KickEvent::GiftsLeaderboardUpdated(base.wrap(g)),
        Payload::StreamEnd(s) => {
            room.livestream_id = None;
            room.viewers = None;
            KickEvent::StreamEnd(base.wrap(s))
        }
        Payload::Live(l) => {
            let id = l
                .livestream
                .as_ref()
                .and_then(|ls| ls.id.as_deref())
                .and_then(|id| id.parse::<u64>().ok());
            if id.is_some() && id != room.livestream_id {
                room.livestream_id = id;
                room.viewers = None;
            }
            KickEvent::StreamerIsLive(base.wrap(l))
        }
        Payload::Host(h) => KickEvent::StreamHost(base.wrap(h)),
        Payload::Hosted(h) => KickEvent::StreamHosted(base.wrap(h)),
        Payload::Move(m) => KickEvent::ChatMoveToSupportedChannel(base.wrap(m)),
        Payload::Clear(c) => KickEvent::ChatroomClear(base.wrap(c)),
        Payload::Updated(u) => KickEvent::ChatroomUpdated(base.wrap(u)),
        Payload::Mode(m) => KickEvent::ChatModeChanged(base.wrap(m)),
        Payload::Kicks(k) => KickEvent::KicksGifted(base.wrap(k)),
        Payload::KicksBoard(k) => KickEvent::KicksLeaderboardUpdated(base.wrap(k)),
        Payload::Reward(r) => KickEvent::RewardRedeemed(base.wrap(r)),
        Payload::Followers(f) => KickEvent::FollowersUpdated(base.wrap(f)),
        Payload::ChannelSub(s) => KickEvent::ChannelSubscription(base.wrap(s)),
        Payload::Goal(g) => KickEvent::GoalProgressUpdate(base.wrap(g)),
    };
    events.push(event);
    false
}

#[allow(clippy::too_many_arguments)]
fn apply_gift(
    room: &mut Room,
    options: &DecoderOptions,
    gift: &GiftedSubscriptions,
    channel: &Arc<str>,
    name: Cow<'static, str>,
    data_text: &str,
    raw: &Option<Arc<serde_json::Value>>,
    at: Timestamp,
    events: &mut Vec<KickEvent>,
) -> bool {
    let chunk = gift.chunk_details.as_ref().filter(|c| c.total_chunks > 1);
    let correlation = gift
        .correlation_id
        .clone()
        .or_else(|| chunk.and_then(|c| c.correlation_id.clone()));
    let Some((chunk, correlation)) = chunk.zip(correlation) else {
        let key = room.recent.key(("gift", data_text));
        if room.recent.seen_within(key, at, options.copy_window) {
            return true;
        }
        events.push(KickEvent::GiftedSubscriptions(Box::new(Envelope {
            room: room.name.clone(),
            channel: channel.clone(),
            name: name.clone(),
            received_at: at,
            raw: raw.clone(),
            data: gift.clone(),
        })));
        return false;
    };
    let key = room.recent.key(("chunk", &correlation, chunk.chunk_index));
    if room.recent.seen_within(key, at, options.id_window) {
        return true;
    }
    let position = room
        .pending_gifts
        .iter()
        .position(|p| p.correlation_id == correlation);
    let index = match position {
        Some(index) => index,
        None => {
            room.pending_gifts.push(PendingGift {
                correlation_id: correlation,
                first_at: at,
                total: chunk.total_chunks,
                chunks: BTreeMap::new(),
                channel: channel.clone(),
                name: name.clone(),
                raw: None,
            });
            room.pending_gifts.len() - 1
        }
    };
    let pending = &mut room.pending_gifts[index];
    pending.chunks.insert(chunk.chunk_index, gift.clone());
    if chunk.chunk_index == 0 || pending.raw.is_none() {
        pending.raw = pending.raw.take().or_else(|| raw.clone());
    }
    if pending.chunks.len() as u64 >= pending.total {
        let pending = room.pending_gifts.remove(index);
        events.push(merged_gift(&room.name, pending));
    }
    false
}

/// One event for a chunked gift: the names of every chunk that came, in chunk order.
fn merged_gift(room: &Arc<str>, pending: PendingGift) -> KickEvent {
    let mut chunks = pending.chunks.into_values();
    let mut merged = chunks.next().unwrap_or_default();
    let mut declared = merged.gifted_total;
    for chunk in chunks {
        merged.gifted_usernames.extend(chunk.gifted_usernames);
        declared = declared.max(chunk.gifted_total);
        if merged.gifter_username.is_none() {
            merged.gifter_username = chunk.gifter_username;
        }
        merged.gifter_total = merged.gifter_total.max(chunk.gifter_total);
    }
    merged.gifted_total = declared;
    merged.correlation_id = Some(pending.correlation_id);
    merged.chunk_details = None;
    KickEvent::GiftedSubscriptions(Box::new(Envelope {
        room: room.clone(),
        channel: pending.channel,
        name: pending.name,
        received_at: pending.first_at,
        raw: pending.raw,
        data: merged,
    }))
}
