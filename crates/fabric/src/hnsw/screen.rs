//! Screening (dropping clearly distant nodes after reading a vector's head) and prefetching.
//!
//! Searches are bound by memory traffic: a 384-dimension vector is 24 cache
//! lines, and on clustered data most nodes a search evaluates lie in other
//! clusters, far beyond the current candidate bound. Reading the first
//! quarter of such a vector is enough to prove it cannot be accepted.
//! Both this and the distances wait on memory latency more than bandwidth,
//! so the vectors' lines are prefetched in bulk before either runs.

use super::Hnsw;
use crate::distance::{dot, screen_len};

/// How far a node's distance lower bound must exceed the acceptance bound
/// before it is dropped: orders of magnitude above the rounding error of a
/// unit-vector dot product, so screening never drops a node the full
/// distance would have accepted and search results do not change.
const SCREEN_MARGIN: f32 = 1e-3;

/// Per-query screening state: the head length and the query tail's norm.
pub(super) struct Screen {
    head: usize,
    tail_norm: f32,
}

impl Screen {
    /// Components of a vector's head that screening reads (at least one).
    pub(super) fn head(&self) -> usize {
        self.head.max(1)
    }

    /// Screening for `query` (a unit vector of the index's dimension).
    pub(super) fn new(query: &[f32]) -> Self {
        let head = screen_len(query.len());
        let tail = &query[head..];
        Self {
            head,
            tail_norm: libm::sqrtf(dot(tail, tail)),
        }
    }
}

impl Hnsw {
    /// Whether `slot` is certainly farther than `distance` from `query`,
    /// judged from the head of its vector alone (`false` when unsure).
    #[inline]
    pub(super) fn screened_out(
        &self,
        screen: &Screen,
        query: &[f32],
        slot: u32,
        distance: f32,
    ) -> bool {
        if screen.head == 0 || !distance.is_finite() {
            return false;
        }
        let start = slot as usize * self.params.dim;
        let Some(head) = self.vectors.get(start..start + screen.head) else {
            return false;
        };
        let bound = self
            .kernel
            .dot_upper_bound(&query[..screen.head], screen.tail_norm, head);
        1.0 - bound > distance + SCREEN_MARGIN
    }

    /// Starts loading the first `span` components of each of `slots`'
    /// vectors into the cache, so that their memory latencies overlap
    /// instead of each vector's first line stalling the loop that reads it.
    pub(super) fn warm(&self, slots: &[u32], span: usize) {
        let dim = self.params.dim;
        let span = span.min(dim);
        for &slot in slots {
            let start = slot as usize * dim;
            if let Some(vector) = self.vectors.get(start..start + span) {
                aios_simd::prefetch(vector);
            }
        }
    }

    /// Starts loading the 8-bit codes of each of `slots` into the cache.
    pub(super) fn warm_codes(&self, slots: &[u32]) {
        let dim = self.params.dim;
        for &slot in slots {
            let start = slot as usize * dim;
            if let Some(codes) = self.codes.get(start..start + dim) {
                aios_simd::prefetch(codes);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Screen;
    use crate::dataset::clustered;
    use crate::hnsw::{Hnsw, HnswParams};

    #[test]
    fn screening_only_drops_nodes_beyond_the_bound() {
        let dim = 384;
        let data = clustered(300, dim, 3, 0.5, 7);
        let mut index = Hnsw::new(HnswParams::new(dim)).unwrap();
        for row in data.chunks_exact(dim) {
            index.insert(row).unwrap();
        }
        let query = &data[..dim];
        let screen = Screen::new(query);
        let mut dropped = 0;
        for slot in index.ids() {
            let distance = index.distance(query, slot);
            // Never dropped against a bound it would meet.
            assert!(!index.screened_out(&screen, query, slot, distance));
            assert!(!index.screened_out(&screen, query, slot, distance + 1e-4));
            // At a bound inside the query's cluster (mates are near 0.2),
            // nodes of other clusters (near 1.0) are dropped from the head.
            if index.screened_out(&screen, query, slot, 0.1) {
                assert!(distance > 0.1);
                dropped += 1;
            }
        }
        let far = index
            .ids()
            .filter(|&s| index.distance(query, s) > 0.6)
            .count();
        assert!(far > 100 && dropped * 10 >= far * 9, "{dropped} of {far}");
    }
}
