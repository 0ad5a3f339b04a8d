use std::fmt;
use std::time::Duration;

use bytes::Bytes;

type Source = Box<dyn std::error::Error + Send + Sync + 'static>;

/// What went wrong with a request, coarsely. Details are on [`Error`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The request could not be built (bad URL, header, body).
    InvalidRequest,
    /// No connection could be made (refused, DNS, TLS handshake).
    Connect,
    /// The connection closed before a full response arrived.
    Interrupted,
    /// No full response within the timeout.
    Timeout,
    /// The response was larger than the client's cap.
    TooLarge,
    /// The HTTP status said failure (4xx or 5xx other than 429).
    Status,
    /// The status said success but the body carried the service's error code.
    Platform,
    /// The service asked us to slow down (HTTP 429 or its own rate-limit code).
    RateLimited,
    /// The body was not the JSON expected (the path of the failing value is in
    /// [`Error::json_path`]).
    Decode,
}

/// An HTTP request that failed, with everything known about why.
///
/// `Display` gives one line: method, redacted URL, status, platform code and message, request
/// id. The underlying cause, if any, is available through `std::error::Error::source` and is
/// not repeated in `Display`. Secret query values are `***` in the URL, and the response body
/// (which may hold data a service returns, such as session keys) is never printed: read it
/// with [`Error::body`].
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    method: Option<&'static str>,
    url: Option<String>,
    status: Option<u16>,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    json_path: Option<String>,
    timeout: Option<Duration>,
    attempts: u32,
    body: Option<Bytes>,
    source: Option<Source>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                method: None,
                url: None,
                status: None,
                code: None,
                message: None,
                request_id: None,
                retry_after: None,
                json_path: None,
                timeout: None,
                attempts: 1,
                body: None,
                source: None,
            }),
        }
    }

    pub(crate) fn invalid_request(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::InvalidRequest).with_message(message)
    }

    /// A decoding failure found outside the client (a platform crate reading a payload),
    /// carrying the JSON path.
    pub fn decode(message: impl Into<String>, json_path: impl Into<String>) -> Self {
        let mut error = Error::new(ErrorKind::Decode).with_message(message);
        error.inner.json_path = Some(json_path.into());
        error
    }

    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.inner.message = Some(message.into());
        self
    }

    pub(crate) fn with_source(mut self, source: impl Into<Source>) -> Self {
        self.inner.source = Some(source.into());
        self
    }

    pub(crate) fn with_request(mut self, method: &'static str, url: String) -> Self {
        self.inner.method = Some(method);
        self.inner.url = Some(url);
        self
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    pub(crate) fn with_failure(
        mut self,
        code: Option<String>,
        message: Option<String>,
        request_id: Option<String>,
    ) -> Self {
        self.inner.code = code;
        if message.is_some() {
            self.inner.message = message;
        }
        self.inner.request_id = request_id;
        self
    }

    pub(crate) fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.inner.retry_after = retry_after;
        self
    }

    pub(crate) fn with_json_path(mut self, path: String) -> Self {
        self.inner.json_path = Some(path);
        self
    }

    pub(crate) fn with_timeout(mut self, timeout: Duration) -> Self {
        self.inner.timeout = Some(timeout);
        self
    }

    pub(crate) fn with_body(mut self, body: Bytes) -> Self {
        self.inner.body = Some(body);
        self
    }

    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.inner.attempts = attempts;
    }

    /// The coarse kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The service's own error code (Tencent `ErrorCode`, kitkot/Euler/TikHub `code`...).
    pub fn platform_code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }

    /// The service's own error code as a number, when it is one.
    pub fn platform_code_i64(&self) -> Option<i64> {
        self.inner.code.as_deref().and_then(|c| c.parse().ok())
    }

    /// The service's message, or a description of the failure.
    pub fn message(&self) -> Option<&str> {
        self.inner.message.as_deref()
    }

    /// The request id the service gave (header `x-request-id`, Tencent `RequestId`...).
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The request's URL with secret query values as `***`.
    pub fn url(&self) -> Option<&str> {
        self.inner.url.as_deref()
    }

    /// The request's method.
    pub fn method(&self) -> Option<&'static str> {
        self.inner.method
    }

    /// How long the service asked us to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// For [`ErrorKind::Decode`]: the JSON path of the value that failed (`data.user.id`).
    pub fn json_path(&self) -> Option<&str> {
        self.inner.json_path.as_deref()
    }

    /// How many attempts were made, retries included.
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The raw response body, when there was one. It may contain whatever the service sent
    /// back (tokens, session keys): never log it blindly.
    pub fn body(&self) -> Option<&[u8]> {
        self.inner.body.as_deref()
    }

    /// True when the body looked like an HTML page (a WAF or captcha answer where JSON was
    /// expected).
    pub fn is_html(&self) -> bool {
        self.inner.body.as_deref().is_some_and(looks_like_html)
    }
}

/// True when `body` starts, after white space, like an HTML document.
pub(crate) fn looks_like_html(body: &[u8]) -> bool {
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head = &body[start..body.len().min(start + 15)];
    let head = head.to_ascii_lowercase();
    head.starts_with(b"<!doctype") || head.starts_with(b"<html") || head.starts_with(b"<head")
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        if let (Some(method), Some(url)) = (i.method, &i.url) {
            write!(f, "{method} {url}: ")?;
        }
        match i.kind {
            ErrorKind::InvalidRequest => f.write_str("invalid request")?,
            ErrorKind::Connect => f.write_str("could not connect")?,
            ErrorKind::Interrupted => f.write_str("connection closed before the response")?,
            ErrorKind::Timeout => match i.timeout {
                Some(t) => write!(f, "no response within {t:?}")?,
                None => f.write_str("timed out")?,
            },
            ErrorKind::TooLarge => f.write_str("response too large")?,
            ErrorKind::Status => write!(f, "HTTP {}", i.status.unwrap_or_default())?,
            ErrorKind::Platform => f.write_str("service error")?,
            ErrorKind::RateLimited => {
                f.write_str("rate limited")?;
                if let Some(status) = i.status {
                    write!(f, " (HTTP {status})")?;
                }
                if let Some(after) = i.retry_after {
                    write!(f, ", retry after {}s", after.as_secs_f64().ceil())?;
                }
            }
            ErrorKind::Decode => match &i.json_path {
                Some(path) => write!(f, "unexpected response at `{path}`")?,
                None => f.write_str("unexpected response")?,
            },
        }
        if let Some(code) = &i.code {
            write!(f, ", code {code}")?;
        }
        if let Some(message) = &i.message {
            write!(f, ": {message}")?;
        }
        if let Some(id) = &i.request_id {
            write!(f, " (request id {id})")?;
        }
        if i.attempts > 1 {
            write!(f, " after {} attempts", i.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Error")
            .field("kind", &i.kind)
            .field("method", &i.method)
            .field("url", &i.url)
            .field("status", &i.status)
            .field("code", &i.code)
            .field("message", &i.message)
            .field("request_id", &i.request_id)
            .field("retry_after", &i.retry_after)
            .field("json_path", &i.json_path)
            .field("attempts", &i.attempts)
            .field("body_len", &i.body.as_ref().map(Bytes::len))
            .field("source", &i.source)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}
