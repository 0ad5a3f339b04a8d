//! A bounded set of recent ids, the oldest forgotten first: the de-duplication memory of a
//! room, held for as long as its connection lives.
//!
//! A `HashSet<i64>` and a `VecDeque<i64>` made this about 53 KiB per busy room at the default
//! 2,048 ids (the set's table alone is 4,096 buckets) and hashed every message id with SipHash.
//! Here the ids live once, in a ring, and an open-addressing table of ring positions (linear
//! probing, at most half full) finds them: 32 KiB at 2,048 ids, grown only as ids arrive (an
//! idle room holds nothing), and a multiply-shift hash with a per-set random seed.

/// See the module documentation.
#[derive(Debug)]
pub(crate) struct RecentIds {
    /// Ids in arrival order; once full, `next` is the oldest and is overwritten first.
    ring: Vec<i64>,
    next: usize,
    capacity: usize,
    /// Open addressing: 0 is empty, else a position in `ring` plus one.
    slots: Vec<u32>,
    /// `slots.len()` is `1 << bits`.
    bits: u32,
    seed: u64,
}

impl RecentIds {
    /// At most `capacity` ids (at least 1).
    pub(crate) fn new(capacity: usize) -> Self {
        RecentIds {
            ring: Vec::new(),
            next: 0,
            // Positions are stored as u32 (plus one).
            capacity: capacity.clamp(1, u32::MAX as usize / 2),
            slots: Vec::new(),
            bits: 0,
            seed: rand::random::<u64>() | 1,
        }
    }

    fn home(&self, id: i64) -> usize {
        let hash = (id as u64 ^ self.seed).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (hash >> (64 - self.bits)) as usize
    }

    /// The table position holding `id`, or the empty one where it would go.
    fn find(&self, id: i64) -> (usize, bool) {
        let mask = self.slots.len() - 1;
        let mut at = self.home(id);
        loop {
            match self.slots[at] {
                0 => return (at, false),
                slot if self.ring[slot as usize - 1] == id => return (at, true),
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// True when `id` is remembered.
    pub(crate) fn contains(&self, id: i64) -> bool {
        !self.slots.is_empty() && self.find(id).1
    }

    /// True when `id` is new (and now remembered).
    pub(crate) fn insert(&mut self, id: i64) -> bool {
        if self.ring.len() < self.capacity && self.ring.len() * 2 >= self.slots.len() {
            self.grow();
        }
        let (at, found) = self.find(id);
        if found {
            return false;
        }
        if self.ring.len() < self.capacity {
            if self.ring.len() == self.ring.capacity() {
                // Doubling, but never past the capacity.
                let more = self.ring.len().max(4).min(self.capacity - self.ring.len());
                self.ring.reserve_exact(more);
            }
            self.ring.push(id);
            self.slots[at] = self.ring.len() as u32;
            return true;
        }
        // Full: the oldest id leaves, the new one takes its place in the ring.
        let oldest = self.next;
        self.remove_slot_of(oldest);
        self.ring[oldest] = id;
        // The removal may have moved entries: look for the free position again.
        let (at, _) = self.find(id);
        self.slots[at] = oldest as u32 + 1;
        self.next = (oldest + 1) % self.capacity;
        true
    }

    /// Removes the table entry pointing at ring position `position`, shifting back the
    /// entries after it that would otherwise become unreachable (linear probing has no
    /// tombstones).
    fn remove_slot_of(&mut self, position: usize) {
        let mask = self.slots.len() - 1;
        let mut hole = self.home(self.ring[position]);
        while self.slots[hole] as usize != position + 1 {
            hole = (hole + 1) & mask;
        }
        let mut at = hole;
        loop {
            at = (at + 1) & mask;
            let slot = self.slots[at];
            if slot == 0 {
                break;
            }
            let home = self.home(self.ring[slot as usize - 1]);
            // The entry at `at` may fill the hole if its home is not in (hole, at] cyclically.
            let reachable_without = if hole <= at {
                hole < home && home <= at
            } else {
                hole < home || home <= at
            };
            if !reachable_without {
                self.slots[hole] = slot;
                hole = at;
            }
        }
        self.slots[hole] = 0;
    }

    /// Doubles the table (or makes the first one) and re-inserts the ring.
    fn grow(&mut self) {
        let wanted = (self.ring.len() * 2 + 2).next_power_of_two().max(16);
        let limit = (self.capacity * 2).next_power_of_two();
        let size = wanted.min(limit.max(16));
        if size <= self.slots.len() {
            return;
        }
        self.bits = size.trailing_zeros();
        self.slots = vec![0; size];
        let mask = size - 1;
        for (position, &id) in self.ring.iter().enumerate() {
            let mut at = self.home(id);
            while self.slots[at] != 0 {
                at = (at + 1) & mask;
            }
            self.slots[at] = position as u32 + 1;
        }
    }

    /// Bytes held on the heap.
    #[cfg(test)]
    fn heap_bytes(&self) -> usize {
        self.ring.capacity() * size_of::<i64>() + self.slots.capacity() * size_of::<u32>()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashSet, VecDeque};

    use super::*;

    #[test]
    fn forgets_the_oldest() {
        let mut ids = RecentIds::new(2);
        assert!(ids.insert(1) && ids.insert(2));
        assert!(!ids.insert(1));
        assert!(ids.insert(3));
        assert!(ids.insert(1), "1 was forgotten when 3 came");
        assert!(ids.contains(3) && !ids.contains(2));
    }

    /// Against the obvious implementation, with ids drawn from a small range (many repeats,
    /// many collisions) and capacities around the table's sizes.
    #[test]
    fn behaves_like_a_set_and_a_queue() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for capacity in [1, 2, 3, 7, 8, 9, 16, 100, 2048] {
            let mut sized = RecentIds::new(capacity);
            for id in 0..capacity as i64 * 2 {
                sized.insert(id);
            }
            assert_eq!(
                sized.ring.capacity(),
                capacity,
                "the ring never outgrows its capacity"
            );
            let mut ours = RecentIds::new(capacity);
            let mut set = HashSet::new();
            let mut order = VecDeque::new();
            let range = (capacity as u64 * 3).max(4);
            for _ in 0..20_000 {
                let id = (next() % range) as i64 - 5;
                let new = set.insert(id);
                if new {
                    order.push_back(id);
                    if order.len() > capacity {
                        set.remove(&order.pop_front().unwrap());
                    }
                }
                assert_eq!(ours.insert(id), new, "capacity {capacity}, id {id}");
                let probe = (next() % range) as i64 - 5;
                assert_eq!(ours.contains(probe), set.contains(&probe));
            }
        }
    }

    #[test]
    fn holds_nothing_until_used_and_about_32_kib_when_full() {
        let mut ids = RecentIds::new(2048);
        assert_eq!(ids.heap_bytes(), 0);
        for id in 0..10_000 {
            ids.insert(id * 7919);
        }
        assert_eq!(ids.heap_bytes(), 2048 * 8 + 4096 * 4);
    }
}
