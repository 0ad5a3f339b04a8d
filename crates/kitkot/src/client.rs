//! [`KitkotClient`]: the six documented endpoints on live-http.

use std::fmt;
use std::time::Duration;

use live_http::{Auth, HttpClient, RateLimit, RequestBuilder, RetryPolicy, Secret};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::Error;
use crate::chat::{ChatCursor, ChatOptions, ChatPage, ChatStream};
use crate::classify::KitkotClassifier;
use crate::decode::decode;
use crate::joined::JoinedRoom;
use crate::models::{LeaveResponse, RoomExists, Session};
use crate::room::Room;

/// kitkot's API root.
pub const DEFAULT_BASE_URL: &str = "https://kitkot.xyz/api";

/// A request to join a room (`GET /live/join`). `"123".into()` joins room 123 with nothing
/// else.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequest {
    /// The room to join.
    pub room_id: String,
    /// The anchor's id, from a live-feed response ("acts more like a real human").
    pub anchor_id: Option<String>,
    /// The request id of the previous action's response (suggested by kitkot).
    pub request_id: Option<String>,
}

impl JoinRequest {
    /// Joins `room_id`.
    pub fn new(room_id: impl Into<String>) -> Self {
        JoinRequest {
            room_id: room_id.into(),
            anchor_id: None,
            request_id: None,
        }
    }

    /// Sets the anchor id.
    #[must_use]
    pub fn anchor_id(mut self, anchor_id: impl Into<String>) -> Self {
        self.anchor_id = Some(anchor_id.into());
        self
    }

    /// Sets the previous action's request id.
    #[must_use]
    pub fn request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }
}

impl From<&str> for JoinRequest {
    fn from(room_id: &str) -> Self {
        JoinRequest::new(room_id)
    }
}

impl From<String> for JoinRequest {
    fn from(room_id: String) -> Self {
        JoinRequest::new(room_id)
    }
}

/// A chat message to send (`GET /live/chat/send_message`).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendMessage {
    /// The room.
    pub room_id: String,
    /// The text.
    pub content: String,
    /// The anchor id from the join response.
    pub anchor_id: Option<String>,
    /// The request id of the previous action's response.
    pub request_id: Option<String>,
}

impl SendMessage {
    /// Sends `content` to `room_id`.
    pub fn new(room_id: impl Into<String>, content: impl Into<String>) -> Self {
        SendMessage {
            room_id: room_id.into(),
            content: content.into(),
            anchor_id: None,
            request_id: None,
        }
    }

    /// Sets the anchor id.
    #[must_use]
    pub fn anchor_id(mut self, anchor_id: impl Into<String>) -> Self {
        self.anchor_id = Some(anchor_id.into());
        self
    }

    /// Sets the previous action's request id.
    #[must_use]
    pub fn request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }
}

/// Configures a [`KitkotClient`].
#[must_use]
pub struct KitkotClientBuilder {
    base_url: String,
    api_key: Option<Secret>,
    session_key: Option<Secret>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    rate_limit: Option<RateLimit>,
    user_agent: Option<String>,
}

impl fmt::Debug for KitkotClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KitkotClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key)
            .field("session_key", &self.session_key)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl KitkotClientBuilder {
    /// The API root (default [`DEFAULT_BASE_URL`]; `http://127.0.0.1:PORT/api` for the
    /// emulator).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The API key bought from kitkot (required).
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The session key from kitkot's login (required by every call but `room_exists`).
    pub fn session_key(mut self, key: impl Into<Secret>) -> Self {
        self.session_key = Some(key.into());
        self
    }

    /// The time allowed for a whole call (default 30 s: kitkot waits on TikTok).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time allowed to connect (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]: 3 retries, backoff from 0.5 s).
    /// Which failures are retried is described in the crate documentation.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Paces the client's calls (default: none; kitkot documents no limit).
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// The `User-Agent` (default `live-sdk/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Builds the client; fails without an API key or with a bad base URL.
    pub fn build(self) -> Result<KitkotClient, Error> {
        let api_key = self
            .api_key
            .filter(|k| !k.is_empty())
            .ok_or_else(|| Error::InvalidArgument("an API key is required".to_owned()))?;
        let mut http = HttpClient::builder(&self.base_url)
            .auth(Auth::query_key("api_key", api_key.clone()))
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .retry_policy(self.retry.clone())
            .header("accept", "application/json");
        if let Some(limit) = self.rate_limit {
            http = http.rate_limit(limit);
        }
        if let Some(user_agent) = self.user_agent {
            http = http.user_agent(user_agent);
        }
        Ok(KitkotClient {
            http: http.build().map_err(Error::Http)?,
            api_key,
            session_key: self.session_key.filter(|k| !k.is_empty()),
            retry: self.retry,
        })
    }
}

/// A client of kitkot's viewer API. Cheap to clone: clones share connections and pacing.
///
/// Every call is a GET with the credentials in the query (`api_key`, `session_key`), as kitkot
/// requires; they are [`Secret`]s, shown as `***` in every log line, error and URL the client
/// prints.
///
/// ```no_run
/// # async fn demo() -> Result<(), kitkot::Error> {
/// use futures_util::StreamExt;
///
/// let client = kitkot::KitkotClient::builder()
///     .api_key("my-api-key")
///     .session_key("my-session-key")
///     .build()?;
/// let mut room = client.join("7532218465099557662").await?;
/// println!("{} watching {}", room.room().viewer_count(), room.room().title());
/// let mut chat = room.chat();
/// while let Some(message) = chat.next().await {
///     let message = message?;
///     println!("{:?}: {:?}", message.user().and_then(|u| u.unique_id), message.text());
/// #   break;
/// }
/// room.leave().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct KitkotClient {
    http: HttpClient,
    api_key: Secret,
    session_key: Option<Secret>,
    retry: RetryPolicy,
}

impl fmt::Debug for KitkotClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KitkotClient")
            .field("base_url", self.http.base_url())
            .field("api_key", &self.api_key)
            .field("session_key", &self.session_key)
            .finish_non_exhaustive()
    }
}

impl KitkotClient {
    /// Starts configuring a client.
    pub fn builder() -> KitkotClientBuilder {
        KitkotClientBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_key: None,
            session_key: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            rate_limit: None,
            user_agent: None,
        }
    }

    /// The same client (connections and pacing shared) acting for another session.
    pub fn with_session_key(&self, key: impl Into<Secret>) -> KitkotClient {
        KitkotClient {
            session_key: Some(key.into()).filter(|k| !k.is_empty()),
            ..self.clone()
        }
    }

    /// True when the client has a session key.
    pub fn has_session_key(&self) -> bool {
        self.session_key.is_some()
    }

    /// The API root the client calls.
    pub fn base_url(&self) -> String {
        self.http.base_url().to_string()
    }

    fn classifier(&self) -> KitkotClassifier {
        KitkotClassifier::new(std::iter::once(self.api_key.clone()).chain(self.session_key.clone()))
    }

    /// A GET of `path` with the session key (required unless `session_optional`).
    fn request(
        &self,
        endpoint: &'static str,
        session_optional: bool,
    ) -> Result<RequestBuilder, Error> {
        let mut request = self
            .http
            .get(&format!("/{endpoint}"))
            .route(endpoint)
            .classifier(self.classifier());
        match &self.session_key {
            Some(key) => request = request.secret_query("session_key", key.clone()),
            None if session_optional => {}
            None => return Err(Error::MissingSessionKey { endpoint }),
        }
        Ok(request)
    }

    async fn call<T: DeserializeOwned>(
        request: RequestBuilder,
        endpoint: &'static str,
        room_id: Option<&str>,
    ) -> Result<T, Error> {
        let span = tracing::debug_span!("kitkot", endpoint, room_id = room_id.unwrap_or(""));
        let response = request
            .send()
            .instrument(span)
            .await
            .map_err(|e| Error::from_http(e, room_id))?;
        decode(&response).map_err(Error::Http)
    }

    /// Joins a room as a viewer (`GET /live/join`). Returns a handle whose
    /// [`JoinedRoom::leave`] leaves it again; kitkot asks that every join be followed by a
    /// leave.
    pub async fn join(&self, request: impl Into<JoinRequest>) -> Result<JoinedRoom, Error> {
        let request = request.into();
        let room_id = check_room_id(&request.room_id)?;
        let http = self
            .request("live/join", false)?
            .query("room_id", room_id)
            .query_opt("anchor_id", non_empty(request.anchor_id.as_deref()))
            .query_opt("request_id", non_empty(request.request_id.as_deref()));
        let room: Room = Self::call(http, "live/join", Some(room_id)).await?;
        tracing::info!(room_id, viewers = room.viewers, "joined kitkot room");
        Ok(JoinedRoom::new(self.clone(), room_id.to_owned(), room))
    }

    /// Leaves a room (`GET /live/leave`).
    pub async fn leave(&self, room_id: &str) -> Result<LeaveResponse, Error> {
        let room_id = check_room_id(room_id)?;
        let http = self.request("live/leave", false)?.query("room_id", room_id);
        let response = Self::call(http, "live/leave", Some(room_id)).await?;
        tracing::info!(room_id, "left kitkot room");
        Ok(response)
    }

    /// Whether rooms exist and are live (`GET /live/room_exists`, ids joined with commas). The
    /// session key is sent when the client has one; kitkot does not require it here.
    pub async fn room_exists<I, S>(&self, room_ids: I) -> Result<RoomExists, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut ids = Vec::new();
        for id in room_ids {
            let id = check_room_id(id.as_ref())?;
            if id.contains(',') {
                return Err(Error::InvalidArgument(format!(
                    "room id {id:?} contains a comma"
                )));
            }
            ids.push(id.to_owned());
        }
        if ids.is_empty() {
            return Err(Error::InvalidArgument("no room ids".to_owned()));
        }
        let http = self
            .request("live/room_exists", true)?
            .query("room_ids", ids.join(","));
        Self::call(http, "live/room_exists", None).await
    }

    /// One page of a room's chat (`GET /live/chat`), from the start or from `cursor`.
    pub async fn chat_page(
        &self,
        room_id: &str,
        cursor: Option<&ChatCursor>,
    ) -> Result<ChatPage, Error> {
        let room_id = check_room_id(room_id)?;
        let mut http = self.request("live/chat", false)?.query("room_id", room_id);
        if let Some(cursor) = cursor {
            // kitkot wants both or neither.
            http = http
                .query("cursor", &cursor.cursor)
                .query("internalExt", &cursor.internal_ext);
        }
        Self::call(http, "live/chat", Some(room_id)).await
    }

    /// A room's chat as a stream of messages, following the pages while `hasMore`, waiting
    /// `fetchInterval` between pages (see [`ChatStream`]).
    pub fn chat(&self, room_id: &str) -> ChatStream {
        self.chat_with(room_id, ChatOptions::default())
    }

    /// [`KitkotClient::chat`] with options (start cursor, page limit, interval bounds).
    pub fn chat_with(&self, room_id: &str, options: ChatOptions) -> ChatStream {
        ChatStream::new(self.clone(), room_id, options)
    }

    /// Sends a chat message (`GET /live/chat/send_message`); kitkot answers with the room.
    ///
    /// Not idempotent, so only rate limits and failed connections are retried: a timeout, a
    /// connection closed mid-answer or a 5xx may come after the message was posted, and a
    /// retry would post it twice.
    pub async fn send_message(&self, message: impl Into<SendMessage>) -> Result<Room, Error> {
        let message = message.into();
        let room_id = check_room_id(&message.room_id)?;
        if message.content.trim().is_empty() {
            return Err(Error::InvalidArgument("the message is empty".to_owned()));
        }
        let http = self
            .request("live/chat/send_message", false)?
            .classifier(self.classifier().not_idempotent())
            .retry_policy(self.retry.clone().not_idempotent())
            .query("room_id", room_id)
            .query("content", &message.content)
            .query_opt("anchor_id", non_empty(message.anchor_id.as_deref()))
            .query_opt("request_id", non_empty(message.request_id.as_deref()));
        let room = Self::call(http, "live/chat/send_message", Some(room_id)).await?;
        tracing::info!(room_id, "sent kitkot chat message");
        Ok(room)
    }

    /// The TikTok account behind the session key (`GET /session`).
    pub async fn session(&self) -> Result<Session, Error> {
        let http = self.request("session", false)?;
        Self::call(http, "session", None).await
    }
}

impl From<(&str, &str)> for SendMessage {
    fn from((room_id, content): (&str, &str)) -> Self {
        SendMessage::new(room_id, content)
    }
}

fn non_empty(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

fn check_room_id(room_id: &str) -> Result<&str, Error> {
    let room_id = room_id.trim();
    if room_id.is_empty() {
        Err(Error::InvalidArgument("the room id is empty".to_owned()))
    } else {
        Ok(room_id)
    }
}
