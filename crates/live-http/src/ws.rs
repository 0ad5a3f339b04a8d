//! WebSocket connections for the real-time crates: the shared TLS setup, request headers
//! (some secret), size limits, a connect timeout, and typed errors, including the HTTP answer
//! of a refused upgrade (TikTok refuses with HTTP 200 and `Handshake-Status`/`Handshake-Msg`).
//!
//! Reading ([`WsConnection::next`], [`WsReceiver::next`]) is cancel-safe: use it in
//! `tokio::select!`. Sending is not: do it inside a branch body, never as a branch future.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message, Utf8Bytes};
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use crate::{Headers, Secret, redact_url};

type Stream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The text of a text frame, shared without copying.
#[derive(Clone, PartialEq, Eq)]
pub struct Text(Utf8Bytes);

impl Text {
    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Utf8Bytes::from(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(Utf8Bytes::from(s))
    }
}

/// A WebSocket message.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsMessage {
    /// A text frame.
    Text(Text),
    /// A binary frame.
    Binary(Bytes),
    /// A ping (answered automatically).
    Ping(Bytes),
    /// A pong.
    Pong(Bytes),
    /// The peer's close frame: code and reason, when it sent them.
    Close(Option<(u16, String)>),
}

impl WsMessage {
    /// A text message.
    pub fn text(text: impl Into<String>) -> Self {
        WsMessage::Text(Text::from(text.into()))
    }

    /// A binary message.
    pub fn binary(bytes: impl Into<Bytes>) -> Self {
        WsMessage::Binary(bytes.into())
    }

    fn into_tungstenite(self) -> Message {
        match self {
            WsMessage::Text(t) => Message::Text(t.0),
            WsMessage::Binary(b) => Message::Binary(b),
            WsMessage::Ping(b) => Message::Ping(b),
            WsMessage::Pong(b) => Message::Pong(b),
            WsMessage::Close(frame) => Message::Close(frame.map(|(code, reason)| CloseFrame {
                code: CloseCode::from(code),
                reason: reason.into(),
            })),
        }
    }

    fn from_tungstenite(message: Message) -> Option<Self> {
        Some(match message {
            Message::Text(t) => WsMessage::Text(Text(t)),
            Message::Binary(b) => WsMessage::Binary(b),
            Message::Ping(b) => WsMessage::Ping(b),
            Message::Pong(b) => WsMessage::Pong(b),
            Message::Close(frame) => {
                WsMessage::Close(frame.map(|f| (u16::from(f.code), f.reason.as_str().to_owned())))
            }
            Message::Frame(_) => return None,
        })
    }
}

/// What went wrong with a WebSocket, coarsely.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WsErrorKind {
    /// The URL or a header could not be used.
    InvalidRequest,
    /// No TCP or TLS connection could be made.
    Connect,
    /// The connection or handshake took longer than allowed.
    Timeout,
    /// The server answered the upgrade with another status (see [`WsError::status`],
    /// [`WsError::headers`]).
    Rejected,
    /// A message exceeded the size limit.
    TooLarge,
    /// The connection dropped without a close handshake.
    Reset,
    /// The peer broke the WebSocket protocol.
    Protocol,
    /// The connection was already closed.
    Closed,
}

/// A WebSocket failure.
pub struct WsError {
    kind: WsErrorKind,
    url: Option<String>,
    message: String,
    status: Option<u16>,
    headers: Option<Headers>,
    body: Option<String>,
}

impl WsError {
    fn new(kind: WsErrorKind, message: impl Into<String>) -> Self {
        WsError {
            kind,
            url: None,
            message: message.into(),
            status: None,
            headers: None,
            body: None,
        }
    }

    fn from_tungstenite(error: tungstenite::Error) -> Self {
        use tungstenite::Error as E;
        use tungstenite::error::{CapacityError, ProtocolError};
        match error {
            E::Http(response) => {
                let (parts, body) = response.into_parts();
                let mut e = WsError::new(
                    WsErrorKind::Rejected,
                    format!(
                        "the server refused the upgrade with HTTP {}",
                        parts.status.as_u16()
                    ),
                );
                e.status = Some(parts.status.as_u16());
                e.headers = Some(Headers::from_map(parts.headers));
                e.body = body.map(|b| String::from_utf8_lossy(&b).into_owned());
                e
            }
            E::Capacity(CapacityError::MessageTooLong { size, max_size }) => WsError::new(
                WsErrorKind::TooLarge,
                format!("a message of {size} bytes exceeds the limit of {max_size}"),
            ),
            E::Capacity(other) => WsError::new(WsErrorKind::TooLarge, other.to_string()),
            E::ConnectionClosed | E::AlreadyClosed => {
                WsError::new(WsErrorKind::Closed, "the connection is closed")
            }
            E::Protocol(ProtocolError::ResetWithoutClosingHandshake) => WsError::new(
                WsErrorKind::Reset,
                "the connection dropped without a close handshake",
            ),
            E::Io(io) => WsError::new(WsErrorKind::Reset, format!("I/O error: {io}")),
            E::Tls(tls) => WsError::new(WsErrorKind::Connect, format!("TLS error: {tls}")),
            E::Url(url) => WsError::new(WsErrorKind::InvalidRequest, format!("bad URL: {url}")),
            E::HttpFormat(e) => WsError::new(WsErrorKind::InvalidRequest, e.to_string()),
            other => WsError::new(WsErrorKind::Protocol, other.to_string()),
        }
    }

    fn at(mut self, url: &str) -> Self {
        self.url = Some(url.to_owned());
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> WsErrorKind {
        self.kind
    }

    /// For [`WsErrorKind::Rejected`]: the HTTP status of the refusal.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// For [`WsErrorKind::Rejected`]: the refusal's headers.
    pub fn headers(&self) -> Option<&Headers> {
        self.headers.as_ref()
    }

    /// For [`WsErrorKind::Rejected`]: the refusal's body.
    pub fn body(&self) -> Option<&str> {
        self.body.as_deref()
    }

    /// The URL, with secret query values as `***`.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }
}

impl fmt::Display for WsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(url) = &self.url {
            write!(f, "{url}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl fmt::Debug for WsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsError")
            .field("kind", &self.kind)
            .field("url", &self.url)
            .field("message", &self.message)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish()
    }
}

impl std::error::Error for WsError {}

/// How to open a WebSocket.
#[derive(Clone)]
pub struct WsOptions {
    headers: Vec<(String, String)>,
    secret_headers: Vec<(String, Secret)>,
    secret_params: Vec<String>,
    connect_timeout: Duration,
    max_message_size: usize,
    read_buffer_size: usize,
}

impl fmt::Debug for WsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsOptions")
            .field("headers", &self.headers)
            .field("secret_headers", &self.secret_headers)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_message_size", &self.max_message_size)
            .field("read_buffer_size", &self.read_buffer_size)
            .finish()
    }
}

/// tungstenite's own default is 128 KiB, filled with zeros before every read: resident per
/// connection whether or not it is busy (10,000 idle TikTok rooms held 1.25 GiB for it alone).
/// Live-chat frames are mostly under 2 KiB, and a larger frame still gets room for its whole
/// length, so 8 KiB costs nothing but an extra read on a frame larger than that.
const DEFAULT_READ_BUFFER: usize = 8 * 1024;

impl Default for WsOptions {
    fn default() -> Self {
        WsOptions {
            headers: Vec::new(),
            secret_headers: Vec::new(),
            secret_params: Vec::new(),
            connect_timeout: Duration::from_secs(20),
            max_message_size: 4 * 1024 * 1024,
            read_buffer_size: DEFAULT_READ_BUFFER,
        }
    }
}

impl WsOptions {
    /// Defaults: 20 s to connect, 4 MiB per message, an 8 KiB read buffer.
    pub fn new() -> Self {
        WsOptions::default()
    }

    /// Adds a request header (`Origin`, `User-Agent`...).
    #[must_use]
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// Adds a secret request header (`Cookie` with a session).
    #[must_use]
    pub fn secret_header(mut self, name: &str, value: Secret) -> Self {
        self.secret_headers.push((name.to_owned(), value));
        self
    }

    /// Names query parameters of the URL to show as `***` in errors and logs.
    #[must_use]
    pub fn secret_param(mut self, name: &str) -> Self {
        self.secret_params.push(name.to_owned());
        self
    }

    /// Time allowed for TCP, TLS and the upgrade together.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The largest message accepted; a larger one ends the connection with
    /// [`WsErrorKind::TooLarge`].
    #[must_use]
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.max_message_size = bytes;
        self
    }

    /// The bytes read from the socket at once (default 8 KiB); the buffer stays allocated, and
    /// resident, for the life of the connection. Frames larger than this still arrive whole:
    /// the buffer grows to a frame's length while it is read. A socket that carries many rooms
    /// (Kick's) may want more, to read a burst in fewer system calls.
    #[must_use]
    pub fn read_buffer_size(mut self, bytes: usize) -> Self {
        self.read_buffer_size = bytes.max(1);
        self
    }

    fn shown(&self, url: &str) -> String {
        let names: Vec<&str> = self.secret_params.iter().map(String::as_str).collect();
        redact_url(url, &names)
    }
}

/// An open WebSocket.
pub struct WsConnection {
    stream: Stream,
    headers: Headers,
    url: String,
}

impl fmt::Debug for WsConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsConnection")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// Opens a WebSocket to `url` (`ws://` or `wss://`).
pub async fn connect(url: &str, options: &WsOptions) -> Result<WsConnection, WsError> {
    let shown = options.shown(url);
    let mut request = url
        .into_client_request()
        .map_err(|e| WsError::from_tungstenite(e).at(&shown))?;
    let invalid = |name: &str| {
        WsError::new(
            WsErrorKind::InvalidRequest,
            format!("header {name} has an invalid name or value"),
        )
        .at(&shown)
    };
    let pairs = options
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .chain(
            options
                .secret_headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.expose())),
        );
    for (name, value) in pairs {
        let header_name =
            http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid(name))?;
        let header_value = http::HeaderValue::from_str(value).map_err(|_| invalid(name))?;
        request.headers_mut().insert(header_name, header_value);
    }
    let tls = crate::tls::rustls_config().ok_or_else(|| {
        WsError::new(
            WsErrorKind::Connect,
            "the TLS configuration could not be built",
        )
        .at(&shown)
    })?;
    let config = WebSocketConfig::default()
        .max_message_size(Some(options.max_message_size))
        .max_frame_size(Some(options.max_message_size))
        .read_buffer_size(options.read_buffer_size);
    let connecting = tokio_tungstenite::connect_async_tls_with_config(
        request,
        Some(config),
        true,
        Some(Connector::Rustls(tls)),
    );
    let (stream, response) = match tokio::time::timeout(options.connect_timeout, connecting).await {
        Err(_) => {
            return Err(WsError::new(
                WsErrorKind::Timeout,
                format!("no connection within {:?}", options.connect_timeout),
            )
            .at(&shown));
        }
        Ok(Err(tungstenite::Error::Io(io))) => {
            return Err(
                WsError::new(WsErrorKind::Connect, format!("could not connect: {io}")).at(&shown),
            );
        }
        Ok(Err(e)) => return Err(WsError::from_tungstenite(e).at(&shown)),
        Ok(Ok(pair)) => pair,
    };
    tracing::debug!(url = %shown, "websocket open");
    Ok(WsConnection {
        stream,
        headers: Headers::from_map(response.headers().clone()),
        url: shown,
    })
}

impl WsConnection {
    /// Headers of the server's 101 answer (TikTok's `Handshake-Options`).
    pub fn response_headers(&self) -> &Headers {
        &self.headers
    }

    /// The URL, with secret query values as `***`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Sends a message. Not cancel-safe.
    pub async fn send(&mut self, message: WsMessage) -> Result<(), WsError> {
        self.stream
            .send(message.into_tungstenite())
            .await
            .map_err(WsError::from_tungstenite)
    }

    /// The next message; `None` once the connection is over. Cancel-safe.
    pub async fn next(&mut self) -> Option<Result<WsMessage, WsError>> {
        next_message(&mut self.stream).await
    }

    /// Sends a close frame and flushes it.
    pub async fn close(&mut self, code: u16, reason: &str) -> Result<(), WsError> {
        close(&mut self.stream, code, reason).await
    }

    /// Splits into a sending and a receiving half, for a reader and a writer in separate
    /// branches or tasks.
    pub fn split(self) -> (WsSender, WsReceiver) {
        let (sink, stream) = self.stream.split();
        (WsSender { sink }, WsReceiver { stream })
    }
}

/// The sending half of a [`WsConnection`].
pub struct WsSender {
    sink: SplitSink<Stream, Message>,
}

impl fmt::Debug for WsSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WsSender")
    }
}

impl WsSender {
    /// Sends a message. Not cancel-safe.
    pub async fn send(&mut self, message: WsMessage) -> Result<(), WsError> {
        self.sink
            .send(message.into_tungstenite())
            .await
            .map_err(WsError::from_tungstenite)
    }

    /// Sends a close frame.
    pub async fn close(&mut self, code: u16, reason: &str) -> Result<(), WsError> {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.to_owned().into(),
        };
        self.sink
            .send(Message::Close(Some(frame)))
            .await
            .map_err(WsError::from_tungstenite)
    }
}

/// The receiving half of a [`WsConnection`].
pub struct WsReceiver {
    stream: SplitStream<Stream>,
}

impl fmt::Debug for WsReceiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WsReceiver")
    }
}

impl WsReceiver {
    /// The next message; `None` once the connection is over. Cancel-safe.
    pub async fn next(&mut self) -> Option<Result<WsMessage, WsError>> {
        next_message(&mut self.stream).await
    }
}

async fn next_message<S>(stream: &mut S) -> Option<Result<WsMessage, WsError>>
where
    S: futures_util::Stream<Item = Result<Message, tungstenite::Error>> + Unpin,
{
    loop {
        match stream.next().await? {
            Ok(message) => {
                if let Some(message) = WsMessage::from_tungstenite(message) {
                    return Some(Ok(message));
                }
            }
            Err(tungstenite::Error::ConnectionClosed) => return None,
            Err(e) => return Some(Err(WsError::from_tungstenite(e))),
        }
    }
}

async fn close(stream: &mut Stream, code: u16, reason: &str) -> Result<(), WsError> {
    let frame = CloseFrame {
        code: CloseCode::from(code),
        reason: reason.to_owned().into(),
    };
    stream
        .close(Some(frame))
        .await
        .map_err(WsError::from_tungstenite)
}
