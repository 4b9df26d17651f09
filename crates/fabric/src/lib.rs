//! The memory fabric: versioned semantic memory with an HNSW vector index.
//!
//! A [`Fabric`] holds regions of entries (key, value, tags, embedding)
//! owned by agents. Every write makes a new version; reads can name one.
//! Regions are ephemeral (entries may expire) or persistent (written
//! through [`Persist`]), shared with other agents read-only or read-write,
//! where writes go to the writer's copy-on-write overlay until the owner
//! merges them. Each layer keeps an [`Hnsw`] index for similarity queries.
//! `docs/fabric.md` explains the model and the index design.
#![no_std]

extern crate alloc;

pub mod dataset;
pub mod distance;
mod entry;
mod error;
mod expire;
mod fabric;
pub mod hnsw;
mod keyspace;
mod persist;
mod query;
mod region;
mod restore;
pub mod rng;
mod share;
mod store;

pub use entry::{AgentId, Entry, MAX_KEY_LEN, StoreRequest};
pub use error::FabricError;
pub use fabric::{Fabric, FabricConfig};
pub use hnsw::{Hnsw, HnswParams, Neighbour, SearchScratch};
pub use persist::Persist;
pub use query::{Hit, Query};
pub use region::{Access, Grant, Quota, RegionId, RegionKind, Usage};
pub use share::MergeReport;
