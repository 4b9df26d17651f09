//! Prefetching what a walk or a re-ranking is about to read.
//!
//! Searches wait on memory latency more than on arithmetic: every node
//! they measure lies somewhere else in a large index. Starting the loads
//! of all the nodes an expansion will measure before measuring the first
//! lets their latencies overlap instead of adding up.

use super::Hnsw;

impl Hnsw {
    /// Starts loading each of `slots`' exact vectors into the cache.
    pub(super) fn warm(&self, slots: &[u32]) {
        let dim = self.params.dim;
        for &slot in slots {
            let start = slot as usize * dim;
            if let Some(vector) = self.vectors.get(start..start + dim) {
                aios_simd::prefetch(vector);
            }
        }
    }

    /// Starts loading the 8-bit codes of each of `slots` into the cache.
    pub(super) fn warm_codes(&self, slots: &[u32]) {
        for &slot in slots {
            if let Some(codes) = self.base.get(self.code_range(slot)) {
                aios_simd::prefetch(codes);
            }
        }
    }
}
