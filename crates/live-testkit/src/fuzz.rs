//! Seeded randomness for the bounded no-panic loops run over every decoder: the same seed
//! gives the same inputs, so a failure replays exactly.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// A seeded generator (rand's `StdRng`).
///
/// ```
/// use live_testkit::fuzz::Rng;
/// let (mut a, mut b) = (Rng::new(7), Rng::new(7));
/// assert_eq!(a.bytes(16), b.bytes(16));
/// assert!(a.below(10) < 10);
/// assert_eq!(a.below(0), 0);
/// ```
#[derive(Debug)]
pub struct Rng(StdRng);

impl Rng {
    /// A generator whose whole sequence is decided by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(StdRng::seed_from_u64(seed))
    }

    /// Any `u64`.
    pub fn next_u64(&mut self) -> u64 {
        self.0.random()
    }

    /// A number in `0..n` (0 when `n` is 0, so it can index an empty input's end).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { self.0.random_range(0..n) }
    }

    /// `len` arbitrary bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.0.random()).collect()
    }
}
