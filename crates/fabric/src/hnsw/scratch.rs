//! Per-search working memory: the visited set and the two heaps.

use alloc::collections::BinaryHeap;
use alloc::vec::Vec;
use core::cmp::{Ordering, Reverse};

/// A node slot with its distance to the query, ordered by distance.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scored {
    pub(crate) distance: f32,
    pub(crate) slot: u32,
}

impl PartialEq for Scored {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Scored {}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scored {
    fn cmp(&self, other: &Self) -> Ordering {
        self.distance
            .total_cmp(&other.distance)
            .then(self.slot.cmp(&other.slot))
    }
}

/// Generation-stamped visited set: clearing is one increment, not a fill.
///
/// A stamp is one byte, so the set for 100,000 nodes (100 KB) stays in the
/// CPU's second-level cache while a search tests it at random; the fill
/// when the generation wraps comes once every 255 searches.
#[derive(Default, Debug)]
pub(crate) struct Visited {
    stamps: Vec<u8>,
    generation: u8,
}

impl Visited {
    /// Forgets every mark and makes room for `slots` slots.
    pub(crate) fn reset(&mut self, slots: usize) {
        if self.stamps.len() < slots {
            self.stamps.resize(slots, 0);
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamps.fill(0);
            self.generation = 1;
        }
    }

    /// Marks `slot`; returns `true` if it was not yet marked.
    #[inline]
    pub(crate) fn insert(&mut self, slot: u32) -> bool {
        match self.stamps.get_mut(slot as usize) {
            Some(stamp) if *stamp != self.generation => {
                *stamp = self.generation;
                true
            }
            _ => false,
        }
    }
}

/// Reusable buffers for searches, so a query allocates nothing once warm.
///
/// One scratch serves one search at a time; keep one per thread.
#[derive(Default, Debug)]
pub struct SearchScratch {
    pub(crate) visited: Visited,
    pub(crate) candidates: BinaryHeap<Reverse<Scored>>,
    pub(crate) results: BinaryHeap<Scored>,
    pub(crate) query: Vec<f32>,
    pub(crate) sorted: Vec<Scored>,
    /// Unvisited neighbours of the node being expanded (re-ranking: the
    /// results' slots).
    pub(crate) pending: Vec<u32>,
}

impl SearchScratch {
    /// Empty buffers; they grow to the index size on first use.
    pub fn new() -> Self {
        Self::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visited_marks_once_per_generation() {
        let mut visited = Visited::default();
        visited.reset(4);
        assert!(visited.insert(2));
        assert!(!visited.insert(2));
        assert!(!visited.insert(9), "out of range slots are never new");
        visited.reset(4);
        assert!(visited.insert(2));
    }

    #[test]
    fn visited_forgets_old_marks_when_the_generation_wraps() {
        let mut visited = Visited::default();
        visited.reset(3);
        assert!(visited.insert(0));
        // Slot 1 is marked in one generation, then left alone for 255
        // searches: a stale stamp must not pass for a fresh one.
        visited.reset(3);
        assert!(visited.insert(1));
        for _ in 0..600 {
            visited.reset(3);
            assert!(visited.insert(0), "every search marks afresh");
            assert!(!visited.insert(0));
        }
        for _ in 0..255 {
            visited.reset(3);
        }
        assert!(visited.insert(1) && visited.insert(2));
    }

    #[test]
    fn scored_orders_by_distance_then_slot() {
        let a = Scored {
            distance: 0.1,
            slot: 5,
        };
        let b = Scored {
            distance: 0.2,
            slot: 1,
        };
        let c = Scored {
            distance: 0.1,
            slot: 6,
        };
        assert!(a < b && a < c && c < b);
    }
}
