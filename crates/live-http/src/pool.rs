//! Connections kept open between requests, which several clients may share.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::Error;

pub(crate) type Hyper = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// How long an unused connection stays open.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Open connections, kept per host between requests, and the connector that opens them.
///
/// Every [`HttpClient`](crate::HttpClient) has one; clients built with the same pool
/// ([`HttpClientBuilder::connection_pool`](crate::HttpClientBuilder::connection_pool)) reuse
/// each other's connections to the same host. That matters when a process makes many clients
/// to the same few hosts, as one TikTok client per room does: with a pool each, every room
/// would keep its own idle connections (and file descriptors) for a minute after connecting.
///
/// A pool's connections run as tasks of the Tokio runtime that opened them, so share a pool
/// only among clients used on one runtime. Cheap to clone.
#[derive(Clone)]
pub struct ConnectionPool {
    pub(crate) hyper: Hyper,
    connect_timeout: Duration,
}

impl fmt::Debug for ConnectionPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionPool")
            .field("connect_timeout", &self.connect_timeout)
            .finish_non_exhaustive()
    }
}

impl ConnectionPool {
    /// A pool that allows 10 s to open a connection (TCP and TLS).
    pub fn new() -> Result<ConnectionPool, Error> {
        ConnectionPool::with_connect_timeout(Duration::from_secs(10))
    }

    /// A pool that allows `timeout` to open a connection (TCP and TLS). Unused connections
    /// close after 60 s.
    pub fn with_connect_timeout(timeout: Duration) -> Result<ConnectionPool, Error> {
        let tls = crate::tls::rustls_config()
            .ok_or_else(|| Error::invalid_request("the TLS configuration could not be built"))?;
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(timeout));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config((*tls).clone())
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let hyper = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(IDLE_TIMEOUT)
            .build(https);
        Ok(ConnectionPool {
            hyper,
            connect_timeout: timeout,
        })
    }

    /// The time allowed to open a connection.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }
}
