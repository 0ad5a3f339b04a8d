//! `GET /live/chat`: pages of chat messages, and the stream that follows them.
//!
//! A page carries `messages`, a `cursor` and an `internalExt` (sent back together to get the
//! next page), `fetchInterval` (milliseconds to wait before asking again), `now` and
//! `hasMore`. [`ChatStream`] fetches a page only when its buffer is empty and the consumer
//! asks for the next message, waits `fetchInterval` after the previous page before fetching
//! the next one (on tokio's clock), stops when `hasMore` is false, and never yields a message
//! id twice.
//!
//! kitkot does not document the shape of a message. The envelope's camelCase names
//! (`fetchInterval`, `internalExt`) are those of TikTok's webcast fetch response as protobuf.js
//! renders it, so messages are expected as the decoded webcast messages
//! (`{common: {msgId, createTime}, user: {userId, uniqueId, nickname}, content}`); the
//! accessors of [`ChatMessage`] also read the snake_case spellings of the room payload, and
//! the whole message is kept as received.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use futures_util::Stream;
use live_model::event::{Chat, Other, RawPayload};
use live_model::lenient::StringOrNumber;
use live_model::{EventKind, LiveEvent, Platform, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::time::{Instant, Sleep};

use crate::room::id_text;
use crate::{Error, KitkotClient};

/// One page of `GET /live/chat`.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatPage {
    /// 200.
    pub code: i64,
    /// `"success"`.
    pub msg: String,
    /// The messages of this page, oldest first.
    pub messages: Vec<ChatMessage>,
    /// The cursor of the next page (send it with `internalExt`).
    pub cursor: StringOrNumber,
    /// Milliseconds to wait before fetching again.
    #[serde(rename = "fetchInterval", skip_serializing_if = "Option::is_none")]
    pub fetch_interval: Option<StringOrNumber>,
    /// The server's time (milliseconds, as a string in the documentation).
    pub now: StringOrNumber,
    /// Goes with `cursor`.
    #[serde(rename = "internalExt")]
    pub internal_ext: String,
    /// More pages follow.
    #[serde(rename = "hasMore")]
    pub has_more: bool,
    /// Fields not modelled.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ChatPage {
    /// Decodes a page (the body of `live/chat`).
    pub fn from_json_slice(body: &[u8]) -> Result<ChatPage, Error> {
        crate::decode::decode_slice(body).map_err(Error::Http)
    }

    /// Where the next page starts, when the page says (a non-empty `cursor`).
    pub fn next_cursor(&self) -> Option<ChatCursor> {
        let cursor = self.cursor.as_str();
        (!cursor.is_empty()).then(|| ChatCursor::new(cursor, self.internal_ext.clone()))
    }

    /// `fetchInterval` as a duration, when it is a non-negative number.
    pub fn fetch_interval(&self) -> Option<Duration> {
        let ms = self.fetch_interval.as_ref()?.as_i64()?;
        u64::try_from(ms).ok().map(Duration::from_millis)
    }
}

/// A position in a room's chat: `cursor` and `internalExt` from a page, sent back together.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChatCursor {
    /// `cursor`.
    pub cursor: String,
    /// `internalExt`.
    pub internal_ext: String,
}

impl ChatCursor {
    /// A cursor saved from an earlier page.
    pub fn new(cursor: impl Into<String>, internal_ext: impl Into<String>) -> Self {
        ChatCursor {
            cursor: cursor.into(),
            internal_ext: internal_ext.into(),
        }
    }
}

/// A user as a chat message names them.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatUser {
    /// The user id.
    pub id: Option<String>,
    /// The handle (TikTok unique id).
    pub unique_id: Option<String>,
    /// The nickname.
    pub nickname: Option<String>,
}

/// One chat message, kept exactly as kitkot sent it, with accessors that read the usual
/// spellings (see the module documentation).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChatMessage(Value);

impl fmt::Debug for ChatMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatMessage")
            .field("id", &self.id())
            .field("method", &self.method())
            .field("user", &self.user().and_then(|u| u.unique_id))
            .field("text", &self.text())
            .finish()
    }
}

/// The first of `paths` (each a list of keys) that leads to a value other than null.
fn lookup<'a>(value: &'a Value, paths: &[&[&str]]) -> Option<&'a Value> {
    paths.iter().find_map(|path| {
        path.iter()
            .try_fold(value, |v, key| v.get(key))
            .filter(|v| !v.is_null())
    })
}

fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl ChatMessage {
    /// Wraps a message as received.
    pub fn from_value(value: Value) -> Self {
        ChatMessage(value)
    }

    /// The message as received.
    pub fn raw(&self) -> &Value {
        &self.0
    }

    /// The message as received, owned.
    pub fn into_raw(self) -> Value {
        self.0
    }

    /// The message id (`common.msgId`, `msgId`, `msg_id`...), exact.
    pub fn id(&self) -> Option<String> {
        lookup(
            &self.0,
            &[
                &["common", "msgId"],
                &["common", "msg_id"],
                &["msgId"],
                &["msg_id"],
            ],
        )
        .and_then(|v| serde_json::from_value::<StringOrNumber>(v.clone()).ok())
        .and_then(|v| id_text(&v))
    }

    /// The webcast method (`WebcastChatMessage`), when named.
    pub fn method(&self) -> Option<&str> {
        lookup(&self.0, &[&["method"], &["common", "method"], &["type"]]).and_then(Value::as_str)
    }

    /// The text (`content`, `comment` or `text`).
    pub fn text(&self) -> Option<&str> {
        lookup(&self.0, &[&["content"], &["comment"], &["text"]]).and_then(Value::as_str)
    }

    /// The author.
    pub fn user(&self) -> Option<ChatUser> {
        let user = lookup(&self.0, &[&["user"]])?;
        let field = |paths: &[&[&str]]| lookup(user, paths).and_then(as_text);
        Some(ChatUser {
            id: field(&[&["userId"], &["id_str"], &["user_id"], &["id"]]).filter(|id| id != "0"),
            unique_id: field(&[&["uniqueId"], &["unique_id"], &["display_id"]]),
            nickname: field(&[&["nickname"]]),
        })
    }

    /// When it was sent (`common.createTime`, `createTime`, `create_time`: seconds or
    /// milliseconds).
    pub fn time(&self) -> Option<Timestamp> {
        let value = lookup(
            &self.0,
            &[
                &["common", "createTime"],
                &["common", "create_time"],
                &["createTime"],
                &["create_time"],
            ],
        )?;
        let n = match value {
            Value::Number(n) => n.as_i64()?,
            Value::String(s) => s.trim().parse().ok()?,
            _ => return None,
        };
        Some(Timestamp::from_unix_guess(n))
    }

    /// The message as one unified event of `room`: `chat` when it has text, else `other`
    /// named by its method. The time is the message's, or now when it has none.
    pub fn to_live_event(&self, room: &str) -> LiveEvent {
        let time = self.time().unwrap_or_else(Timestamp::now);
        let kind = match self.text() {
            Some(text) => EventKind::Chat(Chat::new(text)),
            None => EventKind::Other(Other::new(
                self.method().unwrap_or("kitkot.chat"),
                RawPayload::Json(self.0.clone()),
            )),
        };
        let mut event = LiveEvent::new(Platform::TikTok, room, time, kind);
        if let Some(id) = self.id() {
            event = event.with_id(id);
        }
        if let Some(user) = self.user()
            && let Some(name) = user.unique_id.clone().or_else(|| user.id.clone())
        {
            let mut unified = live_model::User::new(user.id.unwrap_or_default(), name);
            if let Some(nickname) = user.nickname {
                unified = unified.with_display_name(nickname);
            }
            event = event.with_user(unified);
        }
        event
    }
}

/// How a [`ChatStream`] pages.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatOptions {
    /// Where to start (default: kitkot's first page).
    pub start: Option<ChatCursor>,
    /// The wait when a page gives no `fetchInterval` (default 1 s, the documented example).
    pub default_interval: Duration,
    /// The shortest wait between pages, whatever the page says (default 100 ms), so that a
    /// `fetchInterval` of 0 cannot turn into a busy loop.
    pub min_interval: Duration,
    /// The longest wait between pages (default 60 s).
    pub max_interval: Duration,
    /// Stop after this many pages (default: follow `hasMore` to the end).
    pub max_pages: Option<u64>,
    /// How many recent message ids are remembered to drop repeats (default 4096).
    pub dedup_window: usize,
}

impl Default for ChatOptions {
    fn default() -> Self {
        ChatOptions {
            start: None,
            default_interval: Duration::from_secs(1),
            min_interval: Duration::from_millis(100),
            max_interval: Duration::from_secs(60),
            max_pages: None,
            dedup_window: 4096,
        }
    }
}

impl ChatOptions {
    /// Starts from a saved cursor.
    #[must_use]
    pub fn start(mut self, cursor: ChatCursor) -> Self {
        self.start = Some(cursor);
        self
    }

    /// Stops after `pages` pages.
    #[must_use]
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// Bounds the wait between pages.
    #[must_use]
    pub fn interval_bounds(mut self, min: Duration, max: Duration) -> Self {
        self.min_interval = min;
        self.max_interval = max.max(min);
        self
    }

    /// The wait when a page gives no `fetchInterval`.
    #[must_use]
    pub fn default_interval(mut self, interval: Duration) -> Self {
        self.default_interval = interval;
        self
    }

    /// How many recent ids are remembered to drop repeats (0 turns deduplication off).
    #[must_use]
    pub fn dedup_window(mut self, ids: usize) -> Self {
        self.dedup_window = ids;
        self
    }

    fn interval_of(&self, page: &ChatPage) -> Duration {
        page.fetch_interval()
            .unwrap_or(self.default_interval)
            .clamp(self.min_interval, self.max_interval.max(self.min_interval))
    }
}

/// Remembers the last `capacity` ids.
#[derive(Debug, Default)]
struct RecentIds {
    capacity: usize,
    order: VecDeque<String>,
    set: HashSet<String>,
}

impl RecentIds {
    /// True when `id` is new (and remembers it).
    fn insert(&mut self, id: String) -> bool {
        if self.capacity == 0 {
            return true;
        }
        if self.set.contains(&id) {
            return false;
        }
        if self.order.len() == self.capacity
            && let Some(old) = self.order.pop_front()
        {
            self.set.remove(&old);
        }
        self.set.insert(id.clone());
        self.order.push_back(id);
        true
    }
}

type PageFuture = Pin<Box<dyn Future<Output = Result<ChatPage, Error>> + Send>>;

enum State {
    /// Ready to fetch (after waiting until `next_fetch_at`).
    Idle,
    Waiting(Pin<Box<Sleep>>),
    Fetching(PageFuture),
    Done,
}

/// The messages of a room's chat, page after page (a [`Stream`] of
/// `Result<ChatMessage, Error>`).
///
/// It fetches nothing until polled, and fetches the next page only when every message of the
/// previous one has been taken, no sooner than the page's `fetchInterval` after it arrived.
/// It ends after a page with `hasMore: false`, after [`ChatOptions::max_pages`], or after an
/// error (yielded once; retryable failures have already been retried by the client). Message
/// ids seen recently are not yielded again. [`ChatStream::cursor`] tells where to resume.
pub struct ChatStream {
    client: KitkotClient,
    room_id: Arc<str>,
    options: ChatOptions,
    buffer: VecDeque<ChatMessage>,
    cursor: Option<ChatCursor>,
    next_fetch_at: Option<Instant>,
    state: State,
    pages: u64,
    seen: RecentIds,
}

impl fmt::Debug for ChatStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChatStream")
            .field("room_id", &self.room_id)
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .field("cursor", &self.cursor)
            .finish_non_exhaustive()
    }
}

impl ChatStream {
    pub(crate) fn new(client: KitkotClient, room_id: &str, options: ChatOptions) -> Self {
        ChatStream {
            client,
            room_id: Arc::from(room_id),
            cursor: options.start.clone(),
            seen: RecentIds {
                capacity: options.dedup_window,
                ..RecentIds::default()
            },
            options,
            buffer: VecDeque::new(),
            next_fetch_at: None,
            state: State::Idle,
            pages: 0,
        }
    }

    /// The room.
    pub fn room_id(&self) -> &str {
        &self.room_id
    }

    /// Where the next page starts (to resume later with [`ChatOptions::start`]).
    pub fn cursor(&self) -> Option<&ChatCursor> {
        self.cursor.as_ref()
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.pages
    }

    /// True once the stream has ended (messages may still be buffered).
    pub fn is_finished(&self) -> bool {
        matches!(self.state, State::Done)
    }

    fn fetch(&self) -> PageFuture {
        let client = self.client.clone();
        let room_id = Arc::clone(&self.room_id);
        let cursor = self.cursor.clone();
        Box::pin(async move { client.chat_page(&room_id, cursor.as_ref()).await })
    }

    fn take_page(&mut self, page: ChatPage) {
        self.pages += 1;
        let interval = self.options.interval_of(&page);
        if let Some(next) = page.next_cursor() {
            self.cursor = Some(next);
        }
        let more = page.has_more && self.options.max_pages.is_none_or(|max| self.pages < max);
        tracing::debug!(
            room_id = %self.room_id,
            page = self.pages,
            messages = page.messages.len(),
            has_more = page.has_more,
            interval_ms = interval.as_millis() as u64,
            "kitkot chat page"
        );
        for message in page.messages {
            let fresh = match message.id() {
                Some(id) => self.seen.insert(id),
                None => true,
            };
            if fresh {
                self.buffer.push_back(message);
            }
        }
        if more {
            self.next_fetch_at = Some(Instant::now() + interval);
            self.state = State::Idle;
        } else {
            self.state = State::Done;
        }
    }
}

impl Stream for ChatStream {
    type Item = Result<ChatMessage, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(message) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(message)));
            }
            match &mut this.state {
                State::Done => return Poll::Ready(None),
                State::Idle => {
                    this.state = match this.next_fetch_at {
                        Some(at) if at > Instant::now() => {
                            State::Waiting(Box::pin(tokio::time::sleep_until(at)))
                        }
                        _ => State::Fetching(this.fetch()),
                    };
                }
                State::Waiting(sleep) => {
                    ready!(sleep.as_mut().poll(cx));
                    this.state = State::Fetching(this.fetch());
                }
                State::Fetching(future) => match ready!(future.as_mut().poll(cx)) {
                    Ok(page) => this.take_page(page),
                    Err(error) => {
                        this.state = State::Done;
                        return Poll::Ready(Some(Err(error)));
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_both_spellings() {
        let camel = ChatMessage::from_value(json!({
            "common": {"method": "WebcastChatMessage", "msgId": "7532230118237047574", "createTime": "1753958220123"},
            "user": {"userId": "7218840267303650310", "uniqueId": "martak_88", "nickname": "Marta"},
            "content": "hi"
        }));
        assert_eq!(camel.id().as_deref(), Some("7532230118237047574"));
        assert_eq!(camel.method(), Some("WebcastChatMessage"));
        assert_eq!(camel.text(), Some("hi"));
        assert_eq!(
            camel.time().map(Timestamp::unix_millis),
            Some(1_753_958_220_123)
        );
        let user = camel.user().unwrap();
        assert_eq!(user.unique_id.as_deref(), Some("martak_88"));
        let snake = ChatMessage::from_value(json!({
            "msg_id": 7532230118237047575_u64, "create_time": 1753958221,
            "user": {"id": 7218840267303650310_u64, "display_id": "martak_88"}, "comment": "yo"
        }));
        assert_eq!(snake.id().as_deref(), Some("7532230118237047575"));
        assert_eq!(
            snake.user().unwrap().id.as_deref(),
            Some("7218840267303650310")
        );
        assert_eq!(snake.text(), Some("yo"));
        assert_eq!(
            snake.time().map(Timestamp::unix_millis),
            Some(1_753_958_221_000)
        );
    }

    #[test]
    fn odd_messages_have_no_accessor_values_and_no_panics() {
        for value in [
            json!(null),
            json!(3),
            json!("x"),
            json!([1]),
            json!({"user": 5}),
        ] {
            let m = ChatMessage::from_value(value);
            assert_eq!(m.text(), None);
            let _ = (m.id(), m.user(), m.time(), m.method(), format!("{m:?}"));
            assert_eq!(m.to_live_event("r").kind.as_str(), "other");
        }
    }

    #[test]
    fn recent_ids_forget_the_oldest() {
        let mut ids = RecentIds {
            capacity: 2,
            ..RecentIds::default()
        };
        assert!(ids.insert("a".into()));
        assert!(!ids.insert("a".into()));
        assert!(ids.insert("b".into()));
        assert!(ids.insert("c".into()));
        assert!(ids.insert("a".into()));
    }

    #[test]
    fn intervals_are_bounded() {
        let options = ChatOptions::default();
        let page = |ms: Option<i64>| ChatPage {
            fetch_interval: ms.map(StringOrNumber::from),
            ..ChatPage::default()
        };
        assert_eq!(
            options.interval_of(&page(Some(2500))),
            Duration::from_millis(2500)
        );
        assert_eq!(options.interval_of(&page(None)), Duration::from_secs(1));
        assert_eq!(
            options.interval_of(&page(Some(0))),
            Duration::from_millis(100)
        );
        assert_eq!(options.interval_of(&page(Some(-5))), Duration::from_secs(1));
        assert_eq!(
            options.interval_of(&page(Some(10_000_000))),
            Duration::from_secs(60)
        );
    }
}
