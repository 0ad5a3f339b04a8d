//! Deciding whether a response is a success, and whether a failure is worth retrying.

use std::time::Duration;

use serde_json::Value;

use crate::Response;

/// What a failed response says, as a [`Classifier`] reads it.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Failure {
    /// The service's error code.
    pub code: Option<String>,
    /// The service's message.
    pub message: Option<String>,
    /// The service's request id.
    pub request_id: Option<String>,
    /// Trying again later may succeed.
    pub retryable: bool,
    /// The service asked us to slow down.
    pub rate_limited: bool,
    /// How long the body says to wait before trying again (a platform code meaning "retry in
    /// one second"); it takes precedence over the `Retry-After` headers.
    pub retry_after: Option<Duration>,
}

impl Failure {
    /// A failure with nothing known about it, not retryable.
    pub fn new() -> Self {
        Failure::default()
    }

    /// Sets the service's code.
    #[must_use]
    pub fn code(mut self, code: impl ToString) -> Self {
        self.code = Some(code.to_string());
        self
    }

    /// Sets the service's message.
    #[must_use]
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets the request id.
    #[must_use]
    pub fn request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// Marks it retryable (or not).
    #[must_use]
    pub fn retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// Marks it a rate limit (also retryable).
    #[must_use]
    pub fn rate_limited(mut self) -> Self {
        self.rate_limited = true;
        self.retryable = true;
        self
    }

    /// Marks it retryable after `wait`, as the body says (for codes that name their own wait).
    #[must_use]
    pub fn retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = Some(wait);
        self.retryable = true;
        self
    }
}

/// The verdict on one response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Hand the response to the caller.
    Success,
    /// Turn it into an error (and perhaps retry).
    Failure(Failure),
}

/// Reads a response and decides success or failure; platforms implement it to recognise
/// their own error envelopes (Tencent `ErrorCode`, kitkot `code`...) and retryable codes.
pub trait Classifier: Send + Sync + 'static {
    /// The verdict on `response`.
    fn classify(&self, response: &Response) -> Verdict;
}

impl<F> Classifier for F
where
    F: Fn(&Response) -> Verdict + Send + Sync + 'static,
{
    fn classify(&self, response: &Response) -> Verdict {
        self(response)
    }
}

/// The default: 2xx is success; 429 is a rate limit; 408 and 5xx are retryable; other
/// statuses are final. Code, message and request id are read from common JSON fields and the
/// `x-request-id` header.
#[derive(Debug, Clone, Copy, Default)]
pub struct StatusClassifier;

impl StatusClassifier {
    /// What the status and a JSON body say about a failed response.
    pub fn failure_of(response: &Response) -> Failure {
        let status = response.status();
        let body: Option<Value> = serde_json::from_slice(response.body()).ok();
        let field = |names: &[&str]| -> Option<String> {
            let object = body.as_ref()?.as_object()?;
            names.iter().find_map(|n| match object.get(*n)? {
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        };
        let mut failure = Failure {
            code: field(&["code", "ErrorCode", "error_code", "status_code"])
                .filter(|c| *c != status.to_string()),
            message: field(&["message", "error", "detail", "msg", "ErrorInfo"]),
            request_id: response
                .header("x-request-id")
                .map(str::to_owned)
                .or_else(|| field(&["RequestId", "request_id"])),
            retryable: status == 408 || status >= 500,
            rate_limited: false,
            retry_after: None,
        };
        if status == 429 {
            failure = failure.rate_limited();
        }
        failure
    }
}

impl Classifier for StatusClassifier {
    fn classify(&self, response: &Response) -> Verdict {
        if response.is_success() {
            Verdict::Success
        } else {
            Verdict::Failure(StatusClassifier::failure_of(response))
        }
    }
}
