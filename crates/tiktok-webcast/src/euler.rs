//! The Euler Stream REST client (the TikTok LIVE sign server): the bootstrap `fetch` (a binary
//! fetch result plus TikTok cookies), rate limits, room lookups, chat and URL signing.
//!
//! Authentication is an API key in the `x-api-key` header (default) or the `apiKey` query, or
//! a JWT in `x-jwt-key`. 429 is retried after `retry-after`/`x-ratelimit-reset` by live-http;
//! 401, 402 and 403 are typed errors and never retried.

use std::time::Duration;

use bytes::Bytes;
use live_http::{Auth, ConnectionPool, HttpClient, RetryPolicy, Secret};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Service};

/// The public Euler Stream API.
pub const DEFAULT_EULER_URL: &str = "https://tiktok.eulerstream.com";
/// The `client` value identifying this library to Euler.
pub const CLIENT_ID: &str = "ttlive-rust";

/// How requests authenticate.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub enum EulerAuth {
    /// No key: the anonymous (lowest) limits.
    None,
    /// `x-api-key: KEY`.
    ApiKeyHeader(Secret),
    /// `?apiKey=KEY`.
    ApiKeyQuery(Secret),
    /// `x-jwt-key: JWT` (a short-lived token for front ends).
    Jwt(Secret),
}

/// Configures an [`EulerClient`].
#[derive(Debug, Clone)]
pub struct EulerClientBuilder {
    base_url: String,
    auth: EulerAuth,
    timeout: Duration,
    retry: RetryPolicy,
    pool: Option<ConnectionPool>,
}

impl Default for EulerClientBuilder {
    fn default() -> Self {
        EulerClientBuilder {
            base_url: DEFAULT_EULER_URL.to_owned(),
            auth: EulerAuth::None,
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::default().max_retries(2),
            pool: None,
        }
    }
}

impl EulerClientBuilder {
    /// The API's base URL (default [`DEFAULT_EULER_URL`]).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// An API key, sent in the `x-api-key` header.
    #[must_use]
    pub fn api_key(mut self, key: Secret) -> Self {
        self.auth = EulerAuth::ApiKeyHeader(key);
        self
    }

    /// How to authenticate.
    #[must_use]
    pub fn auth(mut self, auth: EulerAuth) -> Self {
        self.auth = auth;
        self
    }

    /// Time allowed per request (default 10 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries (default: live-http's policy with 2 retries; 429 waits as told).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Keeps connections in `pool`, shared with other clients (see
    /// [`ConnectionPool`]); by default the client has its own.
    #[must_use]
    pub fn connection_pool(mut self, pool: ConnectionPool) -> Self {
        self.pool = Some(pool);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<EulerClient, Error> {
        let mut builder = HttpClient::builder(&self.base_url)
            .timeout(self.timeout)
            .retry_policy(self.retry)
            .classifier(crate::rest::envelope_classifier)
            .user_agent(concat!(
                "live-sdk-tiktok-webcast/",
                env!("CARGO_PKG_VERSION")
            ));
        builder = match &self.auth {
            EulerAuth::None => builder,
            EulerAuth::ApiKeyHeader(key) => {
                builder.auth(Auth::header_key("x-api-key", key.clone()))
            }
            EulerAuth::ApiKeyQuery(key) => builder.auth(Auth::query_key("apiKey", key.clone())),
            EulerAuth::Jwt(jwt) => builder.auth(Auth::header_key("x-jwt-key", jwt.clone())),
        };
        if let Some(pool) = self.pool {
            builder = builder.connection_pool(pool);
        }
        let http = builder
            .build()
            .map_err(|e| Error::http(Service::Euler, e))?;
        Ok(EulerClient { http })
    }
}

/// The Euler Stream client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct EulerClient {
    http: HttpClient,
}

/// `GET /webcast/fetch` parameters.
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct FetchRequest {
    /// The room to connect to.
    pub room_id: Option<String>,
    /// The unique id instead of the room id (enterprise plans only).
    pub unique_id: Option<String>,
    /// A cursor to resume from.
    pub cursor: Option<String>,
    /// The user agent Euler signs with; the WebSocket must use the same one.
    pub user_agent: Option<String>,
    /// Whether the client sends `im_enter_room` itself (default true).
    pub client_enter: bool,
    /// Proxy region (`DE`, `ES`, `FR`, `GB`, `PL`...).
    pub country: Option<String>,
    /// `web` (default) or `mobile`.
    pub platform: Option<String>,
}

impl FetchRequest {
    /// A fetch for `room_id`, entering the room ourselves.
    pub fn room(room_id: impl Into<String>) -> Self {
        FetchRequest {
            room_id: Some(room_id.into()),
            client_enter: true,
            ..FetchRequest::default()
        }
    }

    /// Sets the cursor.
    #[must_use]
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into()).filter(|c| !c.is_empty());
        self
    }

    /// Sets the user agent.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }
}

/// What `/webcast/fetch` returned.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct FetchResponse {
    /// The raw protobuf fetch result (feed it to [`crate::Decoder::push_fetch_result`]).
    pub body: Bytes,
    /// TikTok cookies for the WebSocket (`X-Set-TT-Cookie`).
    pub tt_cookie: Option<Secret>,
    /// The canonical room id (`X-Room-Id`).
    pub room_id: Option<String>,
    /// Euler's request id.
    pub request_id: Option<String>,
    /// Euler's agent id.
    pub agent_id: Option<String>,
    /// A handshake message, when Euler relays one.
    pub handshake_msg: Option<String>,
}

/// One window of a rate limit.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimitInfo {
    /// Requests allowed.
    #[serde(default)]
    pub max: Option<i64>,
    /// Requests left.
    #[serde(default)]
    pub remaining: Option<i64>,
    /// When the window resets.
    #[serde(default)]
    pub reset_at: Option<String>,
}

/// Load shedding state.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadShedInfo {
    /// Threshold.
    #[serde(default)]
    pub at: Option<f64>,
    /// Chance of being shed.
    #[serde(default)]
    pub chance: Option<f64>,
}

/// `GET /webcast/rate_limits`.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimits {
    /// Status code.
    #[serde(default)]
    pub code: Option<i64>,
    /// Message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Per minute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minute: Option<RateLimitInfo>,
    /// Per hour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hour: Option<RateLimitInfo>,
    /// Per day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<RateLimitInfo>,
    /// Load shedding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_shedding: Option<LoadShedInfo>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

/// `GET /webcast/room_id`.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoomIdResponse {
    /// Status code.
    #[serde(default)]
    pub code: Option<i64>,
    /// Message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Success.
    #[serde(default)]
    pub ok: bool,
    /// Lookup routes tried.
    #[serde(default)]
    pub routes_attempted: Vec<String>,
    /// Whether the user is live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_live: Option<bool>,
    /// The room id (exact, as a string).
    #[serde(
        default,
        deserialize_with = "live_model::lenient::opt_id_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub room_id: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

/// `GET /webcast/room_info`: the room and its streamer; `data` kept as JSON (it is large and
/// changes often) with typed accessors.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoomInfoResponse {
    /// Status code.
    #[serde(default)]
    pub code: Option<i64>,
    /// Message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Success.
    #[serde(default)]
    pub ok: bool,
    /// Lookup routes tried.
    #[serde(default)]
    pub routes_attempted: Vec<String>,
    /// `{unique_id, user{...}, room_info{status, is_live, id, title, current_viewers...}}`.
    #[serde(default)]
    pub data: Value,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

impl RoomInfoResponse {
    /// `data.room_info.is_live`.
    pub fn is_live(&self) -> Option<bool> {
        self.data.pointer("/room_info/is_live")?.as_bool()
    }

    /// `data.room_info.id`, exact.
    pub fn room_id(&self) -> Option<String> {
        json_id(self.data.pointer("/room_info/id")?)
    }

    /// `data.room_info.title`.
    pub fn title(&self) -> Option<&str> {
        self.data.pointer("/room_info/title")?.as_str()
    }

    /// `data.room_info.current_viewers`.
    pub fn current_viewers(&self) -> Option<u64> {
        self.data.pointer("/room_info/current_viewers")?.as_u64()
    }
}

/// An id from JSON, exact, whether a number or a string.
pub(crate) fn json_id(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() && s != "0" => Some(s.clone()),
        Value::Number(n) if n.as_u64() != Some(0) => Some(n.to_string()),
        _ => None,
    }
}

/// A stream type for `room_video`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamType {
    /// HLS, low definition.
    HlsLd,
    /// HLS, standard definition (Euler's default).
    HlsSd,
    /// FLV, low definition.
    FlvLd,
    /// FLV, standard definition.
    FlvSd,
}

impl StreamType {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            StreamType::HlsLd => "hls_ld",
            StreamType::HlsSd => "hls_sd",
            StreamType::FlvLd => "flv_ld",
            StreamType::FlvSd => "flv_sd",
        }
    }
}

/// A TikTok session for authenticated calls (chat), sent in a header, never logged.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub enum SessionAuth {
    /// `x-cookie-header: sessionid=...; tt-target-idc=...`.
    Cookie(Secret),
    /// `x-oauth-token: ...` (an Euler OAuth token).
    OAuth(Secret),
}

/// `POST /webcast/chat`.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub struct ChatRequest {
    /// The message.
    pub content: String,
    /// The room.
    pub room_id: String,
    /// The session to send as.
    pub session: Option<SessionAuth>,
}

impl ChatRequest {
    /// A chat message for a room.
    pub fn new(room_id: impl Into<String>, content: impl Into<String>) -> Self {
        ChatRequest {
            content: content.into(),
            room_id: room_id.into(),
            session: None,
        }
    }

    /// Sends as this TikTok session.
    #[must_use]
    pub fn session(mut self, session: SessionAuth) -> Self {
        self.session = Some(session);
        self
    }
}

/// A `{code, message, data}` answer (`chat`, `room_cover`, `room_video`).
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JsonResponse {
    /// Status code.
    #[serde(default)]
    pub code: Option<i64>,
    /// Message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Payload.
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub data: Value,
    /// Other fields.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

/// `POST /webcast/sign_url` body.
#[non_exhaustive]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignUrlRequest {
    /// The URL to sign (strip `X-Bogus`, `X-Gnarly` and `msToken` first).
    pub url: String,
    /// The user agent to sign with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// `GET`, `POST`...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// `fetch` or `xhr`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub request_type: Option<String>,
    /// A request body to sign.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payload: Option<String>,
    /// Add browser parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_browser_params: Option<bool>,
    /// Add `verifyFp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_verify_fp: Option<bool>,
}

impl SignUrlRequest {
    /// Signs `url` with GET.
    pub fn new(url: impl Into<String>) -> Self {
        SignUrlRequest {
            url: url.into(),
            ..SignUrlRequest::default()
        }
    }
}

/// `POST /webcast/sign_url` answer.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SignUrlResponse {
    /// Status code.
    #[serde(default)]
    pub code: Option<i64>,
    /// Message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// `{signedUrl, userAgent, browserName, browserVersion, tokens, requestHeaders, cookies}`.
    #[serde(default)]
    pub response: Value,
}

impl SignUrlResponse {
    /// `response.signedUrl`.
    pub fn signed_url(&self) -> Option<&str> {
        self.response.get("signedUrl")?.as_str()
    }
}

impl EulerClient {
    /// A builder with the defaults.
    pub fn builder() -> EulerClientBuilder {
        EulerClientBuilder::default()
    }

    /// The API's base URL.
    pub fn base_url(&self) -> String {
        self.http.base_url().to_string()
    }

    fn err(e: live_http::Error) -> Error {
        Error::http(Service::Euler, e)
    }

    /// `GET /webcast/fetch`: the first fetch result of a room (binary protobuf) and the TikTok
    /// cookies for the WebSocket. A 200 without `X-Set-TT-Cookie` or with an empty body is a
    /// [`Error::Bootstrap`].
    pub async fn fetch(&self, request: &FetchRequest) -> Result<FetchResponse, Error> {
        let response = self
            .http
            .get("/webcast/fetch")
            .route("fetch")
            .header("accept", "application/protobuf,application/json")
            .query("client", CLIENT_ID)
            .query_opt("room_id", request.room_id.as_deref())
            .query_opt("unique_id", request.unique_id.as_deref())
            .query_opt("cursor", request.cursor.as_deref())
            .query_opt("user_agent", request.user_agent.as_deref())
            .query("client_enter", request.client_enter)
            .query_opt("country", request.country.as_deref())
            .query_opt("platform", request.platform.as_deref())
            .send()
            .await
            .map_err(Self::err)?;
        let header = |name: &str| response.header(name).map(str::to_owned);
        if response.body().is_empty() {
            return Err(Error::Bootstrap(format!(
                "Euler returned an empty fetch result{}",
                header("handshake-msg")
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default()
            )));
        }
        let tt_cookie = header("x-set-tt-cookie").filter(|c| !c.trim().is_empty());
        if tt_cookie.is_none() {
            return Err(Error::Bootstrap(
                "Euler returned no TikTok cookies (X-Set-TT-Cookie)".to_owned(),
            ));
        }
        Ok(FetchResponse {
            body: response.body().clone(),
            tt_cookie: tt_cookie.map(Secret::new),
            room_id: header("x-room-id").filter(|r| !r.is_empty() && r != "0"),
            request_id: header("x-request-id"),
            agent_id: header("x-agent-id"),
            handshake_msg: header("handshake-msg"),
        })
    }

    /// `GET /webcast/rate_limits`: the key's limits (or the anonymous ones).
    pub async fn rate_limits(&self) -> Result<RateLimits, Error> {
        self.http
            .get("/webcast/rate_limits")
            .send_json()
            .await
            .map_err(Self::err)
    }

    /// `GET /webcast/room_id?uniqueId=`: the room id and whether the user is live.
    pub async fn room_id(&self, unique_id: &str) -> Result<RoomIdResponse, Error> {
        self.http
            .get("/webcast/room_id")
            .query("uniqueId", unique_id)
            .send_json()
            .await
            .map_err(Self::err)
    }

    /// `GET /webcast/room_info?uniqueId=`.
    pub async fn room_info(&self, unique_id: &str) -> Result<RoomInfoResponse, Error> {
        self.http
            .get("/webcast/room_info")
            .query("uniqueId", unique_id)
            .send_json()
            .await
            .map_err(Self::err)
    }

    /// `GET /webcast/room_cover?uniqueId=`.
    pub async fn room_cover(&self, unique_id: &str) -> Result<JsonResponse, Error> {
        self.http
            .get("/webcast/room_cover")
            .query("uniqueId", unique_id)
            .send_json()
            .await
            .map_err(Self::err)
    }

    /// `GET /webcast/room_video?uniqueId=&streamType=`.
    pub async fn room_video(
        &self,
        unique_id: &str,
        stream_type: Option<StreamType>,
    ) -> Result<JsonResponse, Error> {
        self.http
            .get("/webcast/room_video")
            .query("uniqueId", unique_id)
            .query_opt("streamType", stream_type.map(StreamType::as_str))
            .send_json()
            .await
            .map_err(Self::err)
    }

    /// `POST /webcast/chat`: sends a chat message (a paid plan and a TikTok session). The body
    /// names the room both ways (`targetRoomId`, and the older `roomId`).
    pub async fn send_chat(&self, request: &ChatRequest) -> Result<JsonResponse, Error> {
        let body = serde_json::json!({
            "content": request.content,
            "targetRoomId": request.room_id,
            "roomId": request.room_id,
        });
        let mut builder = self.http.post("/webcast/chat").json(&body);
        builder = match &request.session {
            Some(SessionAuth::Cookie(cookie)) => {
                builder.secret_header("x-cookie-header", cookie.clone())
            }
            Some(SessionAuth::OAuth(token)) => {
                builder.secret_header("x-oauth-token", token.clone())
            }
            None => builder,
        };
        builder.send_json().await.map_err(Self::err)
    }

    /// `POST /webcast/sign_url?client=ttlive-rust`: signs a TikTok URL.
    pub async fn sign_url(&self, request: &SignUrlRequest) -> Result<SignUrlResponse, Error> {
        self.http
            .post("/webcast/sign_url")
            .query("client", CLIENT_ID)
            .json(request)
            .send_json()
            .await
            .map_err(Self::err)
    }
}
