//! The retry decision (a pure function) and backoff.

use std::time::Duration;

use crate::Headers;

/// What happened on one attempt, as the retry policy sees it.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No connection could be made.
    Connect,
    /// The connection closed before the response was complete.
    Interrupted,
    /// No response within the timeout.
    Timeout,
    /// A response that was judged a failure.
    Failure {
        /// Its HTTP status.
        status: u16,
        /// The classifier said trying again may help.
        retryable: bool,
        /// The service asked to wait this long first.
        retry_after: Option<Duration>,
    },
    /// A failure no retry can mend (response too large, bad request).
    Fatal,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Wait this long, then try again.
    Retry(Duration),
    /// Give up and report the error.
    Stop,
}

/// When and how often to retry.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The backoff before the first retry (before jitter).
    pub base_delay: Duration,
    /// The largest backoff.
    pub max_delay: Duration,
    /// The longest `Retry-After` the client waits out by itself; a longer one ends the
    /// request with a rate-limit error carrying the wait, for the caller to decide.
    pub max_server_wait: Duration,
    /// Whether timeouts are retried (a timed-out request may have been processed).
    pub retry_timeouts: bool,
    /// Whether a connection that closed before the full response is retried (the request may
    /// have been processed: turn it off, with `retry_timeouts`, for calls that must not run
    /// twice, such as posting a chat message).
    pub retry_interrupted: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_server_wait: Duration::from_secs(60),
            retry_timeouts: true,
            retry_interrupted: true,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Sets the number of retries.
    #[must_use]
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets the backoff range.
    #[must_use]
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max;
        self
    }

    /// Sets the longest server-requested wait honoured automatically.
    #[must_use]
    pub fn max_server_wait(mut self, wait: Duration) -> Self {
        self.max_server_wait = wait;
        self
    }

    /// Sets whether timeouts are retried.
    #[must_use]
    pub fn retry_timeouts(mut self, retry: bool) -> Self {
        self.retry_timeouts = retry;
        self
    }

    /// Sets whether connections closed before the full response are retried.
    #[must_use]
    pub fn retry_interrupted(mut self, retry: bool) -> Self {
        self.retry_interrupted = retry;
        self
    }

    /// For calls that must not run twice: retries only what was surely not processed (no
    /// connection made) and what the server refused outright (rate limits, or any failure the
    /// classifier marks retryable); never timeouts or interrupted responses.
    #[must_use]
    pub fn not_idempotent(self) -> Self {
        self.retry_timeouts(false).retry_interrupted(false)
    }

    /// The decision after a failed attempt, given how many retries were already made and a
    /// jitter sample in `[0, 1)`. Pure: the same inputs always give the same decision.
    pub fn decide(&self, retries_done: u32, outcome: &Outcome, jitter: f64) -> Decision {
        if retries_done >= self.max_retries {
            return Decision::Stop;
        }
        match *outcome {
            Outcome::Connect => Decision::Retry(self.backoff_delay(retries_done, jitter)),
            Outcome::Interrupted if self.retry_interrupted => {
                Decision::Retry(self.backoff_delay(retries_done, jitter))
            }
            Outcome::Timeout if self.retry_timeouts => {
                Decision::Retry(self.backoff_delay(retries_done, jitter))
            }
            Outcome::Failure {
                retryable: true,
                retry_after: Some(wait),
                ..
            } => {
                if wait > self.max_server_wait {
                    Decision::Stop
                } else {
                    Decision::Retry(wait)
                }
            }
            Outcome::Failure {
                retryable: true, ..
            } => Decision::Retry(self.backoff_delay(retries_done, jitter)),
            Outcome::Timeout | Outcome::Interrupted | Outcome::Failure { .. } | Outcome::Fatal => {
                Decision::Stop
            }
        }
    }

    /// Capped exponential backoff with "equal jitter": between half and all of
    /// `min(max_delay, base_delay * 2^retries_done)`.
    pub fn backoff_delay(&self, retries_done: u32, jitter: f64) -> Duration {
        exponential(self.base_delay, self.max_delay, retries_done, jitter)
    }
}

fn exponential(base: Duration, max: Duration, step: u32, jitter: f64) -> Duration {
    let factor = 2u32.saturating_pow(step.min(31));
    let full = base.saturating_mul(factor).min(max);
    let jitter = jitter.clamp(0.0, 1.0);
    full.mul_f64(0.5 + 0.5 * jitter)
}

/// How long a response asks us to wait: `Retry-After` (seconds or an HTTP date), else
/// `X-RateLimit-Reset` or `RateLimit-Reset` (a Unix time when above 10^9, else seconds).
/// `now_unix` is the current Unix time in seconds.
pub fn retry_after_from(headers: &Headers, now_unix: u64) -> Option<Duration> {
    if let Some(value) = headers.get("retry-after") {
        let value = value.trim();
        if let Ok(seconds) = value.parse::<f64>()
            && seconds.is_finite()
            && seconds >= 0.0
        {
            return Some(Duration::from_secs_f64(seconds.min(1e9)));
        }
        if let Ok(at) = httpdate::parse_http_date(value) {
            let at = at
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            return Some(Duration::from_secs(at.saturating_sub(now_unix)));
        }
    }
    for name in ["x-ratelimit-reset", "ratelimit-reset"] {
        if let Some(value) = headers.get(name).and_then(|v| v.trim().parse::<f64>().ok()) {
            if !value.is_finite() || value < 0.0 {
                continue;
            }
            let seconds = if value > 1e9 {
                (value - now_unix as f64).max(0.0)
            } else {
                value
            };
            return Some(Duration::from_secs_f64(seconds.min(1e9)));
        }
    }
    None
}

/// Capped exponential backoff with jitter for reconnect loops, reset after a success.
#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    max: Duration,
    step: u32,
}

impl Backoff {
    /// Starts at `base` and doubles up to `max`.
    pub fn new(base: Duration, max: Duration) -> Self {
        Backoff { base, max, step: 0 }
    }

    /// The next wait, with jitter from `jitter` in `[0, 1)`.
    pub fn next_delay_with(&mut self, jitter: f64) -> Duration {
        let delay = exponential(self.base, self.max, self.step, jitter);
        self.step = self.step.saturating_add(1);
        delay
    }

    /// The next wait, with random jitter.
    pub fn next_delay(&mut self) -> Duration {
        self.next_delay_with(rand::random::<f64>())
    }

    /// How many delays were handed out since the last reset.
    pub fn attempts(&self) -> u32 {
        self.step
    }

    /// Back to the first delay (after a connection proved stable).
    pub fn reset(&mut self) {
        self.step = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(status: u16, retryable: bool, retry_after: Option<u64>) -> Outcome {
        Outcome::Failure {
            status,
            retryable,
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    #[test]
    fn retries_what_is_retryable_until_the_budget_is_spent() {
        let policy = RetryPolicy::default();
        let half = Duration::from_millis(250);
        assert_eq!(
            policy.decide(0, &Outcome::Connect, 0.0),
            Decision::Retry(half)
        );
        assert_eq!(
            policy.decide(1, &failure(503, true, None), 0.0),
            Decision::Retry(Duration::from_millis(500))
        );
        assert_eq!(policy.decide(3, &Outcome::Connect, 0.0), Decision::Stop);
        assert_eq!(
            policy.decide(0, &failure(404, false, None), 0.0),
            Decision::Stop
        );
        assert_eq!(policy.decide(0, &Outcome::Fatal, 0.0), Decision::Stop);
        let no_timeouts = RetryPolicy::default().retry_timeouts(false);
        assert_eq!(
            no_timeouts.decide(0, &Outcome::Timeout, 0.5),
            Decision::Stop
        );
    }

    #[test]
    fn not_idempotent_calls_retry_only_what_surely_did_not_run() {
        let policy = RetryPolicy::default().not_idempotent();
        assert!(matches!(
            policy.decide(0, &Outcome::Connect, 0.0),
            Decision::Retry(_)
        ));
        assert_eq!(policy.decide(0, &Outcome::Interrupted, 0.0), Decision::Stop);
        assert_eq!(policy.decide(0, &Outcome::Timeout, 0.0), Decision::Stop);
        assert_eq!(
            policy.decide(0, &failure(429, true, Some(2)), 0.0),
            Decision::Retry(Duration::from_secs(2))
        );
        let default = RetryPolicy::default();
        assert!(matches!(
            default.decide(0, &Outcome::Interrupted, 0.0),
            Decision::Retry(_)
        ));
    }

    #[test]
    fn honours_the_servers_wait_up_to_the_cap() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.decide(0, &failure(429, true, Some(7)), 0.9),
            Decision::Retry(Duration::from_secs(7))
        );
        assert_eq!(
            policy.decide(0, &failure(429, true, Some(3600)), 0.9),
            Decision::Stop
        );
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let policy = RetryPolicy::default().backoff(Duration::from_secs(1), Duration::from_secs(8));
        let full: Vec<u64> = (0..6)
            .map(|n| policy.backoff_delay(n, 1.0).as_secs())
            .collect();
        assert_eq!(full, [1, 2, 4, 8, 8, 8]);
        assert_eq!(policy.backoff_delay(2, 0.0), Duration::from_secs(2));
        assert_eq!(policy.backoff_delay(u32::MAX, 1.0), Duration::from_secs(8));
    }

    #[test]
    fn reads_every_wait_header() {
        let now = 1_700_000_000;
        let h = |pairs: &[(&str, &str)]| Headers::from_pairs(pairs.iter().copied());
        assert_eq!(
            retry_after_from(&h(&[("Retry-After", "12")]), now),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            retry_after_from(&h(&[("retry-after", "Tue, 14 Nov 2023 22:13:40 GMT")]), now),
            Some(Duration::from_secs(20))
        );
        assert_eq!(
            retry_after_from(&h(&[("X-RateLimit-Reset", "1700000030")]), now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after_from(&h(&[("x-ratelimit-reset", "5")]), now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            retry_after_from(&h(&[("x-ratelimit-reset", "1600000000")]), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after_from(&h(&[("retry-after", "soon")]), now), None);
        assert_eq!(retry_after_from(&h(&[]), now), None);
    }

    #[test]
    fn reconnect_backoff_resets() {
        let mut b = Backoff::new(Duration::from_secs(1), Duration::from_secs(30));
        assert_eq!(b.next_delay_with(1.0), Duration::from_secs(1));
        assert_eq!(b.next_delay_with(1.0), Duration::from_secs(2));
        assert_eq!(b.attempts(), 2);
        b.reset();
        assert_eq!(b.next_delay_with(1.0), Duration::from_secs(1));
    }
}
