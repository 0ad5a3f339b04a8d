//! The one error type of the crate, and how a failed HTTP exchange becomes one.

use std::time::Duration;

use live_http::ErrorKind as HttpKind;

/// A kitkot call that failed.
///
/// kitkot answers every call with a `{code, msg}` envelope in which `code` 200 means success;
/// any other code becomes one of these variants, whatever the HTTP status was. The variants
/// that came from a response keep the [`live_http::Error`] as their source, with the HTTP
/// status, the request URL (credentials shown as `***`), the request id and the raw body.
///
/// `code` is kitkot's body code, or the HTTP status when the body carried none.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The room does not exist (`{code: 404, msg: "That room does not exist"}`).
    #[error("kitkot: room {room_id} does not exist (code {code}: {message})")]
    RoomNotFound {
        /// The room asked for.
        room_id: String,
        /// kitkot's code (404).
        code: i64,
        /// kitkot's message.
        message: String,
        /// The HTTP failure.
        #[source]
        source: live_http::Error,
    },
    /// `{code: 400, msg: "Too many attempts, try again later"}`. Not retried automatically:
    /// retrying is what makes it worse.
    #[error("kitkot: too many attempts (code {code}: {message})")]
    TooManyAttempts {
        /// kitkot's code (400).
        code: i64,
        /// kitkot's message.
        message: String,
        /// The HTTP failure.
        #[source]
        source: live_http::Error,
    },
    /// The `api_key` or `session_key` was refused: codes 401 and 403, and the login outcomes
    /// kitkot documents ("Incorrect username/password", "Incorrect email", "Failed to login").
    #[error("kitkot refused the credentials (code {code}: {message})")]
    Unauthorized {
        /// kitkot's code.
        code: i64,
        /// kitkot's message.
        message: String,
        /// The HTTP failure.
        #[source]
        source: live_http::Error,
    },
    /// HTTP 429 or body code 429, still failing after the retries the policy allows (or with a
    /// `Retry-After` longer than the policy waits out by itself).
    #[error("kitkot: rate limited{}", retry_after_text(*.retry_after))]
    RateLimited {
        /// How long kitkot asked to wait, when it said.
        retry_after: Option<Duration>,
        /// The HTTP failure.
        #[source]
        source: live_http::Error,
    },
    /// Any other code than 200 in the envelope.
    #[error("kitkot error (code {code}: {message})")]
    Api {
        /// kitkot's code.
        code: i64,
        /// kitkot's message (empty when there was none).
        message: String,
        /// The HTTP failure.
        #[source]
        source: live_http::Error,
    },
    /// No kitkot answer to read: connection, timeout, an HTTP failure without an envelope, or
    /// a body that is not the JSON expected (the source names the JSON path).
    #[error("kitkot request failed")]
    Http(#[source] live_http::Error),
    /// The call needs a session key and the client has none.
    #[error("kitkot: {endpoint} needs a session key (KitkotClientBuilder::session_key)")]
    MissingSessionKey {
        /// The endpoint, e.g. `live/join`.
        endpoint: &'static str,
    },
    /// An argument refused before anything was sent.
    #[error("kitkot: invalid argument: {0}")]
    InvalidArgument(String),
}

fn retry_after_text(retry_after: Option<Duration>) -> String {
    match retry_after {
        Some(wait) => format!(", retry after {}s", wait.as_secs_f64().ceil()),
        None => String::new(),
    }
}

impl Error {
    /// kitkot's code (or the HTTP status when the body had none), for errors that came from a
    /// response.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::RoomNotFound { code, .. }
            | Error::TooManyAttempts { code, .. }
            | Error::Unauthorized { code, .. }
            | Error::Api { code, .. } => Some(*code),
            Error::RateLimited { .. } => Some(429),
            Error::Http(e) => e.platform_code_i64().or(e.status().map(i64::from)),
            Error::MissingSessionKey { .. } | Error::InvalidArgument(_) => None,
        }
    }

    /// kitkot's message, for errors that carry one.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::RoomNotFound { message, .. }
            | Error::TooManyAttempts { message, .. }
            | Error::Unauthorized { message, .. }
            | Error::Api { message, .. } => Some(message),
            Error::RateLimited { source, .. } => source.message(),
            Error::Http(e) => e.message(),
            Error::MissingSessionKey { .. } | Error::InvalidArgument(_) => None,
        }
    }

    /// The HTTP failure behind this error (status, redacted URL, request id, raw body).
    pub fn http(&self) -> Option<&live_http::Error> {
        match self {
            Error::RoomNotFound { source, .. }
            | Error::TooManyAttempts { source, .. }
            | Error::Unauthorized { source, .. }
            | Error::RateLimited { source, .. }
            | Error::Api { source, .. }
            | Error::Http(source) => Some(source),
            Error::MissingSessionKey { .. } | Error::InvalidArgument(_) => None,
        }
    }

    /// True when the same call may succeed later without any change on the caller's side: a
    /// rate limit, a server-side code (5xx), a timeout or a network failure. The client has
    /// already retried these as its [`live_http::RetryPolicy`] allows.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::RateLimited { .. } => true,
            Error::Api { code, .. } => *code >= 500 || *code == 408,
            Error::Http(e) => {
                matches!(
                    e.kind(),
                    HttpKind::Connect | HttpKind::Interrupted | HttpKind::Timeout
                ) || e.status().is_some_and(|s| s >= 500 || s == 408)
            }
            _ => false,
        }
    }

    /// Turns a failed exchange into the matching variant. `room_id` is the room the call was
    /// about, when it was about one (it makes a 404 a [`Error::RoomNotFound`]).
    pub(crate) fn from_http(error: live_http::Error, room_id: Option<&str>) -> Error {
        match error.kind() {
            HttpKind::RateLimited => {
                return Error::RateLimited {
                    retry_after: error.retry_after(),
                    source: error,
                };
            }
            HttpKind::Status | HttpKind::Platform => {}
            _ => return Error::Http(error),
        }
        let message = error.message().unwrap_or_default().to_owned();
        let Some(code) = error.platform_code_i64() else {
            // An HTTP failure without kitkot's envelope (a proxy's page, an empty body).
            return match error.status() {
                Some(status @ (401 | 403)) => Error::Unauthorized {
                    code: i64::from(status),
                    message,
                    source: error,
                },
                _ => Error::Http(error),
            };
        };
        match kind_of(code, &message) {
            Kind::RoomNotFound => match room_id {
                Some(room_id) => Error::RoomNotFound {
                    room_id: room_id.to_owned(),
                    code,
                    message,
                    source: error,
                },
                None => Error::Api {
                    code,
                    message,
                    source: error,
                },
            },
            Kind::TooManyAttempts => Error::TooManyAttempts {
                code,
                message,
                source: error,
            },
            Kind::Unauthorized => Error::Unauthorized {
                code,
                message,
                source: error,
            },
            Kind::Other => Error::Api {
                code,
                message,
                source: error,
            },
        }
    }
}

impl From<live_http::Error> for Error {
    fn from(error: live_http::Error) -> Self {
        Error::from_http(error, None)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    RoomNotFound,
    TooManyAttempts,
    Unauthorized,
    Other,
}

/// What a body code and message mean. kitkot documents only a handful of bodies, so the
/// message is read as well as the code: 404 is both "That room does not exist" and
/// "Incorrect email".
fn kind_of(code: i64, message: &str) -> Kind {
    let message = message.to_ascii_lowercase();
    match code {
        401 | 403 => Kind::Unauthorized,
        404 if message.contains("room") => Kind::RoomNotFound,
        404 if message.starts_with("incorrect") => Kind::Unauthorized,
        400 if message.starts_with("too many attempts") => Kind::TooManyAttempts,
        400 if message.contains("failed to login") => Kind::Unauthorized,
        _ => Kind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_bodies_have_their_kinds() {
        assert_eq!(kind_of(404, "That room does not exist"), Kind::RoomNotFound);
        assert_eq!(
            kind_of(400, "Too many attempts, try again later"),
            Kind::TooManyAttempts
        );
        assert_eq!(
            kind_of(
                400,
                "Failed to login, make sure you do not have 2step authentication activated."
            ),
            Kind::Unauthorized
        );
        assert_eq!(
            kind_of(404, "Incorrect username/password"),
            Kind::Unauthorized
        );
        assert_eq!(kind_of(404, "Incorrect email"), Kind::Unauthorized);
        assert_eq!(kind_of(401, "Invalid api_key"), Kind::Unauthorized);
        assert_eq!(kind_of(400, "Missing content"), Kind::Other);
        assert_eq!(kind_of(500, "Internal Server Error"), Kind::Other);
    }
}
