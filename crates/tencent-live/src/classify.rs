//! The retry table of rest-apis.md §A.5, as a live-http [`Classifier`] of Tencent's envelope
//! (`ActionStatus`, `ErrorCode`, `ErrorInfo`, `RequestId`).

use std::time::Duration;

use live_http::{Classifier, Failure, Response, StatusClassifier, Verdict};
use live_model::lenient::StringOrNumber;
use serde::Deserialize;

/// Internal errors and timeouts: trying again may work.
const RETRYABLE: &[i64] = &[
    100_001, // live-room service internal error
    60_008,  // service timeout
    60_013,  // the service could not parse its own JSON reply ("retry once")
    60_014,  // account replacement timed out
    70_114,  // internal timeout
    70_169,  // internal timeout (the timeout reading of an overloaded code)
    70_202,  // internal timeout
    70_500,  // internal server error
];

/// Rate limits: back off (exponentially, with jitter) and try again.
const RATE_LIMITED: &[i64] = &[
    60_007, // REST call rate of this API exceeded
    60_011, // SDKAppID-wide rate exceeded
    60_018, // too frequent
    60_019, // too frequent
];

/// How [`TencentClassifier`] treats the codes a command gives its own meaning.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CommandCodes {
    /// Codes that mean success for this command (create_room: 100010, "exists, same owner").
    pub(crate) success: &'static [i64],
    /// Codes that mean "try again after this wait" (create_room: 100012, once per second).
    pub(crate) wait: &'static [(i64, Duration)],
}

/// Judges Tencent replies: `ErrorCode` 0 is success, the rest failures, retryable per the
/// table above. Never retried whatever the policy: 100002 (bad parameter), 100003 (room id
/// taken), 100004 (no such room), 100011 (id used by a Chat group), 100026 (sensitive words),
/// and every code not listed.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TencentClassifier {
    codes: CommandCodes,
}

impl TencentClassifier {
    pub(crate) fn new(codes: CommandCodes) -> Self {
        TencentClassifier { codes }
    }
}

/// Just the envelope of a reply.
#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "ActionStatus", default)]
    action_status: Option<String>,
    #[serde(rename = "ErrorCode", default)]
    error_code: Option<StringOrNumber>,
    #[serde(rename = "ErrorInfo", default)]
    error_info: Option<String>,
    #[serde(rename = "RequestId", default)]
    request_id: Option<String>,
}

impl Envelope {
    fn code(&self) -> Option<i64> {
        self.error_code.as_ref().and_then(StringOrNumber::as_i64)
    }

    fn failure(&self, code: i64, codes: &CommandCodes) -> Failure {
        let mut failure = Failure::new().code(code);
        if let Some(info) = self.error_info.as_deref().filter(|i| !i.is_empty()) {
            failure = failure.message(info);
        }
        if let Some(id) = self.request_id.as_deref().filter(|i| !i.is_empty()) {
            failure = failure.request_id(id);
        }
        if let Some((_, wait)) = codes.wait.iter().find(|(c, _)| *c == code) {
            failure = failure.retry_after(*wait);
        } else if RATE_LIMITED.contains(&code) {
            failure = failure.rate_limited();
        } else {
            failure = failure.retryable(RETRYABLE.contains(&code));
        }
        failure
    }
}

impl Classifier for TencentClassifier {
    fn classify(&self, response: &Response) -> Verdict {
        let envelope: Option<Envelope> = serde_json::from_slice(response.body()).ok();
        if !response.is_success() {
            // A gateway failure (502...): retry 5xx as any HTTP client would; an envelope in
            // it still names the code.
            let mut failure = StatusClassifier::failure_of(response);
            if let Some(envelope) = &envelope
                && let Some(code) = envelope.code().filter(|c| *c != 0)
            {
                let from_body = envelope.failure(code, &self.codes);
                failure.code = from_body.code;
                failure.message = from_body.message.or(failure.message);
                failure.request_id = from_body.request_id.or(failure.request_id);
            }
            return Verdict::Failure(failure);
        }
        let Some(envelope) = envelope else {
            return Verdict::Failure(
                Failure::new().message("the reply is not a Tencent JSON envelope"),
            );
        };
        match envelope.code() {
            Some(0) => Verdict::Success,
            Some(code) if self.codes.success.contains(&code) => Verdict::Success,
            Some(code) => Verdict::Failure(envelope.failure(code, &self.codes)),
            // No code at all: only an explicit "OK" counts as success.
            None if envelope.action_status.as_deref() == Some("OK") => Verdict::Success,
            None => Verdict::Failure(
                Failure::new().message("the reply has neither an ErrorCode nor ActionStatus OK"),
            ),
        }
    }
}

/// True when `code` is one the client retries by itself (for documentation and tests).
pub fn is_retryable_code(code: i64) -> bool {
    RETRYABLE.contains(&code) || RATE_LIMITED.contains(&code)
}

/// True when `code` asks the caller to slow down.
pub fn is_rate_limit_code(code: i64) -> bool {
    RATE_LIMITED.contains(&code)
}

/// True when `code` means the UserSig must be made again (expired, or invalidated).
pub fn is_usersig_refresh_code(code: i64) -> bool {
    matches!(code, 70_001 | 70_052)
}

#[cfg(test)]
mod tests {
    use live_http::Headers;

    use super::*;

    fn judge(classifier: &TencentClassifier, status: u16, body: &str) -> Verdict {
        classifier.classify(&Response::from_parts(
            status,
            Headers::default(),
            body.to_owned(),
        ))
    }

    fn failure(verdict: Verdict) -> Failure {
        match verdict {
            Verdict::Failure(f) => f,
            Verdict::Success => panic!("not a failure"),
        }
    }

    #[test]
    fn follows_the_retry_table() {
        let c = TencentClassifier::default();
        assert_eq!(
            judge(&c, 200, r#"{"ActionStatus":"OK","ErrorCode":0}"#),
            Verdict::Success
        );
        for code in [100_001, 60_008, 70_114, 70_169, 70_202, 70_500] {
            let f = failure(judge(&c, 200, &format!(r#"{{"ErrorCode":{code}}}"#)));
            assert!(f.retryable && !f.rate_limited, "{code}");
        }
        for code in [60_007, 60_011, 60_018, 60_019] {
            let f = failure(judge(&c, 200, &format!(r#"{{"ErrorCode":{code}}}"#)));
            assert!(f.retryable && f.rate_limited, "{code}");
        }
        for code in [
            100_002, 100_003, 100_004, 100_011, 100_026, 70_001, 70_052, 60_010,
        ] {
            let f = failure(judge(&c, 200, &format!(r#"{{"ErrorCode":{code}}}"#)));
            assert!(!f.retryable, "{code}");
            assert_eq!(f.code.as_deref(), Some(code.to_string().as_str()));
        }
    }

    #[test]
    fn reads_the_envelope_and_gateway_failures() {
        let c = TencentClassifier::default();
        let f = failure(judge(
            &c,
            200,
            r#"{"ActionStatus":"FAIL","ErrorCode":"100004","ErrorInfo":"room does not exist","RequestId":"Id-1"}"#,
        ));
        assert_eq!(f.code.as_deref(), Some("100004"));
        assert_eq!(f.message.as_deref(), Some("room does not exist"));
        assert_eq!(f.request_id.as_deref(), Some("Id-1"));
        let f = failure(judge(&c, 502, "<html>Bad Gateway</html>"));
        assert!(f.retryable && f.code.is_none());
        let f = failure(judge(&c, 503, r#"{"ErrorCode":70500,"ErrorInfo":"busy"}"#));
        assert!(f.retryable);
        assert_eq!(f.code.as_deref(), Some("70500"));
        assert!(!failure(judge(&c, 200, "<html></html>")).retryable);
        assert!(!failure(judge(&c, 200, "{}")).retryable);
        assert_eq!(judge(&c, 200, r#"{"ActionStatus":"OK"}"#), Verdict::Success);
    }

    #[test]
    fn command_codes_override_the_table() {
        const WAIT: &[(i64, Duration)] = &[(100_012, Duration::from_secs(1))];
        let c = TencentClassifier::new(CommandCodes {
            success: &[100_010],
            wait: WAIT,
        });
        assert_eq!(judge(&c, 200, r#"{"ErrorCode":100010}"#), Verdict::Success);
        let f = failure(judge(&c, 200, r#"{"ErrorCode":100012}"#));
        assert!(f.retryable);
        assert_eq!(f.retry_after, Some(Duration::from_secs(1)));
        assert!(is_retryable_code(100_001) && !is_retryable_code(100_002));
        assert!(is_rate_limit_code(60_018) && is_usersig_refresh_code(70_052));
    }
}
