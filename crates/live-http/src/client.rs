use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::classify::{Classifier, StatusClassifier};
use crate::pacing::{Pacer, RateLimit};
use crate::pool::ConnectionPool;
use crate::request::{Method, RequestBuilder};
use crate::{Auth, BaseUrl, Error, RetryPolicy, Secret};

/// Responses larger than this are refused unless the client says otherwise (16 MiB).
const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// A header value, kept out of logs when secret.
#[derive(Clone)]
pub(crate) enum HeaderValue {
    Plain(String),
    Secret(Secret),
}

impl HeaderValue {
    pub(crate) fn expose(&self) -> &str {
        match self {
            HeaderValue::Plain(v) => v,
            HeaderValue::Secret(s) => s.expose(),
        }
    }
}

pub(crate) struct Inner {
    pub(crate) base: BaseUrl,
    pub(crate) pool: ConnectionPool,
    pub(crate) headers: Vec<(String, HeaderValue)>,
    pub(crate) auth: Vec<Auth>,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) classifier: Arc<dyn Classifier>,
    pub(crate) max_response_bytes: usize,
    pacer: Option<Pacer>,
    route_pacers: HashMap<String, Pacer>,
}

impl Inner {
    /// Waits for the client's and the route's pacing.
    pub(crate) async fn pace(&self, route: Option<&str>) {
        if let Some(pacer) = route.and_then(|r| self.route_pacers.get(r)) {
            pacer.until_ready().await;
        }
        if let Some(pacer) = &self.pacer {
            pacer.until_ready().await;
        }
    }
}

/// An HTTP client for one service. Cheap to clone: clones share connections and pacing.
#[derive(Clone)]
pub struct HttpClient {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("base", &self.inner.base)
            .field("auth", &self.inner.auth)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl HttpClient {
    /// Starts building a client for the service at `base_url` (`https://host[/prefix]`, or
    /// `http://127.0.0.1:PORT` for a loopback emulator).
    pub fn builder(base_url: &str) -> HttpClientBuilder {
        HttpClientBuilder {
            base: base_url.to_owned(),
            headers: Vec::new(),
            auth: Vec::new(),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            classifier: Arc::new(StatusClassifier),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            rate_limit: None,
            route_limits: Vec::new(),
            user_agent: concat!("live-sdk/", env!("CARGO_PKG_VERSION")).to_owned(),
            pool: None,
        }
    }

    /// This client's connections, to share with clients built later
    /// ([`HttpClientBuilder::connection_pool`]).
    pub fn connection_pool(&self) -> ConnectionPool {
        self.inner.pool.clone()
    }

    /// The service's base URL.
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base
    }

    /// A request with any method.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        RequestBuilder::new(self.clone(), method, path)
    }

    /// A GET request.
    pub fn get(&self, path: &str) -> RequestBuilder {
        self.request(Method::Get, path)
    }

    /// A POST request.
    pub fn post(&self, path: &str) -> RequestBuilder {
        self.request(Method::Post, path)
    }
}

/// Configures an [`HttpClient`].
pub struct HttpClientBuilder {
    base: String,
    headers: Vec<(String, HeaderValue)>,
    auth: Vec<Auth>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    classifier: Arc<dyn Classifier>,
    max_response_bytes: usize,
    rate_limit: Option<RateLimit>,
    route_limits: Vec<(String, RateLimit)>,
    user_agent: String,
    pool: Option<ConnectionPool>,
}

impl fmt::Debug for HttpClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClientBuilder")
            .field("base", &self.base)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

impl HttpClientBuilder {
    /// A header sent with every request.
    #[must_use]
    pub fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers
            .push((name.to_owned(), HeaderValue::Plain(value.into())));
        self
    }

    /// A secret header sent with every request (never logged).
    #[must_use]
    pub fn secret_header(mut self, name: &str, value: impl Into<Secret>) -> Self {
        self.headers
            .push((name.to_owned(), HeaderValue::Secret(value.into())));
        self
    }

    /// Adds an authentication scheme (several may be combined).
    #[must_use]
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth.push(auth);
        self
    }

    /// The time allowed for a whole request, response body included (default 30 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time allowed to open a connection (default 10 s); a shared
    /// [`connection_pool`](Self::connection_pool) brings its own instead.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Keeps connections in `pool`, shared with every other client built with it, instead of
    /// a pool of this client's own.
    #[must_use]
    pub fn connection_pool(mut self, pool: ConnectionPool) -> Self {
        self.pool = Some(pool);
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How responses are judged (default: [`StatusClassifier`]).
    #[must_use]
    pub fn classifier(mut self, classifier: impl Classifier) -> Self {
        self.classifier = Arc::new(classifier);
        self
    }

    /// The largest response body accepted (default 16 MiB).
    #[must_use]
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Paces every request of this client.
    #[must_use]
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// Paces requests tagged with `route` (see [`RequestBuilder::route`]), in addition to the
    /// client's own pace.
    #[must_use]
    pub fn route_rate_limit(mut self, route: &str, limit: RateLimit) -> Self {
        self.route_limits.push((route.to_owned(), limit));
        self
    }

    /// The `User-Agent` (default `live-sdk/<version>`).
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<HttpClient, Error> {
        let base = BaseUrl::parse(&self.base)?;
        let pool = match self.pool {
            Some(pool) => pool,
            None => ConnectionPool::with_connect_timeout(self.connect_timeout)?,
        };
        let mut headers = self.headers;
        headers.push(("user-agent".to_owned(), HeaderValue::Plain(self.user_agent)));
        let pacer = self.rate_limit.and_then(Pacer::new);
        let route_pacers = self
            .route_limits
            .into_iter()
            .filter_map(|(route, limit)| Pacer::new(limit).map(|p| (route, p)))
            .collect();
        Ok(HttpClient {
            inner: Arc::new(Inner {
                base,
                pool,
                headers,
                auth: self.auth,
                timeout: self.timeout,
                retry: self.retry,
                classifier: self.classifier,
                max_response_bytes: self.max_response_bytes,
                pacer,
                route_pacers,
            }),
        })
    }
}
