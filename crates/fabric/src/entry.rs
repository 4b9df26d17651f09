//! Entries: one version of a key with its value, tags and embedding.

use crate::region::RegionId;
use alloc::string::String;
use alloc::vec::Vec;

/// The kernel's identifier of an agent.
pub type AgentId = u64;

/// Longest key accepted, in bytes.
pub const MAX_KEY_LEN: usize = 1024;

/// One stored version of a key.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key, unique within one view of a region.
    pub key: String,
    /// The opaque value.
    pub value: Vec<u8>,
    /// Labels a query can filter on.
    pub tags: Vec<String>,
    /// Unit-length embedding, if the entry is searchable by similarity.
    pub embedding: Option<Vec<f32>>,
    /// Version of the key, counting from 1; each update adds one.
    pub version: u64,
    /// The agent that wrote this version.
    pub owner: AgentId,
    /// The region the entry lives in.
    pub region: RegionId,
    /// Time of the write (the caller's clock, nanoseconds).
    pub created: u64,
    /// Time after which [`crate::Fabric::expire`] drops the entry.
    pub expires: Option<u64>,
}

impl Entry {
    /// Bytes charged to the region's quota for keeping this version.
    pub fn charged_bytes(&self) -> usize {
        let tags: usize = self.tags.iter().map(String::len).sum();
        let embedding = self.embedding.as_ref().map_or(0, |e| e.len() * 4);
        self.key.len() + self.value.len() + tags + embedding
    }

    /// Whether the entry carries every tag in `tags`.
    pub fn has_tags(&self, tags: &[String]) -> bool {
        tags.iter().all(|wanted| self.tags.contains(wanted))
    }
}

/// What to store: the arguments of [`crate::Fabric::store`].
#[derive(Clone, Copy, Debug)]
pub struct StoreRequest<'a> {
    /// The key to create or update.
    pub key: &'a str,
    /// The new value.
    pub value: &'a [u8],
    /// Tags of the new version.
    pub tags: &'a [&'a str],
    /// Embedding of the new version (normalised on the way in).
    pub embedding: Option<&'a [f32]>,
    /// Lifetime in nanoseconds from `now`; ephemeral regions only.
    pub lease: Option<u64>,
}

impl<'a> StoreRequest<'a> {
    /// A request for `key` = `value` with no tags, embedding or lease.
    pub fn new(key: &'a str, value: &'a [u8]) -> Self {
        Self {
            key,
            value,
            tags: &[],
            embedding: None,
            lease: None,
        }
    }

    /// The same request with `tags`.
    pub fn tags(self, tags: &'a [&'a str]) -> Self {
        Self { tags, ..self }
    }

    /// The same request with an embedding.
    pub fn embedding(self, embedding: &'a [f32]) -> Self {
        Self {
            embedding: Some(embedding),
            ..self
        }
    }

    /// The same request with a lease of `lease` nanoseconds.
    pub fn lease(self, lease: u64) -> Self {
        Self {
            lease: Some(lease),
            ..self
        }
    }
}
