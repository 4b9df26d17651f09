//! Searching the graph: greedy descent, the layer search, re-ranking,
//! exact search.
//!
//! Walks measure distances from the vectors' 8-bit codes, which are a
//! quarter of the bytes of the vectors and sit next to the neighbour lists
//! the walk reads anyway; the nodes a walk ends with are then re-ranked by
//! their exact vectors, so what a search returns, and the links an insert
//! chooses, rest on exact distances.

use super::scratch::{Scored, SearchScratch};
use super::{Hnsw, Neighbour};
use crate::distance::normalize_into;
use crate::error::FabricError;
use alloc::collections::BinaryHeap;
use alloc::vec::Vec;
use core::cmp::Reverse;

impl Hnsw {
    /// The `k` nearest live vectors to `query` with a candidate list of
    /// `ef` (raised to `k` if smaller), best first.
    pub fn search(
        &self,
        query: &[f32],
        k: usize,
        ef: usize,
    ) -> Result<Vec<Neighbour>, FabricError> {
        let mut out = Vec::new();
        self.search_with(&mut SearchScratch::new(), query, k, ef, |_| true, &mut out)?;
        Ok(out)
    }

    /// Like [`Hnsw::search`], reusing `scratch` and `out`, and returning only
    /// ids for which `accept` holds (rejected nodes are still walked through).
    /// The order and the scores are exact (re-ranked by the exact vectors).
    pub fn search_with(
        &self,
        scratch: &mut SearchScratch,
        query: &[f32],
        k: usize,
        ef: usize,
        accept: impl Fn(u32) -> bool,
        out: &mut Vec<Neighbour>,
    ) -> Result<(), FabricError> {
        out.clear();
        let mut unit = core::mem::take(&mut scratch.query);
        let normalised = self.normalise_query(query, &mut unit);
        let result = normalised.map(|()| {
            let Some(entry) = self.entry.filter(|_| k > 0) else {
                return;
            };
            let start = self.descend(&unit, entry, self.max_level, 0);
            self.search_layer(scratch, &unit, start, ef.max(k), 0, &accept);
            self.rerank(scratch, &unit);
            out.extend(scratch.sorted.iter().take(k).map(|s| Neighbour {
                id: s.slot,
                score: 1.0 - s.distance,
            }));
        });
        scratch.query = unit;
        result
    }

    /// The exact `k` nearest live vectors satisfying `accept`, by scanning.
    pub fn exact_search(
        &self,
        query: &[f32],
        k: usize,
        accept: impl Fn(u32) -> bool,
    ) -> Result<Vec<Neighbour>, FabricError> {
        let mut unit = Vec::new();
        self.normalise_query(query, &mut unit)?;
        let mut hits: Vec<Scored> = self
            .ids()
            .filter(|&id| accept(id))
            .map(|slot| Scored {
                distance: self.distance(&unit, slot),
                slot,
            })
            .collect();
        hits.sort_unstable();
        Ok(hits
            .iter()
            .take(k)
            .map(|s| Neighbour {
                id: s.slot,
                score: 1.0 - s.distance,
            })
            .collect())
    }

    /// Moves the walk's results into `scratch.sorted` with their exact
    /// distances, closest first.
    pub(super) fn rerank(&self, scratch: &mut SearchScratch, query: &[f32]) {
        let SearchScratch {
            results,
            sorted,
            pending,
            ..
        } = scratch;
        sorted.clear();
        sorted.extend(results.drain());
        pending.clear();
        pending.extend(sorted.iter().map(|s| s.slot));
        self.warm(pending);
        for scored in sorted.iter_mut() {
            scored.distance = self.distance(query, scored.slot);
        }
        sorted.sort_unstable();
    }

    pub(super) fn normalise_query(
        &self,
        query: &[f32],
        unit: &mut Vec<f32>,
    ) -> Result<(), FabricError> {
        if query.len() != self.params.dim {
            return Err(FabricError::DimensionMismatch {
                expected: self.params.dim,
                found: query.len(),
            });
        }
        if normalize_into(query, unit) {
            Ok(())
        } else {
            Err(FabricError::InvalidVector)
        }
    }

    /// Greedy walk from `entry` down the levels above `stop`, returning the
    /// closest node found on level `stop + 1` (or `entry` if none above).
    pub(super) fn descend(&self, query: &[f32], entry: u32, from: usize, stop: usize) -> Scored {
        let mut best = Scored {
            distance: self.coded_distance(query, entry),
            slot: entry,
        };
        for level in (stop + 1..=from).rev() {
            let mut improved = true;
            while improved {
                improved = false;
                let links = self.links(best.slot, level);
                self.warm_codes(links);
                for &next in links {
                    let distance = self.coded_distance(query, next);
                    if distance < best.distance {
                        best = Scored {
                            distance,
                            slot: next,
                        };
                        improved = true;
                    }
                }
            }
        }
        best
    }

    /// Best-first search of one level from `start`, leaving up to `ef`
    /// accepted nodes in `scratch.results` (a max-heap by distance).
    ///
    /// Each expansion marks the node's unvisited neighbours, prefetches
    /// their codes all at once (so the memory latencies overlap), then
    /// measures them in list order.
    pub(super) fn search_layer(
        &self,
        scratch: &mut SearchScratch,
        query: &[f32],
        start: Scored,
        ef: usize,
        level: usize,
        accept: &impl Fn(u32) -> bool,
    ) {
        let SearchScratch {
            visited,
            candidates,
            results,
            pending,
            ..
        } = scratch;
        visited.reset(self.live.len());
        candidates.clear();
        results.clear();
        visited.insert(start.slot);
        candidates.push(Reverse(start));
        if accept(start.slot) {
            results.push(start);
        }
        let mut bound = worst(results);
        while let Some(Reverse(current)) = candidates.pop() {
            if current.distance > bound && results.len() >= ef {
                break;
            }
            // The list after this one is most likely the next candidate's:
            // start loading it while this expansion computes.
            if let Some(Reverse(next)) = candidates.peek() {
                aios_simd::prefetch(self.links(next.slot, level));
            }
            pending.clear();
            let links = self.links(current.slot, level).iter().copied();
            pending.extend(links.filter(|&next| visited.insert(next)));
            self.warm_codes(pending);
            for &next in pending.iter() {
                let distance = self.coded_distance(query, next);
                if results.len() < ef || distance < bound {
                    let scored = Scored {
                        distance,
                        slot: next,
                    };
                    candidates.push(Reverse(scored));
                    if accept(next) {
                        bound = keep_best(results, scored, ef);
                    }
                }
            }
        }
        // The walk stops early only once `ef` results are in. Short of
        // that, it saw every node a path from `start` reaches, and the
        // graph is directed: pruned and repaired lists can leave a node
        // that no path from here reaches. The rest are then looked at
        // directly, so a search never returns fewer or farther results
        // than the index holds (in practice: small indexes, or a filter
        // that accepts few nodes).
        if level == 0 && results.len() < ef {
            for slot in 0..self.live.len() as u32 {
                if !self.live[slot as usize] || !visited.insert(slot) || !accept(slot) {
                    continue;
                }
                let distance = self.coded_distance(query, slot);
                if results.len() < ef || distance < bound {
                    bound = keep_best(results, Scored { distance, slot }, ef);
                }
            }
        }
    }
}

/// Adds `scored` to `results`, the best `ef` so far (a max-heap by
/// distance), dropping the worst beyond `ef`; returns the distance a
/// newcomer must now beat.
fn keep_best(results: &mut BinaryHeap<Scored>, scored: Scored, ef: usize) -> f32 {
    results.push(scored);
    if results.len() > ef {
        results.pop();
    }
    worst(results)
}

/// The worst distance in `results` (infinite while empty).
fn worst(results: &BinaryHeap<Scored>) -> f32 {
    results.peek().map_or(f32::INFINITY, |worst| worst.distance)
}
