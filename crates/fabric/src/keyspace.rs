//! One layer of keys: version chains, byte accounting and the HNSW index.

use crate::entry::Entry;
use crate::error::FabricError;
use crate::hnsw::{Hnsw, HnswParams};
use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;

/// The kept versions of one key, oldest first, and the index slot of the
/// newest version's embedding.
#[derive(Debug, Default)]
pub(crate) struct Chain {
    pub(crate) versions: VecDeque<Entry>,
    slot: Option<u32>,
}

/// Keys with their version chains; only newest versions are indexed.
#[derive(Debug)]
pub(crate) struct Keyspace {
    chains: BTreeMap<String, Chain>,
    index: Hnsw,
    keys_by_slot: BTreeMap<u32, String>,
    bytes: usize,
}

impl Keyspace {
    pub(crate) fn new(params: HnswParams) -> Result<Self, FabricError> {
        Ok(Self {
            chains: BTreeMap::new(),
            index: Hnsw::new(params)?,
            keys_by_slot: BTreeMap::new(),
            bytes: 0,
        })
    }

    /// Number of keys.
    pub(crate) fn len(&self) -> usize {
        self.chains.len()
    }

    /// Bytes of every kept version.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    pub(crate) fn chain(&self, key: &str) -> Option<&Chain> {
        self.chains.get(key)
    }

    pub(crate) fn latest(&self, key: &str) -> Option<&Entry> {
        self.chains.get(key).and_then(|chain| chain.versions.back())
    }

    pub(crate) fn version(&self, key: &str, version: u64) -> Option<&Entry> {
        let chain = self.chains.get(key)?;
        chain.versions.iter().find(|entry| entry.version == version)
    }

    /// Newest version of every key, in key order.
    pub(crate) fn latest_entries(&self) -> impl Iterator<Item = &Entry> {
        self.chains
            .values()
            .filter_map(|chain| chain.versions.back())
    }

    pub(crate) fn index(&self) -> &Hnsw {
        &self.index
    }

    /// Newest entry whose embedding sits in index slot `slot`.
    pub(crate) fn entry_of_slot(&self, slot: u32) -> Option<&Entry> {
        self.latest(self.keys_by_slot.get(&slot)?)
    }

    /// What pushing `entry` would change: whether it adds a key, and the
    /// bytes of the version it would evict to stay within `max_versions`.
    pub(crate) fn push_cost(&self, entry: &Entry, max_versions: usize) -> (bool, usize) {
        match self.chains.get(&entry.key) {
            None => (true, 0),
            Some(chain) if chain.versions.len() >= max_versions => (
                false,
                chain.versions.front().map_or(0, Entry::charged_bytes),
            ),
            Some(_) => (false, 0),
        }
    }

    /// Appends `entry` as the newest version of its key, evicting the
    /// oldest beyond `max_versions` and re-indexing the embedding.
    pub(crate) fn push(&mut self, entry: Entry, max_versions: usize) -> Result<(), FabricError> {
        let new_slot = match &entry.embedding {
            Some(embedding) => Some(self.index.insert(embedding)?),
            None => None,
        };
        let chain = self.chains.entry(entry.key.clone()).or_default();
        if let Some(old) = chain.slot.take() {
            self.keys_by_slot.remove(&old);
            self.index.delete(old)?;
        }
        if let Some(slot) = new_slot {
            self.keys_by_slot.insert(slot, entry.key.clone());
            chain.slot = Some(slot);
        }
        self.bytes += entry.charged_bytes();
        chain.versions.push_back(entry);
        while chain.versions.len() > max_versions.max(1) {
            if let Some(evicted) = chain.versions.pop_front() {
                self.bytes -= evicted.charged_bytes();
            }
        }
        Ok(())
    }

    /// Removes `key` with all its versions, returning them.
    pub(crate) fn remove(&mut self, key: &str) -> Option<Chain> {
        let chain = self.chains.remove(key)?;
        if let Some(slot) = chain.slot {
            self.keys_by_slot.remove(&slot);
            // The slot was inserted by `push`, so it is live.
            let _ = self.index.delete(slot);
        }
        let freed: usize = chain.versions.iter().map(Entry::charged_bytes).sum();
        self.bytes -= freed;
        Some(chain)
    }
}
