//! HNSW: a hierarchical navigable small-world graph for cosine search.
//!
//! Nodes live in slots (`u32`). Vectors sit in one flat `Vec<f32>`. What
//! a walk reads sits in one flat run of fixed-stride level-0 records,
//! `[codes..., count, n0, n1, ...]`: the node's vector as 8-bit codes (one
//! byte per component, four to a word), then its neighbour list, each
//! record a whole number of cache lines. Walks, for queries and inserts
//! alike, measure distances from the codes (a quarter of the vector's
//! bytes, next to the list read when the node is expanded) and re-rank
//! what they found by the exact vectors. The rare upper levels get one
//! small vector of lists per node. Deleting a node unlinks it from every
//! list and re-links its in-neighbours, so a freed slot is never reachable
//! and can be reused by the next insert.

mod delete;
mod insert;
mod links;
mod records;
mod scratch;
mod search;
mod warm;

pub use scratch::SearchScratch;

use crate::distance::{Kernel, code_words};
use crate::error::FabricError;
use crate::rng::Rng;
use alloc::vec::Vec;
use records::{LINE_WORDS, LineAligned};

/// Highest level a node may be assigned (far above what 2³² nodes need).
const MAX_LEVEL: usize = 16;

/// Construction and search parameters of an [`Hnsw`] index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HnswParams {
    /// Vector dimension; every inserted and queried vector must have it.
    pub dim: usize,
    /// Neighbours per node on upper levels (twice this on level 0).
    pub m: usize,
    /// Candidate list size while inserting: larger builds a better graph.
    pub ef_construction: usize,
    /// Default candidate list size while searching.
    pub ef_search: usize,
    /// Seed of the level-assignment generator: same seed, same graph.
    pub seed: u64,
}

impl HnswParams {
    /// The usual parameters (M 16, ef_construction 200, ef_search 64).
    pub fn new(dim: usize) -> Self {
        Self {
            dim,
            m: 16,
            ef_construction: 200,
            ef_search: 64,
            seed: 0x5EED,
        }
    }
}

/// One search hit: the node id and its cosine similarity to the query.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbour {
    /// Id returned by [`Hnsw::insert`].
    pub id: u32,
    /// Cosine similarity in [-1, 1]; larger is closer.
    pub score: f32,
}

/// An HNSW index over unit vectors with incremental insert and delete.
#[derive(Debug)]
pub struct Hnsw {
    params: HnswParams,
    level_scale: f64,
    vectors: Vec<f32>,
    /// Level-0 records: codes, list count, `2m` list places, padding to
    /// a whole number of cache lines.
    base: LineAligned,
    /// Words per level-0 record.
    base_stride: usize,
    upper_links: Vec<Vec<u32>>,
    levels: Vec<u8>,
    live: Vec<bool>,
    free: Vec<u32>,
    entry: Option<u32>,
    max_level: usize,
    len: usize,
    rng: Rng,
    scratch: SearchScratch,
    kernel: Kernel,
}

impl Hnsw {
    /// Creates an empty index computing with the fastest kernel this CPU
    /// allows; refuses a zero dimension, `m < 2` or `m > 256`.
    pub fn new(params: HnswParams) -> Result<Self, FabricError> {
        Self::with_kernel(params, Kernel::detect())
    }

    /// Like [`Hnsw::new`], computing with `kernel`.
    pub fn with_kernel(params: HnswParams, kernel: Kernel) -> Result<Self, FabricError> {
        if params.dim == 0 || params.m < 2 || params.m > 256 || params.ef_construction == 0 {
            return Err(FabricError::InvalidParams);
        }
        Ok(Self {
            params,
            level_scale: 1.0 / libm::log(params.m as f64),
            vectors: Vec::new(),
            base: LineAligned::default(),
            base_stride: (code_words(params.dim) + 1 + 2 * params.m).next_multiple_of(LINE_WORDS),
            upper_links: Vec::new(),
            levels: Vec::new(),
            live: Vec::new(),
            free: Vec::new(),
            entry: None,
            max_level: 0,
            len: 0,
            rng: Rng::new(params.seed),
            scratch: SearchScratch::new(),
            kernel,
        })
    }

    /// The parameters the index was built with.
    pub fn params(&self) -> &HnswParams {
        &self.params
    }

    /// Number of live (inserted, not deleted) vectors.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the index holds no live vector.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `id` names a live vector.
    pub fn contains(&self, id: u32) -> bool {
        self.live.get(id as usize).copied().unwrap_or(false)
    }

    /// The stored (normalised) vector of a live `id`.
    pub fn vector(&self, id: u32) -> Option<&[f32]> {
        self.contains(id).then(|| self.slot_vector(id))
    }

    /// Ids of every live vector, ascending.
    pub fn ids(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.live.len() as u32).filter(|&id| self.live[id as usize])
    }

    fn slot_vector(&self, slot: u32) -> &[f32] {
        let start = slot as usize * self.params.dim;
        &self.vectors[start..start + self.params.dim]
    }

    /// Where `slot`'s codes lie: at the start of its level-0 record.
    fn code_range(&self, slot: u32) -> core::ops::Range<usize> {
        let start = slot as usize * self.base_stride;
        start..start + code_words(self.params.dim)
    }

    /// The distance from `query` to `slot`'s vector as its codes give it:
    /// the cosine to the codes' direction (a unit vector's scale is the
    /// inverse of its codes' norm, so none is stored).
    #[inline]
    fn coded_distance(&self, query: &[f32], slot: u32) -> f32 {
        let (dot, square) = self
            .kernel
            .dot_codes(query, &self.base[self.code_range(slot)]);
        if square > 0.0 {
            1.0 - dot / libm::sqrtf(square)
        } else {
            1.0
        }
    }

    /// The exact distance from `query` to `slot`'s vector.
    fn distance(&self, query: &[f32], slot: u32) -> f32 {
        1.0 - self.kernel.dot(query, self.slot_vector(slot))
    }

    fn slot_distance(&self, a: u32, b: u32) -> f32 {
        1.0 - self.kernel.dot(self.slot_vector(a), self.slot_vector(b))
    }
}
