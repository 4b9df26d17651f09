//! Queries: by tags, by vector similarity, or tag filter plus ranking.

use crate::distance::dot;
use crate::entry::{AgentId, Entry};
use crate::error::FabricError;
use crate::fabric::Fabric;
use crate::hnsw::{Neighbour, SearchScratch};
use crate::keyspace::Keyspace;
use crate::persist::Persist;
use crate::region::{Overlay, RegionId};
use alloc::string::String;
use alloc::vec::Vec;

/// What to look for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Query {
    /// Entries must carry every one of these tags.
    pub tags: Vec<String>,
    /// Rank by cosine similarity to this vector.
    pub vector: Option<Vec<f32>>,
    /// Rank by similarity to the embedding of a query text (computed by
    /// the caller's embedder). With `vector` too, the score is the mean of
    /// both similarities.
    pub text_vector: Option<Vec<f32>>,
    /// Most hits returned.
    pub k: usize,
    /// Hits scoring below this are dropped (vector queries only).
    pub min_score: f32,
}

/// One query result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit<'a> {
    /// Mean cosine similarity to the query vectors; 1.0 for tag-only queries.
    pub score: f32,
    /// The newest visible version of the matching entry.
    pub entry: &'a Entry,
}

impl<P: Persist> Fabric<P> {
    /// Runs `query` over `regions` as `actor` sees them, best first.
    ///
    /// Without a vector, hits are the newest tag-matching entries, most
    /// recent first. With one, entries without an embedding never match;
    /// small filtered sets are scored exactly, larger ones through each
    /// layer's HNSW index with the filter applied during the walk.
    pub fn query(
        &self,
        actor: AgentId,
        regions: &[RegionId],
        query: &Query,
    ) -> Result<Vec<Hit<'_>>, FabricError> {
        let mut vectors = Vec::new();
        for vector in [&query.vector, &query.text_vector].into_iter().flatten() {
            vectors.push(self.unit_embedding(vector)?);
        }
        let mut hits: Vec<Hit<'_>> = Vec::new();
        for &region in regions {
            let (found, _) = self.access(actor, region)?;
            let overlay = found.overlay_of(actor);
            let base_visible = |entry: &Entry| overlay.is_none_or(|o| !o.shadows(&entry.key));
            self.search_space(&found.base, query, &vectors, &base_visible, &mut hits)?;
            if let Some(Overlay { space, .. }) = overlay {
                self.search_space(space, query, &vectors, &|_| true, &mut hits)?;
            }
        }
        if vectors.is_empty() {
            hits.sort_by(|a, b| {
                b.entry
                    .created
                    .cmp(&a.entry.created)
                    .then(a.entry.key.cmp(&b.entry.key))
            });
        } else {
            hits.retain(|hit| hit.score >= query.min_score);
            hits.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then(a.entry.key.cmp(&b.entry.key))
            });
        }
        hits.truncate(query.k);
        Ok(hits)
    }

    /// Adds the hits of one keyspace, restricted to entries `visible` allows.
    fn search_space<'a>(
        &self,
        space: &'a Keyspace,
        query: &Query,
        vectors: &[Vec<f32>],
        visible: &dyn Fn(&Entry) -> bool,
        hits: &mut Vec<Hit<'a>>,
    ) -> Result<(), FabricError> {
        let accept = |entry: &Entry| entry.has_tags(&query.tags) && visible(entry);
        if vectors.is_empty() {
            hits.extend(
                space
                    .latest_entries()
                    .filter(|e| accept(e))
                    .map(|entry| Hit { score: 1.0, entry }),
            );
            return Ok(());
        }
        let score = |entry: &Entry| {
            let embedding = entry.embedding.as_deref().unwrap_or(&[]);
            vectors.iter().map(|v| dot(v, embedding)).sum::<f32>() / vectors.len() as f32
        };
        let indexed = space.index().len();
        let small = indexed <= self.config.exact_below
            || (!query.tags.is_empty()
                && space
                    .latest_entries()
                    .filter(|e| e.embedding.is_some() && accept(e))
                    .count()
                    <= self.config.exact_below);
        if small {
            let mut found: Vec<Hit<'a>> = space
                .latest_entries()
                .filter(|e| e.embedding.is_some() && accept(e))
                .map(|entry| Hit {
                    score: score(entry),
                    entry,
                })
                .collect();
            found.sort_by(|a, b| b.score.total_cmp(&a.score));
            found.truncate(query.k);
            hits.extend(found);
            return Ok(());
        }
        let mut scratch = SearchScratch::new();
        let mut neighbours: Vec<Neighbour> = Vec::new();
        let mut seen: Vec<u32> = Vec::new();
        let ef = self.config.index.ef_search.max(query.k);
        let slot_ok = |slot: u32| space.entry_of_slot(slot).is_some_and(accept);
        for vector in vectors {
            space.index().search_with(
                &mut scratch,
                vector,
                query.k,
                ef,
                slot_ok,
                &mut neighbours,
            )?;
            seen.extend(neighbours.iter().map(|n| n.id));
        }
        seen.sort_unstable();
        seen.dedup();
        hits.extend(
            seen.iter()
                .filter_map(|&slot| space.entry_of_slot(slot))
                .map(|entry| Hit {
                    score: score(entry),
                    entry,
                }),
        );
        Ok(())
    }
}
