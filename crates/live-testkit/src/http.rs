//! A scripted loopback HTTP/1.1 server.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// A request the server received.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// `GET`, `POST`...
    pub method: String,
    /// The path, exactly as sent (no normalisation of `//`).
    pub path: String,
    /// The raw query string without `?` (empty when there is none).
    pub query: String,
    /// Header names (lower case) and values, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
    /// When it arrived (tokio time, so paused-time tests can measure pacing).
    pub at: Instant,
    /// Values of `{name}` segments of the route pattern that matched.
    pub params: HashMap<String, String>,
}

impl RecordedRequest {
    /// The first value of a query parameter, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_params(name).into_iter().next()
    }

    /// Every value of a query parameter (`ids[]=1&ids[]=2`), percent-decoded.
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

    /// A `{name}` segment of the matched route.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// `path?query`, as the client sent it.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }
}

/// Decodes `a=1&b=x%20y` into pairs (`+` is a space, as in forms).
pub(crate) fn form_pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// What the server does with one request.
#[derive(Clone)]
pub struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Bytes,
    delay: Option<Duration>,
    drop_connection: bool,
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .field("delay", &self.delay)
            .field("drop_connection", &self.drop_connection)
            .finish()
    }
}

impl Reply {
    /// A reply with a status and an empty body.
    pub fn status(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: Bytes::new(),
            delay: None,
            drop_connection: false,
        }
    }

    /// A JSON reply.
    pub fn json(status: u16, body: &serde_json::Value) -> Self {
        Reply::status(status)
            .header("content-type", "application/json")
            .body(body.to_string())
    }

    /// A plain text (or HTML) reply with a content type.
    pub fn text(status: u16, content_type: &str, body: impl Into<String>) -> Self {
        Reply::status(status)
            .header("content-type", content_type)
            .body(body.into())
    }

    /// A binary reply.
    pub fn bytes(status: u16, content_type: &str, body: impl Into<Bytes>) -> Self {
        Reply::status(status)
            .header("content-type", content_type)
            .body(body)
    }

    /// Closes the connection without answering (a network failure seen by the client).
    pub fn drop_connection() -> Self {
        Reply {
            drop_connection: true,
            ..Reply::status(500)
        }
    }

    /// Adds a response header.
    #[must_use]
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Waits this long (tokio time) before answering.
    #[must_use]
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// The status this reply sends.
    pub fn status_code(&self) -> u16 {
        self.status
    }
}

type Handler = Arc<dyn Fn(&RecordedRequest) -> Reply + Send + Sync>;

enum Responder {
    /// Replies played in order; the last one repeats.
    Script(Mutex<VecDeque<Reply>>),
    Handler(Handler),
}

struct Route {
    method: String,
    pattern: Vec<String>,
    responder: Responder,
}

impl Route {
    fn matches(&self, method: &str, path: &str) -> Option<HashMap<String, String>> {
        if self.method != "*" && !self.method.eq_ignore_ascii_case(method) {
            return None;
        }
        let segments: Vec<&str> = path.split('/').collect();
        if segments.len() != self.pattern.len() {
            return None;
        }
        let mut params = HashMap::new();
        for (pattern, segment) in self.pattern.iter().zip(segments) {
            if let Some(name) = pattern.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                params.insert(name.to_owned(), percent_decode(segment));
            } else if pattern != segment {
                return None;
            }
        }
        Some(params)
    }

    fn reply(&self, request: &RecordedRequest) -> Reply {
        match &self.responder {
            Responder::Handler(handler) => handler(request),
            Responder::Script(queue) => {
                let mut queue = lock(queue);
                if queue.len() > 1 {
                    queue.pop_front().unwrap_or_else(|| Reply::status(500))
                } else {
                    queue.front().cloned().unwrap_or_else(|| Reply::status(500))
                }
            }
        }
    }
}

#[derive(Default)]
struct State {
    routes: Mutex<Vec<Arc<Route>>>,
    requests: Mutex<Vec<RecordedRequest>>,
    connections: Mutex<usize>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not hide the server's state from the others.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A loopback HTTP/1.1 server with scripted routes. It stops when dropped.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use live_testkit::{HttpServer, Reply};
/// let server = HttpServer::start().await?;
/// server.script("GET", "/api/v2/channels/{slug}", [
///     Reply::status(503),
///     Reply::json(200, &serde_json::json!({"id": 1})),
/// ]);
/// // point the client at server.url() ...
/// assert_eq!(server.requests().len(), 0);
/// # Ok(()) }
/// ```
pub struct HttpServer {
    addr: SocketAddr,
    state: Arc<State>,
    accept_task: JoinHandle<()>,
}

impl fmt::Debug for HttpServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl HttpServer {
    /// Binds `127.0.0.1` on a free port and starts serving. Unmatched requests get a JSON 404.
    pub async fn start() -> std::io::Result<HttpServer> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Binds the given address (port 0 for a free one).
    pub async fn start_on(addr: SocketAddr) -> std::io::Result<HttpServer> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::default());
        let accept_state = Arc::clone(&state);
        let accept_task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                *lock(&accept_state.connections) += 1;
                let state = Arc::clone(&accept_state);
                tokio::spawn(async move {
                    let service = service_fn(move |req| serve(Arc::clone(&state), req));
                    // Errors here are the client hanging up or a scripted drop: nothing to do.
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(HttpServer {
            addr,
            state,
            accept_task,
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Plays `replies` in order to requests matching `method` (`*` for any) and `pattern`
    /// (`/a/{name}/b`; `{name}` matches one segment); the last reply repeats. A route added
    /// later wins over an earlier one for the same request.
    pub fn script(&self, method: &str, pattern: &str, replies: impl IntoIterator<Item = Reply>) {
        let queue: VecDeque<Reply> = replies.into_iter().collect();
        self.add_route(method, pattern, Responder::Script(Mutex::new(queue)));
    }

    /// Answers requests matching `method` and `pattern` with a function of the request.
    pub fn handle(
        &self,
        method: &str,
        pattern: &str,
        handler: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
    ) {
        self.add_route(method, pattern, Responder::Handler(Arc::new(handler)));
    }

    fn add_route(&self, method: &str, pattern: &str, responder: Responder) {
        let route = Route {
            method: method.to_owned(),
            pattern: pattern.split('/').map(str::to_owned).collect(),
            responder,
        };
        lock(&self.state.routes).insert(0, Arc::new(route));
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// The requests whose path is `path`.
    pub fn requests_to(&self, path: &str) -> Vec<RecordedRequest> {
        lock(&self.state.requests)
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.state.requests).clear();
    }

    /// How many TCP connections were accepted (to check connection reuse).
    pub fn connection_count(&self) -> usize {
        *lock(&self.state.connections)
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.accept_task.abort();
    }
}

/// The error a service returns to make hyper drop the connection without answering.
#[derive(Debug)]
struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("scripted connection drop")
    }
}

impl std::error::Error for Dropped {}

async fn serve(
    state: Arc<State>,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Dropped> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let mut recorded = RecordedRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
        at: Instant::now(),
        params: HashMap::new(),
    };
    let routes = lock(&state.routes).clone();
    let matched = routes.iter().find_map(|route| {
        route
            .matches(&recorded.method, &recorded.path)
            .map(|params| (Arc::clone(route), params))
    });
    let reply = match matched {
        Some((route, params)) => {
            recorded.params = params;
            let reply = route.reply(&recorded);
            lock(&state.requests).push(recorded);
            reply
        }
        None => {
            let path = recorded.path.clone();
            lock(&state.requests).push(recorded);
            Reply::json(
                404,
                &serde_json::json!({"code": 404, "message": format!("no route for {path}")}),
            )
        }
    };
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    if reply.drop_connection {
        return Err(Dropped);
    }
    let mut response = hyper::Response::new(Full::new(reply.body));
    *response.status_mut() =
        http::StatusCode::from_u16(reply.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in &reply.headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    Ok(response)
}
