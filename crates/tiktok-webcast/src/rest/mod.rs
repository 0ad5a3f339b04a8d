//! Shared pieces of the REST clients.

use live_http::{Failure, Response, StatusClassifier, Verdict};
use serde_json::Value;

/// Judges a response of a JSON API whose body carries `code` (Euler mirrors the HTTP status in
/// it, TikHub uses 0 or 200 for success): non-2xx fails by status; a 2xx whose `code` is
/// neither 0 nor 200 fails too, with the code's own retry rules.
pub(crate) fn envelope_classifier(response: &Response) -> Verdict {
    if !response.is_success() {
        return Verdict::Failure(StatusClassifier::failure_of(response));
    }
    let Ok(body) = serde_json::from_slice::<Value>(response.body()) else {
        return Verdict::Success;
    };
    let code = match body.get("code") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    match code {
        None | Some(0) | Some(200) => Verdict::Success,
        Some(code) => {
            let message = ["message", "msg", "error", "detail"]
                .iter()
                .find_map(|k| body.get(*k)?.as_str().map(str::to_owned));
            let mut failure = Failure::new().code(code);
            if let Some(message) = message {
                failure = failure.message(message);
            }
            if let Some(id) = response.header("x-request-id") {
                failure = failure.request_id(id);
            }
            if code == 429 {
                failure = failure.rate_limited();
            } else if code >= 500 {
                failure = failure.retryable(true);
            }
            Verdict::Failure(failure)
        }
    }
}
