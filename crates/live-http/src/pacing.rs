//! Client-side pacing: requests are spaced evenly, never sent in bursts.
//!
//! governor does the accounting (GCRA). Its clock is tokio's, so tests with paused time see
//! the pacing exactly; waiting uses `tokio::time::sleep` for the same reason.

use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};

/// A request rate, enforced by spacing: `per_second(10)` sends at most one request every
/// 100 ms, so no one-second window ever holds more than ten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    interval: Duration,
}

impl RateLimit {
    /// At most `n` requests per second (`n` of 0 is taken as 1).
    pub fn per_second(n: u32) -> Self {
        RateLimit {
            interval: Duration::from_secs(1) / n.max(1),
        }
    }

    /// One request per `interval`.
    pub fn every(interval: Duration) -> Self {
        RateLimit {
            interval: interval.max(Duration::from_nanos(1)),
        }
    }

    /// The spacing between requests.
    pub fn interval(&self) -> Duration {
        self.interval
    }
}

/// governor's clock on tokio time: elapsed time since the pacer was made.
#[derive(Debug, Clone)]
struct TokioClock {
    origin: tokio::time::Instant,
}

impl Clock for TokioClock {
    type Instant = Duration;

    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
}

type Limiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>;

/// Spaces calls to [`Pacer::until_ready`] by the configured interval.
pub(crate) struct Pacer {
    limiter: Limiter,
    clock: TokioClock,
    limit: RateLimit,
}

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pacer").field("limit", &self.limit).finish()
    }
}

impl Pacer {
    pub(crate) fn new(limit: RateLimit) -> Option<Pacer> {
        let quota = Quota::with_period(limit.interval)?.allow_burst(std::num::NonZeroU32::MIN);
        let clock = TokioClock {
            origin: tokio::time::Instant::now(),
        };
        Some(Pacer {
            limiter: RateLimiter::direct_with_clock(quota, clock.clone()),
            clock,
            limit,
        })
    }

    /// Waits until a request may go. Cancel-safe: a cancelled wait takes no slot.
    pub(crate) async fn until_ready(&self) {
        loop {
            match self.limiter.check() {
                Ok(()) => return,
                Err(not_until) => {
                    tokio::time::sleep(not_until.wait_time_from(self.clock.now())).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn spaces_requests_evenly() {
        let pacer = Pacer::new(RateLimit::per_second(10)).unwrap();
        let start = tokio::time::Instant::now();
        let mut at = Vec::new();
        for _ in 0..5 {
            pacer.until_ready().await;
            at.push(start.elapsed().as_millis());
        }
        assert_eq!(at, [0, 100, 200, 300, 400]);
    }
}
