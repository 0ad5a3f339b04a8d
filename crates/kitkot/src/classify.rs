//! Reading kitkot's `{code, msg}` envelope: success, failure, and which failures to retry.
//!
//! kitkot puts an HTTP-like status in the body (`code` 200 = success) and its documentation
//! shows both mirrored HTTP statuses (a 400 body on HTTP 400) and plain bodies, so both are
//! checked: a response succeeds only when the HTTP status is 2xx **and** the body code, when
//! there is one, is 200.
//!
//! Retries (rate limits are not documented, rest-apis.md §D): HTTP 429 or body code 429 is a
//! rate limit, retried after `Retry-After` when the server sends one; 408 and 5xx (HTTP status,
//! or body code when the body has one) are retried with backoff; everything else is final,
//! "Too many attempts" included, since retrying is what triggers it. For calls that are not
//! idempotent (sending a chat message), only rate limits are retried: a 5xx may come after the
//! message was posted.

use live_http::{Classifier, Failure, Response, Secret, Verdict};
use serde::Deserialize;
use serde_json::Value;

/// The envelope fields; everything else in the body is ignored here. Values are read loosely
/// (a code as a number or a string, a message of any type) so that an odd envelope is still
/// recognised as one.
#[derive(Debug, Default, Deserialize)]
struct Envelope {
    #[serde(default)]
    code: Option<Value>,
    #[serde(default)]
    msg: Option<Value>,
    #[serde(default)]
    message: Option<Value>,
}

/// What a body's envelope says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EnvelopeInfo {
    /// A `code` field is there (not null), readable or not.
    pub(crate) has_code: bool,
    /// The code, when it reads as an integer.
    pub(crate) code: Option<i64>,
    /// `msg` (or `message`), as text.
    pub(crate) message: Option<String>,
}

impl EnvelopeInfo {
    /// True when the body says success: code 200, or no code at all.
    pub(crate) fn is_ok(&self) -> bool {
        !self.has_code || self.code == Some(200)
    }
}

/// Reads the envelope of a body; a body that is not a JSON object has none.
pub(crate) fn read_envelope(body: &[u8]) -> EnvelopeInfo {
    let Ok(envelope) = serde_json::from_slice::<Envelope>(body) else {
        return EnvelopeInfo::default();
    };
    let code_value = envelope.code.filter(|v| !v.is_null());
    let code = code_value.as_ref().and_then(|v| match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    });
    let message = envelope
        .msg
        .filter(|v| !v.is_null())
        .or(envelope.message.filter(|v| !v.is_null()))
        .map(|v| match v {
            Value::String(s) => s,
            other => other.to_string(),
        });
    EnvelopeInfo {
        has_code: code_value.is_some(),
        code,
        message,
    }
}

/// Credentials shorter than this are not blanked out of messages.
const MIN_SCRUBBED_CHARS: usize = 6;

/// The [`Classifier`] of every kitkot request.
///
/// It also blanks the client's credentials out of kitkot's message, should the service ever
/// echo them, because that message ends up in error text.
#[derive(Debug, Clone)]
pub struct KitkotClassifier {
    secrets: Vec<Secret>,
    idempotent: bool,
}

impl KitkotClassifier {
    /// A classifier for idempotent calls, blanking `secrets` (of 6 characters or more) out of
    /// messages.
    pub fn new(secrets: impl IntoIterator<Item = Secret>) -> Self {
        KitkotClassifier {
            // A credential that short would blank ordinary words out of messages; real keys
            // are far longer.
            secrets: secrets
                .into_iter()
                .filter(|s| s.expose().chars().count() >= MIN_SCRUBBED_CHARS)
                .collect(),
            idempotent: true,
        }
    }

    /// Marks the call as not idempotent: only rate limits are retried.
    #[must_use]
    pub fn not_idempotent(mut self) -> Self {
        self.idempotent = false;
        self
    }

    fn scrub(&self, message: String) -> String {
        self.secrets
            .iter()
            .fold(message, |m, s| m.replace(s.expose(), "***"))
    }
}

impl Classifier for KitkotClassifier {
    fn classify(&self, response: &Response) -> Verdict {
        let status = response.status();
        let envelope = read_envelope(response.body());
        if response.is_success() && envelope.is_ok() {
            return Verdict::Success;
        }
        let EnvelopeInfo { code, message, .. } = envelope;
        // A failing body code says more than the status (a 200 carrying 404); a body saying
        // 200 on a failed status does not make the status less true.
        let effective = code.filter(|c| *c != 200).unwrap_or(i64::from(status));
        let mut failure = Failure::new();
        if let Some(code) = code {
            failure = failure.code(code);
        }
        if let Some(message) = message {
            failure = failure.message(self.scrub(message));
        }
        if let Some(id) = response.header("x-request-id") {
            failure = failure.request_id(id);
        }
        if status == 429 || code == Some(429) {
            return Verdict::Failure(failure.rate_limited());
        }
        let server_side = effective == 408 || (500..600).contains(&effective);
        Verdict::Failure(failure.retryable(self.idempotent && server_side))
    }
}

#[cfg(test)]
mod tests {
    use live_http::Headers;

    use super::*;

    fn verdict(status: u16, body: &str) -> Verdict {
        KitkotClassifier::new([Secret::new("sekrit-key")]).classify(&Response::from_parts(
            status,
            Headers::default(),
            body.to_owned(),
        ))
    }

    fn failure(status: u16, body: &str) -> Failure {
        match verdict(status, body) {
            Verdict::Failure(f) => f,
            Verdict::Success => panic!("{status} {body} was a success"),
        }
    }

    #[test]
    fn success_needs_both_status_and_code() {
        assert_eq!(
            verdict(200, r#"{"code":200,"msg":"success"}"#),
            Verdict::Success
        );
        assert_eq!(verdict(200, r#"{"code":"200"}"#), Verdict::Success);
        // No envelope: the decoder decides.
        assert_eq!(verdict(200, "<html>"), Verdict::Success);
        let f = failure(200, r#"{"code":404,"msg":"That room does not exist"}"#);
        assert_eq!(f.code.as_deref(), Some("404"));
        assert!(!f.retryable);
        let f = failure(503, r#"{"code":200,"msg":"success"}"#);
        assert!(f.retryable);
        // An envelope with odd types is still an envelope.
        let f = failure(200, r#"{"code":500,"msg":{"detail":"x"}}"#);
        assert_eq!(f.message.as_deref(), Some(r#"{"detail":"x"}"#));
        assert!(matches!(
            verdict(200, r#"{"code":true}"#),
            Verdict::Failure(_)
        ));
    }

    #[test]
    fn retries_server_side_codes_and_rate_limits_only() {
        assert!(failure(200, r#"{"code":500,"msg":"boom"}"#).retryable);
        assert!(failure(502, "Bad Gateway").retryable);
        assert!(!failure(400, r#"{"code":400,"msg":"Too many attempts"}"#).retryable);
        assert!(!failure(500, r#"{"code":404,"msg":"That room does not exist"}"#).retryable);
        let f = failure(200, r#"{"code":429,"msg":"slow down"}"#);
        assert!(f.rate_limited && f.retryable);
        let send = KitkotClassifier::new([]).not_idempotent();
        let Verdict::Failure(f) = send.classify(&Response::from_parts(503, Headers::default(), ""))
        else {
            panic!("503 was a success")
        };
        assert!(!f.retryable);
    }

    #[test]
    fn echoed_credentials_are_blanked() {
        let f = failure(401, r#"{"code":401,"msg":"Invalid api_key sekrit-key"}"#);
        assert_eq!(f.message.as_deref(), Some("Invalid api_key ***"));
    }
}
