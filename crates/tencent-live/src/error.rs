//! The crate's one error type.
//!
//! UserSig failures have one variant per check of the official verifier, so a caller (or a
//! server verifying sigs) can tell "expired" from "made with another key". Service failures
//! carry what Tencent says about them: `ErrorCode`, `ErrorInfo`, `RequestId`, plus the command
//! and the HTTP status. No variant ever holds a key or a UserSig.

use std::fmt;

/// Everything that can go wrong in this crate.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The client or signer was configured wrongly (bad base URL, timeout of 3 s or less,
    /// empty key...).
    #[error("invalid configuration: {0}")]
    Config(String),

    /// A request could not be made as asked (empty room id...); nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(String),

    /// An identifier a UserSig cannot be made for (empty, longer than 32 bytes, or holding
    /// control characters, which would break the signed text's line format).
    #[error("invalid identifier: {0}")]
    InvalidIdentifier(&'static str),

    /// The UserSig is not base64 once the URL-safe substitutions (`*`, `-`, `_`) are undone.
    #[error("the UserSig is not valid base64")]
    UserSigBase64,

    /// The UserSig's bytes are not a zlib (RFC 1950) stream.
    #[error("the UserSig is not a valid zlib stream")]
    UserSigZlib,

    /// The UserSig (or what it inflates to) is larger than any real one: refused unread.
    #[error("the UserSig is larger than {limit} bytes")]
    UserSigTooLarge {
        /// The cap that was exceeded.
        limit: usize,
    },

    /// The inflated UserSig is not the expected JSON document.
    #[error("the UserSig document is malformed: {0}")]
    UserSigJson(String),

    /// The UserSig was made for another SDKAppID.
    #[error("the UserSig was made for SDKAppID {found}, not {expected}")]
    SdkAppIdMismatch {
        /// The SDKAppID the verifier expected.
        expected: u64,
        /// The SDKAppID inside the UserSig.
        found: u64,
    },

    /// The UserSig was made for another identifier.
    #[error("the UserSig was made for identifier {found:?}, not {expected:?}")]
    IdentifierMismatch {
        /// The identifier the verifier expected.
        expected: String,
        /// The identifier inside the UserSig.
        found: String,
    },

    /// The UserSig's validity (`TLS.time + TLS.expire`) has passed.
    #[error("the UserSig expired at {expired_at} (Unix time), it is now {now}")]
    UserSigExpired {
        /// `TLS.time + TLS.expire`.
        expired_at: u64,
        /// The verifier's current time.
        now: u64,
    },

    /// A userbuf was expected and the UserSig has none, or the other way round.
    #[error("{}", if *.expected { "the UserSig has no userbuf but one was expected" } else { "the UserSig has a userbuf but none was expected" })]
    UserbufPresenceMismatch {
        /// Whether the verifier expected a userbuf.
        expected: bool,
    },

    /// The UserSig's userbuf differs from the expected bytes.
    #[error("the UserSig's userbuf does not match")]
    UserbufMismatch,

    /// The HMAC does not match: the UserSig was made with another key, or was altered.
    #[error("the UserSig's signature does not match (another key, or altered fields)")]
    SignatureMismatch,

    /// The service answered with a non-zero `ErrorCode`.
    #[error("{0}")]
    Service(ServiceError),

    /// The request failed below the service's envelope: no connection, timeout, HTTP 5xx
    /// without an envelope, or a reply that is not the JSON expected.
    #[error("{command}: the request failed")]
    Http {
        /// The command (`get_room_list`...).
        command: String,
        /// What live-http reports (status, redacted URL, attempts, JSON path).
        #[source]
        source: live_http::Error,
    },

    /// The service's reply broke the protocol (a page cursor that does not advance...).
    #[error("{command}: {reason}")]
    Protocol {
        /// The command.
        command: String,
        /// What was wrong.
        reason: String,
    },
}

impl Error {
    /// The service's `ErrorCode`, for [`Error::Service`].
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Service(e) => Some(e.code),
            _ => None,
        }
    }

    /// The service's `RequestId`, when a reply arrived.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(e) => Some(&e.request_id),
            Error::Http { source, .. } => source.request_id(),
            _ => None,
        }
    }

    /// The command that failed, for request errors.
    pub fn command(&self) -> Option<&str> {
        match self {
            Error::Service(e) => Some(&e.command),
            Error::Http { command, .. } | Error::Protocol { command, .. } => Some(command),
            _ => None,
        }
    }

    /// The HTTP status of the reply, when one arrived.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Error::Service(e) => Some(e.http_status),
            Error::Http { source, .. } => source.status(),
            _ => None,
        }
    }

    /// True for the UserSig variants (decoding and verification failures).
    pub fn is_usersig(&self) -> bool {
        matches!(
            self,
            Error::InvalidIdentifier(_)
                | Error::UserSigBase64
                | Error::UserSigZlib
                | Error::UserSigTooLarge { .. }
                | Error::UserSigJson(_)
                | Error::SdkAppIdMismatch { .. }
                | Error::IdentifierMismatch { .. }
                | Error::UserSigExpired { .. }
                | Error::UserbufPresenceMismatch { .. }
                | Error::UserbufMismatch
                | Error::SignatureMismatch
        )
    }

    /// Turns what live-http reports about `command` into this crate's error: a reply with an
    /// `ErrorCode` becomes [`Error::Service`], anything else [`Error::Http`].
    pub(crate) fn from_http(command: &str, source: live_http::Error) -> Error {
        match source.platform_code_i64() {
            Some(code) => Error::Service(ServiceError {
                command: command.to_owned(),
                code,
                info: source.message().unwrap_or_default().to_owned(),
                request_id: source.request_id().unwrap_or_default().to_owned(),
                http_status: source.status().unwrap_or(200),
                attempts: source.attempts(),
            }),
            None => Error::Http {
                command: command.to_owned(),
                source,
            },
        }
    }
}

/// A reply whose `ErrorCode` is not 0, with everything Tencent says about it.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    /// The command (`get_room_list`, `create_room`...).
    pub command: String,
    /// `ErrorCode` (60000-79999 are common codes, 100000+ the live-room service's own).
    pub code: i64,
    /// `ErrorInfo`.
    pub info: String,
    /// `RequestId`, which Tencent support asks for.
    pub request_id: String,
    /// The HTTP status (200 for every business error).
    pub http_status: u16,
    /// How many attempts were made, retries included.
    pub attempts: u32,
}

impl ServiceError {
    /// A service error, for tests of code that handles them.
    pub fn new(command: impl Into<String>, code: i64, info: impl Into<String>) -> Self {
        ServiceError {
            command: command.into(),
            code,
            info: info.into(),
            request_id: String::new(),
            http_status: 200,
            attempts: 1,
        }
    }

    /// Sets the request id.
    #[must_use]
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = request_id.into();
        self
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ErrorCode {}", self.command, self.code)?;
        if !self.info.is_empty() {
            write!(f, ": {}", self.info)?;
        }
        if !self.request_id.is_empty() {
            write!(f, " (RequestId {})", self.request_id)?;
        }
        if self.http_status != 200 {
            write!(f, " (HTTP {})", self.http_status)?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}
