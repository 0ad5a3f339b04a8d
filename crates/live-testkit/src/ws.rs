//! A loopback WebSocket server that plays scripts or runs handlers, records what clients send
//! and injects faults.

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};

use crate::http::form_pairs;

/// A WebSocket message, in either direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsMessage {
    /// A text frame.
    Text(String),
    /// A binary frame.
    Binary(Vec<u8>),
    /// A ping with its payload.
    Ping(Vec<u8>),
    /// A pong with its payload.
    Pong(Vec<u8>),
    /// A close frame, with its code and reason when it had one.
    Close(Option<(u16, String)>),
}

impl WsMessage {
    /// The text of a text frame.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            WsMessage::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The payload of a binary frame.
    pub fn as_binary(&self) -> Option<&[u8]> {
        match self {
            WsMessage::Binary(b) => Some(b),
            _ => None,
        }
    }

    /// A text frame's JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        self.as_text().and_then(|t| serde_json::from_str(t).ok())
    }

    fn into_tungstenite(self) -> Message {
        match self {
            WsMessage::Text(t) => Message::text(t),
            WsMessage::Binary(b) => Message::binary(b),
            WsMessage::Ping(p) => Message::Ping(p.into()),
            WsMessage::Pong(p) => Message::Pong(p.into()),
            WsMessage::Close(frame) => Message::Close(frame.map(|(code, reason)| CloseFrame {
                code: CloseCode::from(code),
                reason: reason.into(),
            })),
        }
    }

    fn from_tungstenite(message: Message) -> Option<WsMessage> {
        Some(match message {
            Message::Text(t) => WsMessage::Text(t.as_str().to_owned()),
            Message::Binary(b) => WsMessage::Binary(b.to_vec()),
            Message::Ping(p) => WsMessage::Ping(p.to_vec()),
            Message::Pong(p) => WsMessage::Pong(p.to_vec()),
            Message::Close(frame) => {
                WsMessage::Close(frame.map(|f| (u16::from(f.code), f.reason.as_str().to_owned())))
            }
            Message::Frame(_) => return None,
        })
    }
}

/// The client's upgrade request.
#[derive(Debug, Clone, Default)]
pub struct HandshakeRequest {
    /// The request path.
    pub path: String,
    /// The raw query string without `?`.
    pub query: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
}

impl HandshakeRequest {
    /// A query parameter, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        form_pairs(&self.query)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// Every value of a query parameter, in order.
    pub fn query_params(&self, name: &str) -> Vec<String> {
        form_pairs(&self.query)
            .into_iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v)
            .collect()
    }

    /// A header's value (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// How the server answers an upgrade request.
#[derive(Debug, Clone)]
pub enum HandshakeDecision {
    /// Upgrade, adding these headers to the 101 response.
    Accept(Vec<(String, String)>),
    /// Refuse with this status (TikTok refuses with 200 and `Handshake-Status`/`Handshake-Msg`).
    Reject {
        /// HTTP status.
        status: u16,
        /// Response headers.
        headers: Vec<(String, String)>,
        /// Response body.
        body: Option<String>,
    },
}

type HandshakeFn = Arc<dyn Fn(&HandshakeRequest) -> HandshakeDecision + Send + Sync>;

/// What one accepted connection saw.
#[derive(Debug, Clone, Default)]
pub struct ConnectionRecord {
    /// The upgrade request.
    pub request: HandshakeRequest,
    /// Every message the client sent, in order.
    pub received: Vec<WsMessage>,
}

#[derive(Default)]
struct Shared {
    connections: Mutex<Vec<Arc<Mutex<ConnectionRecord>>>>,
    rejected: Mutex<Vec<HandshakeRequest>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One accepted connection, handed to a handler.
pub struct WsConn {
    ws: WebSocketStream<TcpStream>,
    request: HandshakeRequest,
    record: Arc<Mutex<ConnectionRecord>>,
    index: usize,
}

impl fmt::Debug for WsConn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsConn")
            .field("index", &self.index)
            .field("request", &self.request)
            .finish_non_exhaustive()
    }
}

/// The client went away while the server was sending.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the WebSocket client is gone: {0}")]
pub struct ClientGone(String);

impl WsConn {
    /// The upgrade request.
    pub fn request(&self) -> &HandshakeRequest {
        &self.request
    }

    /// This connection's position among all accepted connections (0 for the first).
    pub fn index(&self) -> usize {
        self.index
    }

    /// Sends a message.
    pub async fn send(&mut self, message: WsMessage) -> Result<(), ClientGone> {
        self.ws
            .send(message.into_tungstenite())
            .await
            .map_err(|e| ClientGone(e.to_string()))
    }

    /// Sends a text frame.
    pub async fn send_text(&mut self, text: impl Into<String>) -> Result<(), ClientGone> {
        self.send(WsMessage::Text(text.into())).await
    }

    /// Sends a binary frame.
    pub async fn send_binary(&mut self, bytes: impl Into<Vec<u8>>) -> Result<(), ClientGone> {
        self.send(WsMessage::Binary(bytes.into())).await
    }

    /// The next message from the client (recorded), or `None` once it closed or failed.
    /// Cancel-safe: it only waits on the socket's read side.
    pub async fn recv(&mut self) -> Option<WsMessage> {
        loop {
            let message = match self.ws.next().await? {
                Ok(message) => message,
                Err(_) => return None,
            };
            if let Some(message) = WsMessage::from_tungstenite(message) {
                lock(&self.record).received.push(message.clone());
                return Some(message);
            }
        }
    }

    /// Sends a close frame with this code and reason, then waits briefly for the client's.
    pub async fn close(mut self, code: u16, reason: &str) {
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.to_owned().into(),
        };
        let _ = self.ws.close(Some(frame)).await;
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            while let Some(Ok(_)) = self.ws.next().await {}
        })
        .await;
    }

    /// Drops the TCP connection without a close frame (an abrupt network failure).
    pub fn drop_abruptly(self) {
        drop(self);
    }

    /// Keeps the connection open without reading or writing anything (a silent server):
    /// pings go unanswered. Returns when the server is dropped.
    pub async fn hold_silently(self) {
        let _keep = self;
        std::future::pending::<()>().await;
    }
}

/// One step of a scripted connection.
#[derive(Debug, Clone)]
pub enum WsStep {
    /// Send this message.
    Send(WsMessage),
    /// Wait for the client's next message (any kind).
    Receive,
    /// Wait for a text message containing this string (others are recorded and skipped).
    ReceiveContaining(String),
    /// Wait this long (tokio time).
    Sleep(Duration),
    /// Close with this code and reason.
    Close(u16, String),
    /// Drop the connection without a close frame.
    Drop,
    /// Stay open and silent until the server is dropped.
    Silence,
    /// Send a text frame of this many bytes (for size limits).
    Oversized(usize),
}

impl WsStep {
    /// A text frame step.
    pub fn text(text: impl Into<String>) -> WsStep {
        WsStep::Send(WsMessage::Text(text.into()))
    }

    /// A binary frame step.
    pub fn binary(bytes: impl Into<Vec<u8>>) -> WsStep {
        WsStep::Send(WsMessage::Binary(bytes.into()))
    }
}

async fn play(mut conn: WsConn, steps: Vec<WsStep>) {
    for step in steps {
        match step {
            WsStep::Send(message) => {
                if conn.send(message).await.is_err() {
                    return;
                }
            }
            WsStep::Receive => {
                if conn.recv().await.is_none() {
                    return;
                }
            }
            WsStep::ReceiveContaining(needle) => loop {
                match conn.recv().await {
                    None => return,
                    Some(WsMessage::Text(t)) if t.contains(&needle) => break,
                    Some(_) => {}
                }
            },
            WsStep::Sleep(duration) => tokio::time::sleep(duration).await,
            WsStep::Close(code, reason) => return conn.close(code, &reason).await,
            WsStep::Drop => return conn.drop_abruptly(),
            WsStep::Silence => return conn.hold_silently().await,
            WsStep::Oversized(size) => {
                if conn.send_text("x".repeat(size)).await.is_err() {
                    return;
                }
            }
        }
    }
    // The script is over: keep reading (and answering pings) until the client leaves.
    while conn.recv().await.is_some() {}
}

type ConnHandler =
    Arc<dyn Fn(WsConn) -> futures_util::future::BoxFuture<'static, ()> + Send + Sync>;

/// Configures a [`WsServer`] before it starts.
#[derive(Default)]
pub struct WsServerBuilder {
    handshake: Option<HandshakeFn>,
    addr: Option<SocketAddr>,
}

impl fmt::Debug for WsServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsServerBuilder")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl WsServerBuilder {
    /// Decides on each upgrade request (default: accept everything).
    #[must_use]
    pub fn handshake(
        mut self,
        decide: impl Fn(&HandshakeRequest) -> HandshakeDecision + Send + Sync + 'static,
    ) -> Self {
        self.handshake = Some(Arc::new(decide));
        self
    }

    /// Binds this address instead of a free loopback port.
    #[must_use]
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = Some(addr);
        self
    }

    /// Starts the server; `handler` runs once per accepted connection, in its own task.
    pub async fn start<F, Fut>(self, handler: F) -> std::io::Result<WsServer>
    where
        F: Fn(WsConn) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler: ConnHandler = Arc::new(move |conn| Box::pin(handler(conn)));
        WsServer::spawn(self, handler).await
    }

    /// Starts a server whose n-th connection plays `scripts[n]` (the last script repeats).
    pub async fn start_scripted(self, scripts: Vec<Vec<WsStep>>) -> std::io::Result<WsServer> {
        let scripts = Arc::new(scripts);
        self.start(move |conn| {
            let steps = scripts
                .get(conn.index())
                .or_else(|| scripts.last())
                .cloned()
                .unwrap_or_default();
            play(conn, steps)
        })
        .await
    }
}

/// A loopback WebSocket server. It stops when dropped.
pub struct WsServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    count: watch::Receiver<usize>,
    accept_task: JoinHandle<()>,
    conn_tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl fmt::Debug for WsServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl WsServer {
    /// A builder, for a custom handshake decision or address.
    pub fn builder() -> WsServerBuilder {
        WsServerBuilder::default()
    }

    /// Starts a server that accepts every upgrade and runs `handler` per connection.
    pub async fn start<F, Fut>(handler: F) -> std::io::Result<WsServer>
    where
        F: Fn(WsConn) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Self::builder().start(handler).await
    }

    /// Starts a server whose n-th connection plays `scripts[n]` (the last script repeats).
    pub async fn start_scripted(scripts: Vec<Vec<WsStep>>) -> std::io::Result<WsServer> {
        Self::builder().start_scripted(scripts).await
    }

    async fn spawn(builder: WsServerBuilder, handler: ConnHandler) -> std::io::Result<WsServer> {
        let listener = TcpListener::bind(
            builder
                .addr
                .unwrap_or(SocketAddr::from(([127, 0, 0, 1], 0))),
        )
        .await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let (count_tx, count) = watch::channel(0usize);
        let conn_tasks: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let handshake = builder.handshake;
        let accept_shared = Arc::clone(&shared);
        let accept_tasks = Arc::clone(&conn_tasks);
        let accept_task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let shared = Arc::clone(&accept_shared);
                let handler = Arc::clone(&handler);
                let handshake = handshake.clone();
                let count_tx = count_tx.clone();
                let task = tokio::spawn(async move {
                    let Some(conn) = accept(stream, handshake, &shared).await else {
                        return;
                    };
                    count_tx.send_modify(|n| *n += 1);
                    handler(conn).await;
                });
                lock(&accept_tasks).push(task);
            }
        });
        Ok(WsServer {
            addr,
            shared,
            count,
            accept_task,
            conn_tasks,
        })
    }

    /// `ws://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What every accepted connection saw so far, in order of acceptance.
    pub fn connections(&self) -> Vec<ConnectionRecord> {
        lock(&self.shared.connections)
            .iter()
            .map(|record| lock(record).clone())
            .collect()
    }

    /// Upgrade requests that the handshake decision refused.
    pub fn rejected(&self) -> Vec<HandshakeRequest> {
        lock(&self.shared.rejected).clone()
    }

    /// How many connections were accepted.
    pub fn connection_count(&self) -> usize {
        *self.count.borrow()
    }

    /// Waits until at least `n` connections were accepted.
    pub async fn wait_for_connections(&self, n: usize) {
        let mut count = self.count.clone();
        let _ = count.wait_for(|c| *c >= n).await;
    }

    /// Waits until some client message satisfies `predicate`, polling every 5 ms (tokio time).
    pub async fn wait_for_message(&self, predicate: impl Fn(&WsMessage) -> bool) -> WsMessage {
        loop {
            let found = self
                .connections()
                .into_iter()
                .flat_map(|c| c.received)
                .find(|m| predicate(m));
            if let Some(message) = found {
                return message;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

impl Drop for WsServer {
    fn drop(&mut self) {
        self.accept_task.abort();
        for task in lock(&self.conn_tasks).drain(..) {
            task.abort();
        }
    }
}

/// The largest upgrade request accepted.
const MAX_HANDSHAKE: usize = 16 * 1024;

/// Reads the upgrade request, decides, and answers it by hand: tungstenite's server refuses to
/// send a 2xx refusal, and TikTok refuses upgrades with exactly that (HTTP 200 plus
/// `Handshake-Status`/`Handshake-Msg`).
async fn accept(
    mut stream: TcpStream,
    handshake: Option<HandshakeFn>,
    shared: &Shared,
) -> Option<WsConn> {
    let mut buffer = Vec::with_capacity(1024);
    let (request, key) = loop {
        let mut chunk = [0u8; 1024];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buffer.len() + n > MAX_HANDSHAKE {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut parsed = httparse::Request::new(&mut headers);
        match parsed.parse(&buffer) {
            Ok(httparse::Status::Complete(_)) => {
                let target = parsed.path.unwrap_or("/");
                let (path, query) = target.split_once('?').unwrap_or((target, ""));
                let headers: Vec<(String, String)> = parsed
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_ascii_lowercase(),
                            String::from_utf8_lossy(h.value).into_owned(),
                        )
                    })
                    .collect();
                let request = HandshakeRequest {
                    path: path.to_owned(),
                    query: query.to_owned(),
                    headers,
                };
                let key = request.header("sec-websocket-key").map(str::to_owned);
                break (request, key);
            }
            Ok(httparse::Status::Partial) => continue,
            Err(_) => return None,
        }
    };
    let decision = match (&handshake, &key) {
        (_, None) => HandshakeDecision::Reject {
            status: 400,
            headers: Vec::new(),
            body: Some("not a WebSocket upgrade".to_owned()),
        },
        (Some(decide), Some(_)) => decide(&request),
        (None, Some(_)) => HandshakeDecision::Accept(Vec::new()),
    };
    match decision {
        HandshakeDecision::Reject {
            status,
            headers,
            body,
        } => {
            let body = body.unwrap_or_default();
            let mut response = format!("HTTP/1.1 {status} {}\r\n", reason_phrase(status));
            for (name, value) in &headers {
                response.push_str(&format!("{name}: {value}\r\n"));
            }
            response.push_str(&format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ));
            let _ = stream.write_all(response.as_bytes()).await;
            let _ = stream.shutdown().await;
            lock(&shared.rejected).push(request);
            None
        }
        HandshakeDecision::Accept(headers) => {
            let accept_key = derive_accept_key(key.unwrap_or_default().as_bytes());
            let mut response = format!(
                "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: {accept_key}\r\n"
            );
            for (name, value) in &headers {
                response.push_str(&format!("{name}: {value}\r\n"));
            }
            response.push_str("\r\n");
            stream.write_all(response.as_bytes()).await.ok()?;
            let config = WebSocketConfig::default()
                .max_message_size(None)
                .max_frame_size(None);
            let ws = WebSocketStream::from_raw_socket(stream, Role::Server, Some(config)).await;
            let record = Arc::new(Mutex::new(ConnectionRecord {
                request: request.clone(),
                received: Vec::new(),
            }));
            let index = {
                let mut connections = lock(&shared.connections);
                connections.push(Arc::clone(&record));
                connections.len() - 1
            };
            Some(WsConn {
                ws,
                request,
                record,
                index,
            })
        }
    }
}

fn reason_phrase(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Unknown")
}
