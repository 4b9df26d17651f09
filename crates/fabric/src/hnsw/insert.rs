//! Inserting a vector: level draw, slot allocation and linking.

use super::scratch::Scored;
use super::{Hnsw, MAX_LEVEL};
use crate::distance::quantize;
use crate::error::FabricError;
use alloc::vec;
use alloc::vec::Vec;

impl Hnsw {
    /// Inserts `vector` (normalised on the way in) and returns its id.
    ///
    /// Ids of deleted vectors are reused. Fails on a wrong dimension, a
    /// zero or non-finite vector, or when 2³² - 1 slots are in use.
    pub fn insert(&mut self, vector: &[f32]) -> Result<u32, FabricError> {
        let mut unit = Vec::with_capacity(self.params.dim);
        self.normalise_query(vector, &mut unit)?;
        let level = self.random_level();
        let slot = self.allocate(&unit, level)?;
        self.len += 1;
        let Some(entry) = self.entry else {
            self.entry = Some(slot);
            self.max_level = level;
            return Ok(slot);
        };
        let mut scratch = core::mem::take(&mut self.scratch);
        let mut start = self.descend(&unit, entry, self.max_level, level);
        let mut selected = Vec::with_capacity(self.params.m);
        for layer in (0..=level.min(self.max_level)).rev() {
            let ef = self.params.ef_construction;
            // The new node is live already; it must not become its own neighbour.
            self.search_layer(&mut scratch, &unit, start, ef, layer, &|other| {
                other != slot
            });
            self.rerank(&mut scratch, &unit);
            if let Some(closest) = scratch.sorted.first() {
                // The next level's walk compares coded distances.
                start = Scored {
                    distance: self.coded_distance(&unit, closest.slot),
                    slot: closest.slot,
                };
            }
            self.select_neighbours(&scratch.sorted, self.params.m, false, &mut selected);
            self.set_links(slot, layer, &selected);
            for &neighbour in &selected {
                self.link_back(neighbour, slot, layer);
            }
        }
        self.scratch = scratch;
        if level > self.max_level {
            self.entry = Some(slot);
            self.max_level = level;
        }
        Ok(slot)
    }

    /// Draws a level with P(level ≥ l) = M^-l, from the seeded generator.
    fn random_level(&mut self) -> usize {
        let draw = -libm::log(self.rng.next_open_f64()) * self.level_scale;
        (draw as usize).min(MAX_LEVEL)
    }

    /// Takes a free slot (or a new one) for a vector of `level` levels.
    fn allocate(&mut self, unit: &[f32], level: usize) -> Result<u32, FabricError> {
        let upper = vec![0u32; level * (1 + self.params.m)];
        let dim = self.params.dim;
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                let slot = u32::try_from(self.live.len())
                    .ok()
                    .filter(|&s| s < u32::MAX)
                    .ok_or(FabricError::IndexFull)?;
                self.vectors.resize(self.vectors.len() + dim, 0.0);
                self.base.extend_zeroed(self.base_stride);
                self.upper_links.push(Vec::new());
                self.levels.push(0);
                self.live.push(false);
                slot
            }
        };
        let index = slot as usize;
        self.vectors[index * dim..(index + 1) * dim].copy_from_slice(unit);
        let codes = self.code_range(slot);
        quantize(unit, &mut self.base[codes]);
        self.set_links(slot, 0, &[]);
        self.upper_links[index] = upper;
        self.levels[index] = level as u8;
        self.live[index] = true;
        Ok(slot)
    }

    /// Chooses up to `m` neighbours from `sorted` (closest first) by the
    /// HNSW heuristic: keep a candidate only if it is closer to the base
    /// than to every neighbour already kept, which spreads links across
    /// directions instead of packing them into one cluster. With
    /// `top_up`, free places are then filled with the closest pruned ones.
    pub(super) fn select_neighbours(
        &self,
        sorted: &[Scored],
        m: usize,
        top_up: bool,
        out: &mut Vec<u32>,
    ) {
        out.clear();
        if sorted.len() < m {
            out.extend(sorted.iter().map(|s| s.slot));
            return;
        }
        for candidate in sorted {
            if out.len() >= m {
                break;
            }
            let diverse = out
                .iter()
                .all(|&kept| self.slot_distance(candidate.slot, kept) >= candidate.distance);
            if diverse {
                out.push(candidate.slot);
            }
        }
        // Repairs top up with the closest pruned candidates: duplicates and
        // tight clusters otherwise leave a node with one or two links after
        // losing a neighbour, which can cut it off from the graph.
        if !top_up {
            return;
        }
        for candidate in sorted {
            if out.len() >= m {
                break;
            }
            if !out.contains(&candidate.slot) {
                out.push(candidate.slot);
            }
        }
    }

    /// Adds `new` to the list of `node` on `level`, re-selecting the list by
    /// the heuristic when it is full.
    fn link_back(&mut self, node: u32, new: u32, level: usize) {
        if self.links(node, level).contains(&new) || self.push_link(node, level, new) {
            return;
        }
        let current = self.links(node, level);
        let candidates: Vec<u32> = current.iter().copied().chain([new]).collect();
        self.relink(node, level, false, candidates.into_iter());
    }

    /// Rebuilds the list of `node` on `level` from `candidates` by the
    /// heuristic (duplicates and `node` itself are dropped).
    pub(super) fn relink(
        &mut self,
        node: u32,
        level: usize,
        top_up: bool,
        candidates: impl Iterator<Item = u32>,
    ) {
        let mut scored: Vec<Scored> = candidates
            .filter(|&c| c != node)
            .map(|slot| Scored {
                distance: self.slot_distance(node, slot),
                slot,
            })
            .collect();
        scored.sort_unstable();
        scored.dedup_by_key(|s| s.slot);
        let mut chosen = Vec::with_capacity(self.max_links(level));
        self.select_neighbours(&scored, self.max_links(level), top_up, &mut chosen);
        self.set_links(node, level, &chosen);
    }
}
