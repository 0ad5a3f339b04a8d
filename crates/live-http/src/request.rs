use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::client::{HeaderValue, HttpClient};
use crate::error::ErrorKind;
use crate::url::{Query, QueryValue};
use crate::{
    Classifier, Decision, Error, Headers, Outcome, Response, RetryPolicy, Secret, Verdict,
    retry_after_from,
};

/// An HTTP method.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
    /// HEAD
    Head,
}

impl Method {
    /// The method's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
        }
    }

    fn to_http(self) -> http::Method {
        match self {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Patch => http::Method::PATCH,
            Method::Delete => http::Method::DELETE,
            Method::Head => http::Method::HEAD,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an [`AttemptHook`] may change before each attempt.
pub struct AttemptContext<'a> {
    attempt: u32,
    previous: Option<&'a Error>,
    query: &'a mut Query,
    headers: &'a mut Vec<(String, HeaderValue)>,
}

impl AttemptContext<'_> {
    /// 1 for the first attempt, 2 for the first retry...
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The error that ended the previous attempt.
    pub fn previous_error(&self) -> Option<&Error> {
        self.previous
    }

    /// Sets a query parameter (replacing any value it had).
    pub fn set_query(&mut self, name: &str, value: impl Into<String>) {
        self.query.set(name, QueryValue::Plain(value.into()));
    }

    /// Sets a secret query parameter (shown as `***` in logs and errors).
    pub fn set_secret_query(&mut self, name: &str, value: Secret) {
        self.query.set(name, QueryValue::Secret(value));
    }

    /// Sets a header (replacing any value it had).
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers
            .push((name.to_owned(), HeaderValue::Plain(value.into())));
    }

    /// Sets a secret header.
    pub fn set_secret_header(&mut self, name: &str, value: Secret) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers
            .push((name.to_owned(), HeaderValue::Secret(value)));
    }
}

/// Runs before every attempt of a request: a fresh nonce, a renewed signature...
pub trait AttemptHook: Send {
    /// Adjusts the request before attempt `ctx.attempt()`.
    fn before_attempt(&mut self, ctx: &mut AttemptContext<'_>);
}

impl<F> AttemptHook for F
where
    F: FnMut(&mut AttemptContext<'_>) + Send,
{
    fn before_attempt(&mut self, ctx: &mut AttemptContext<'_>) {
        self(ctx);
    }
}

/// One request being prepared; [`RequestBuilder::send`] runs it with retries.
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder {
    client: HttpClient,
    method: Method,
    path: String,
    query: Query,
    headers: Vec<(String, HeaderValue)>,
    body: Option<(Bytes, &'static str)>,
    timeout: Option<Duration>,
    route: Option<String>,
    retry: Option<RetryPolicy>,
    classifier: Option<Arc<dyn Classifier>>,
    hook: Option<Box<dyn AttemptHook>>,
    max_response_bytes: Option<usize>,
    deferred: Option<Error>,
}

impl fmt::Debug for RequestBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query.encode(false))
            .finish_non_exhaustive()
    }
}

enum Exchange {
    Connect(hyper_util::client::legacy::Error),
    Interrupted(Box<dyn std::error::Error + Send + Sync>),
    TooLarge,
}

impl RequestBuilder {
    pub(crate) fn new(client: HttpClient, method: Method, path: &str) -> Self {
        RequestBuilder {
            client,
            method,
            path: path.to_owned(),
            query: Query::default(),
            headers: Vec::new(),
            body: None,
            timeout: None,
            route: None,
            retry: None,
            classifier: None,
            hook: None,
            max_response_bytes: None,
            deferred: None,
        }
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: &str, value: impl ToString) -> Self {
        self.query.push(name, QueryValue::Plain(value.to_string()));
        self
    }

    /// Adds a query parameter when there is a value.
    pub fn query_opt(self, name: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Adds a secret query parameter (shown as `***` in logs and errors).
    pub fn secret_query(mut self, name: &str, value: Secret) -> Self {
        self.query.push(name, QueryValue::Secret(value));
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers
            .push((name.to_owned(), HeaderValue::Plain(value.into())));
        self
    }

    /// Adds a secret header.
    pub fn secret_header(mut self, name: &str, value: Secret) -> Self {
        self.headers
            .push((name.to_owned(), HeaderValue::Secret(value)));
        self
    }

    /// Sends `value` as a JSON body.
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.body = Some((Bytes::from(bytes), "application/json")),
            Err(e) => {
                self.deferred = Some(
                    Error::invalid_request("the JSON body could not be written").with_source(e),
                );
            }
        }
        self
    }

    /// Sends raw bytes with a content type.
    pub fn body(mut self, body: impl Into<Bytes>, content_type: &'static str) -> Self {
        self.body = Some((body.into(), content_type));
        self
    }

    /// Overrides the client's timeout for this request.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Tags the request with a route name, for per-route pacing and logs.
    pub fn route(mut self, route: &str) -> Self {
        self.route = Some(route.to_owned());
        self
    }

    /// Overrides the client's retry policy for this request.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Overrides the client's classifier for this request.
    pub fn classifier(mut self, classifier: impl Classifier) -> Self {
        self.classifier = Some(Arc::new(classifier));
        self
    }

    /// Runs `hook` before every attempt (first one included).
    pub fn on_attempt(mut self, hook: impl AttemptHook + 'static) -> Self {
        self.hook = Some(Box::new(hook));
        self
    }

    /// Overrides the client's response size cap.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Sends the request and decodes a successful body as JSON.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.send().await?.json()
    }

    /// Sends the request, retrying as the policy says, and returns the first response the
    /// classifier accepts.
    pub async fn send(mut self) -> Result<Response, Error> {
        if let Some(error) = self.deferred.take() {
            return Err(error);
        }
        let span = tracing::debug_span!(
            "http.request",
            method = self.method.as_str(),
            path = %self.path,
            route = self.route.as_deref().unwrap_or(""),
        );
        self.run().instrument(span).await
    }

    async fn run(mut self) -> Result<Response, Error> {
        let inner = Arc::clone(&self.client.inner);
        let policy = self.retry.take().unwrap_or_else(|| inner.retry.clone());
        let classifier = self
            .classifier
            .take()
            .unwrap_or_else(|| Arc::clone(&inner.classifier));
        let timeout = self.timeout.unwrap_or(inner.timeout);
        let cap = self.max_response_bytes.unwrap_or(inner.max_response_bytes);
        let mut retries_done = 0u32;
        let mut previous: Option<Error> = None;
        loop {
            let attempt = retries_done + 1;
            if let Some(hook) = self.hook.as_mut() {
                hook.before_attempt(&mut AttemptContext {
                    attempt,
                    previous: previous.as_ref(),
                    query: &mut self.query,
                    headers: &mut self.headers,
                });
            }
            inner.pace(self.route.as_deref()).await;
            let (uri, shown_url) = self.urls();
            let request = self.build(&uri)?;
            let started = tokio::time::Instant::now();
            let exchanged =
                tokio::time::timeout(timeout, exchange(&inner.pool.hyper, request, cap)).await;
            let method = self.method.as_str();
            let (error, outcome) = match exchanged {
                Err(_) => (
                    Error::new(ErrorKind::Timeout).with_timeout(timeout),
                    Outcome::Timeout,
                ),
                Ok(Err(Exchange::Connect(e))) => (
                    Error::new(ErrorKind::Connect).with_source(e),
                    Outcome::Connect,
                ),
                Ok(Err(Exchange::Interrupted(e))) => (
                    Error::new(ErrorKind::Interrupted).with_source(e),
                    Outcome::Interrupted,
                ),
                Ok(Err(Exchange::TooLarge)) => (
                    Error::new(ErrorKind::TooLarge)
                        .with_message(format!("the body exceeds {cap} bytes")),
                    Outcome::Fatal,
                ),
                Ok(Ok((status, headers, body))) => {
                    let response = Response::new(status, headers, body, method, shown_url.clone());
                    match classifier.classify(&response) {
                        Verdict::Success => {
                            tracing::debug!(
                                status,
                                attempt,
                                elapsed_ms = started.elapsed().as_millis() as u64,
                                url = %shown_url,
                                "response"
                            );
                            return Ok(response);
                        }
                        Verdict::Failure(failure) => {
                            let retry_after = failure
                                .retry_after
                                .or_else(|| retry_after_from(response.headers(), unix_now()));
                            let kind = if failure.rate_limited {
                                ErrorKind::RateLimited
                            } else if response.is_success() {
                                ErrorKind::Platform
                            } else {
                                ErrorKind::Status
                            };
                            let outcome = Outcome::Failure {
                                status,
                                retryable: failure.retryable,
                                retry_after: retry_after.filter(|_| failure.retryable),
                            };
                            let error = Error::new(kind)
                                .with_status(status)
                                .with_failure(failure.code, failure.message, failure.request_id)
                                .with_retry_after(retry_after)
                                .with_body(response.body().clone());
                            (error, outcome)
                        }
                    }
                }
            };
            let mut error = error.with_request(method, shown_url);
            error.set_attempts(attempt);
            match policy.decide(retries_done, &outcome, rand::random::<f64>()) {
                Decision::Retry(delay) => {
                    tracing::warn!(
                        attempt,
                        retry_in_ms = delay.as_millis() as u64,
                        error = %error,
                        "request failed; retrying"
                    );
                    tokio::time::sleep(delay).await;
                    retries_done += 1;
                    previous = Some(error);
                }
                Decision::Stop => {
                    tracing::debug!(attempt, error = %error, "request failed");
                    return Err(error);
                }
            }
        }
    }

    /// The URL to send (secrets in) and the URL to show (secrets as `***`).
    fn urls(&self) -> (String, String) {
        let inner = &self.client.inner;
        let mut query = self.query.clone();
        for auth in &inner.auth {
            if let Some((name, key)) = auth.query() {
                query.push(name, QueryValue::Secret(key.clone()));
            }
        }
        let base = inner.base.join(&self.path);
        if query.0.is_empty() {
            (base.clone(), base)
        } else {
            (
                format!("{base}?{}", query.encode(true)),
                format!("{base}?{}", query.encode(false)),
            )
        }
    }

    fn build(&self, uri: &str) -> Result<hyper::Request<Full<Bytes>>, Error> {
        let inner = &self.client.inner;
        let invalid = |what: &str| Error::invalid_request(what.to_owned());
        let mut builder = hyper::Request::builder()
            .method(self.method.to_http())
            .uri(uri);
        let auth_headers = inner
            .auth
            .iter()
            .filter_map(|a| a.header())
            .map(|(n, v)| (n, HeaderValue::Secret(v)));
        let mut headers: Vec<(String, HeaderValue)> = inner.headers.clone();
        headers.extend(auth_headers);
        // A request's own header replaces a client default of the same name.
        for (name, value) in &self.headers {
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            headers.push((name.clone(), value.clone()));
        }
        for (name, value) in &headers {
            let value = http::HeaderValue::from_str(value.expose())
                .map_err(|_| invalid(&format!("the value of header {name} is not valid")))?;
            builder = builder.header(name.as_str(), value);
        }
        let body = match &self.body {
            Some((bytes, content_type)) => {
                if !headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
                {
                    builder = builder.header("content-type", *content_type);
                }
                bytes.clone()
            }
            None => Bytes::new(),
        };
        builder
            .body(Full::new(body))
            .map_err(|e| invalid("the request could not be built").with_source(e))
    }
}

async fn exchange(
    hyper: &crate::pool::Hyper,
    request: hyper::Request<Full<Bytes>>,
    cap: usize,
) -> Result<(u16, Headers, Bytes), Exchange> {
    let response = hyper.request(request).await.map_err(|e| {
        if e.is_connect() {
            Exchange::Connect(e)
        } else {
            Exchange::Interrupted(Box::new(e))
        }
    })?;
    let (parts, body) = response.into_parts();
    let declared = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > cap) {
        return Err(Exchange::TooLarge);
    }
    let body = Limited::new(body, cap)
        .collect()
        .await
        .map_err(|e| {
            if e.downcast_ref::<LengthLimitError>().is_some() {
                Exchange::TooLarge
            } else {
                Exchange::Interrupted(e)
            }
        })?
        .to_bytes();
    Ok((
        parts.status.as_u16(),
        Headers::from_map(parts.headers),
        body,
    ))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
