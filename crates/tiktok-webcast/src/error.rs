//! The crate's one error type.

use std::time::Duration;

use crate::codec::CodecError;

/// Which service an error came from.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// tiktok.com (room lookup, ttwid).
    TikTok,
    /// Euler Stream.
    Euler,
    /// TikHub.
    Tikhub,
}

impl std::fmt::Display for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Service::TikTok => "TikTok",
            Service::Euler => "Euler Stream",
            Service::Tikhub => "TikHub",
        })
    }
}

/// Everything that can go wrong in this crate. `Display` gives this layer's view; the cause
/// (an HTTP or WebSocket error) is the `source`.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The unique id is empty or malformed.
    #[error("invalid TikTok unique id {0:?}")]
    InvalidUniqueId(String),
    /// No such user, or the user never went live.
    #[error("TikTok user @{unique_id} was not found")]
    UserNotFound {
        /// The unique id asked for.
        unique_id: String,
    },
    /// The user is not live now.
    #[error("TikTok user @{unique_id} is not live")]
    UserOffline {
        /// The unique id asked for.
        unique_id: String,
    },
    /// The room is for adults only and needs a logged-in session.
    #[error("room {room_id} is age-restricted")]
    AgeRestricted {
        /// The room id.
        room_id: String,
        /// TikTok's message, when it gave one.
        message: Option<String>,
    },
    /// TikTok answered with a captcha or firewall page instead of data.
    #[error("TikTok blocked the request to {url} ({reason})")]
    Blocked {
        /// The URL (secrets redacted).
        url: String,
        /// What was seen.
        reason: String,
    },
    /// The API key was refused (HTTP 401).
    #[error("{service} refused the API key")]
    Unauthorized {
        /// The service.
        service: Service,
        /// The HTTP error.
        #[source]
        source: live_http::Error,
    },
    /// The plan does not include this call (Euler 402/403).
    #[error("{service}: this call needs a paid plan")]
    PlanRequired {
        /// The service.
        service: Service,
        /// The HTTP error.
        #[source]
        source: live_http::Error,
    },
    /// Rate limited, after the retries the HTTP client made.
    #[error("{service} rate limit{}", label.as_deref().map(|l| format!(" ({l})")).unwrap_or_default())]
    RateLimited {
        /// The service.
        service: Service,
        /// How long it asked to wait.
        retry_after: Option<Duration>,
        /// Euler's `limit_label` (`rate_limit_account_minute`...).
        label: Option<String>,
        /// The HTTP error.
        #[source]
        source: live_http::Error,
    },
    /// TikHub's 428: the account key session expired.
    #[error("{service}: the account key session expired")]
    SessionExpired {
        /// The service.
        service: Service,
        /// The HTTP error.
        #[source]
        source: live_http::Error,
    },
    /// The request was refused as malformed (HTTP 400).
    #[error("{service} refused the request as invalid")]
    BadRequest {
        /// The service.
        service: Service,
        /// The HTTP error.
        #[source]
        source: live_http::Error,
    },
    /// Any other HTTP failure (connection, timeout, 5xx, unexpected body).
    #[error("{service} request failed")]
    Http {
        /// The service.
        service: Service,
        /// The HTTP error.
        #[source]
        source: live_http::Error,
    },
    /// The bootstrap (sign server or direct flow) gave nothing usable: no cookies, no cursor,
    /// no push server, an empty body.
    #[error("bootstrap failed: {0}")]
    Bootstrap(String),
    /// The WebSocket upgrade was refused (TikTok answers HTTP 200 with `Handshake-Status` and
    /// `Handshake-Msg`, e.g. 415 `DEVICE_BLOCKED`). Not retried: the signed URL is spent.
    #[error("the WebSocket handshake was rejected (HTTP {status}{}{})",
        handshake_status.as_deref().map(|s| format!(", status {s}")).unwrap_or_default(),
        message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    HandshakeRejected {
        /// The HTTP status of the refusal.
        status: u16,
        /// `Handshake-Status`.
        handshake_status: Option<String>,
        /// `Handshake-Msg`.
        message: Option<String>,
    },
    /// The WebSocket failed.
    #[error("the WebSocket failed")]
    WebSocket(#[source] Box<live_http::ws::WsError>),
    /// A frame or payload could not be decoded.
    #[error("decoding failed")]
    Codec(#[source] CodecError),
    /// The client was closed.
    #[error("the client is closed")]
    Closed,
}

impl Error {
    /// Maps an HTTP error of `service` to the typed variants by status.
    pub(crate) fn http(service: Service, source: live_http::Error) -> Error {
        use live_http::ErrorKind;
        if source.kind() == ErrorKind::RateLimited || source.status() == Some(429) {
            let label = source
                .body()
                .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok())
                .and_then(|v| v.get("limit_label")?.as_str().map(str::to_owned));
            return Error::RateLimited {
                service,
                retry_after: source.retry_after(),
                label,
                source,
            };
        }
        match source.status() {
            Some(401) => Error::Unauthorized { service, source },
            Some(402 | 403) if service == Service::Euler => Error::PlanRequired { service, source },
            Some(428) => Error::SessionExpired { service, source },
            Some(400) => Error::BadRequest { service, source },
            _ => Error::Http { service, source },
        }
    }

    /// True when trying again later may help (network, 5xx, rate limits).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::WebSocket(_) => true,
            Error::Http { source, .. } => {
                !matches!(
                    source.kind(),
                    live_http::ErrorKind::InvalidRequest | live_http::ErrorKind::Decode
                ) && source.status().is_none_or(|s| s >= 500)
            }
            _ => false,
        }
    }
}
