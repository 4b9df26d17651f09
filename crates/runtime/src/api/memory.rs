//! The API's memories: each token remembers into its own persistent
//! region of the memory fabric, `api.NAME`, owned by the subject
//! `api:NAME` and kept in the store across boots; texts are embedded by
//! the node's model, as `memory_store` and `memory_query` embed them.

use super::ApiError;
use crate::Runtime;
use crate::ai::hit;
use crate::post::API;
use aios_abi::Error;
use aios_abi::payload::MemoryHit;
use aios_fabric::{Query, RegionKind, StoreRequest};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// The region token `token` remembers into.
pub fn memory_region(token: &str) -> String {
    format!("api.{token}")
}

/// The fabric's identity for token `token`: its policy subject's name.
fn actor(token: &str) -> aios_fabric::AgentId {
    crate::ai::actor(&format!("api:{token}"))
}

/// Words for the errors a client can act on.
fn explained(error: Error) -> ApiError {
    match error {
        Error::Unavailable => ApiError::new(
            error,
            "memory needs the node's embedding model and a data disk; this node lacks one",
        ),
        Error::OutOfMemory => ApiError::new(error, "the memory fabric is not running"),
        error => ApiError::from(error),
    }
}

impl Runtime {
    /// Remembers `text` with `tags` in token `token`'s region, embedded
    /// by the node's model. The key is derived from the text (SHA3-256,
    /// first 8 bytes in hex), so the same text remembered again is a new
    /// version of the same memory. Without the model or a mounted store,
    /// `Unavailable`.
    pub fn api_remember(
        &self,
        token: &str,
        text: &str,
        tags: &[String],
    ) -> Result<String, ApiError> {
        let vector = self.inner.embed(text, |_| Ok(())).map_err(explained)?;
        let mut key = String::from("m");
        for byte in &aios_audit::fingerprint(text.as_bytes())[..8] {
            let _ = write!(key, "{byte:02x}");
        }
        let me = actor(token);
        let name = memory_region(token);
        self.inner
            .with_memory(API, |memory, now| {
                let region = memory
                    .region(&name, me, Some(RegionKind::Persistent))?
                    .ok_or(Error::NotFound)?;
                let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
                let request = StoreRequest::new(&key, text.as_bytes())
                    .tags(&tags)
                    .embedding(&vector);
                let stored = memory.fabric.store(me, region, request, now);
                stored.map_err(|e| memory.error(&e))
            })
            .map_err(explained)?;
        Ok(key)
    }

    /// The `k` (at most 100) memories of token `token` closest in
    /// meaning to `text`, best first; none before its first remember.
    pub fn api_recall(
        &self,
        token: &str,
        text: &str,
        k: usize,
    ) -> Result<Vec<MemoryHit>, ApiError> {
        let vector = self.inner.embed(text, |_| Ok(())).map_err(explained)?;
        let me = actor(token);
        let name = memory_region(token);
        self.inner
            .with_memory(API, |memory, _| {
                let Some(region) = memory.region(&name, me, None)? else {
                    return Ok(Vec::new());
                };
                let query = Query {
                    tags: Vec::new(),
                    vector: None,
                    text_vector: Some(vector),
                    k: k.clamp(1, 100),
                    // The k closest, however far: a client ranks by score.
                    min_score: -1.0,
                };
                let found = memory
                    .fabric
                    .query(me, &[region], &query)
                    .map_err(|e| crate::ai::to_abi(&e))?;
                Ok(found.iter().map(|h| hit(h.entry, h.score)).collect())
            })
            .map_err(explained)
    }
}
