//! A bounded memory of recently seen event keys, by arrival time.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};

use live_model::Timestamp;

/// Keys seen recently, each with the time it was first seen. Old keys are forgotten when they
/// are older than `horizon` or when more than `capacity` are held.
#[derive(Debug)]
pub(crate) struct RecentKeys {
    seen: HashMap<u64, Timestamp, BuildHasherDefault<PreHashed>>,
    order: VecDeque<(u64, Timestamp)>,
    capacity: usize,
    horizon_nanos: i128,
    hasher: std::hash::RandomState,
}

impl RecentKeys {
    pub(crate) fn new(capacity: usize, horizon: std::time::Duration) -> Self {
        RecentKeys {
            seen: HashMap::default(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
            horizon_nanos: horizon.as_nanos() as i128,
            hasher: std::hash::RandomState::new(),
        }
    }

    pub(crate) fn key(&self, parts: impl Hash) -> u64 {
        self.hasher.hash_one(parts)
    }

    /// True when `key` was seen within `window` before `at`; otherwise remembers it and
    /// returns false.
    pub(crate) fn seen_within(
        &mut self,
        key: u64,
        at: Timestamp,
        window: std::time::Duration,
    ) -> bool {
        self.expire(at);
        if let Some(first) = self.seen.get(&key) {
            let age = at.unix_nanos() - first.unix_nanos();
            // A clock that went backwards counts as "just seen".
            if age <= window.as_nanos() as i128 {
                return true;
            }
        }
        self.seen.insert(key, at);
        self.order.push_back((key, at));
        while self.order.len() > self.capacity {
            self.pop_front();
        }
        false
    }

    fn expire(&mut self, now: Timestamp) {
        while let Some((_, at)) = self.order.front() {
            if now.unix_nanos() - at.unix_nanos() > self.horizon_nanos {
                self.pop_front();
            } else {
                break;
            }
        }
    }

    fn pop_front(&mut self) {
        if let Some((key, at)) = self.order.pop_front()
            && self.seen.get(&key) == Some(&at)
        {
            self.seen.remove(&key);
        }
    }
}

/// The keys are already hashes (of [`RecentKeys::key`], seeded per process), so hashing them
/// again only cost time: SipHash was a tenth of the decoder's profile under load.
#[derive(Debug, Default)]
pub(crate) struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed here; anything else still spreads, if slowly.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn remembers_within_the_window_and_forgets_after() {
        let mut keys = RecentKeys::new(2, Duration::from_secs(600));
        let t = |s| Timestamp::from_unix_seconds(s);
        let a = keys.key("a");
        assert!(!keys.seen_within(a, t(0), Duration::from_secs(10)));
        assert!(keys.seen_within(a, t(5), Duration::from_secs(10)));
        assert!(!keys.seen_within(a, t(20), Duration::from_secs(10)));
        let b = keys.key("b");
        let c = keys.key("c");
        assert!(!keys.seen_within(b, t(21), Duration::from_secs(10)));
        assert!(!keys.seen_within(c, t(22), Duration::from_secs(10)));
        // capacity 2: `a` (seen at 20) was forgotten
        assert!(!keys.seen_within(a, t(23), Duration::from_secs(10)));
    }
}
