//! The one HTTP layer of live-sdk, on hyper 1 and rustls.
//!
//! An [`HttpClient`] is built once per service with its base URL, default headers and
//! authentication, then used for every request:
//!
//! - **auth**: key in the query, key in a header, Bearer or Basic ([`Auth`]);
//! - **timeouts** per client and per request;
//! - **retries** decided by a pure function ([`RetryPolicy::decide`]): connection failures,
//!   5xx, 429 after `Retry-After`/`X-RateLimit-Reset`, and a platform's own retryable body
//!   codes through a [`Classifier`]; capped exponential backoff with jitter;
//! - **pacing**: requests spaced to a rate per client and per route ([`RateLimit`]);
//! - **limits**: responses larger than a cap are refused;
//! - **errors**: one [`Error`] carrying the HTTP status, the platform's code and message, the
//!   request id and, for JSON decoding, the JSON path that failed;
//! - **secrets**: [`Secret`] never prints, and URLs in logs and errors show secret query
//!   values as `***`.
//!
//! The [`ws`] module opens WebSocket connections with the same TLS setup and the same kind of
//! typed errors, for the real-time crates.
//!
//! ```no_run
//! # async fn demo() -> Result<(), live_http::Error> {
//! use live_http::{Auth, HttpClient, Secret};
//! let client = HttpClient::builder("https://tiktok.eulerstream.com")
//!     .auth(Auth::header_key("x-api-key", Secret::new("my key")))
//!     .build()?;
//! let limits: serde_json::Value = client.get("/webcast/rate_limits").send_json().await?;
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]

mod auth;
mod classify;
mod client;
mod error;
mod pacing;
mod pool;
mod request;
mod response;
mod retry;
mod secret;
mod tls;
mod url;
pub mod ws;

pub use auth::Auth;
pub use classify::{Classifier, Failure, StatusClassifier, Verdict};
pub use client::{HttpClient, HttpClientBuilder};
pub use error::{Error, ErrorKind};
pub use pacing::RateLimit;
pub use pool::ConnectionPool;
pub use request::{AttemptContext, AttemptHook, Method, RequestBuilder};
pub use response::{Headers, Response};
pub use retry::{Backoff, Decision, Outcome, RetryPolicy, retry_after_from};
pub use secret::Secret;
pub use url::{BaseUrl, redact_url};

#[doc(hidden)]
pub mod __private {
    //! For sibling crates of the workspace only; not part of the public API.
    pub use crate::tls::rustls_config;
}
