//! Regions: owner, kind, quota, grants and copy-on-write overlays.

use crate::entry::{AgentId, Entry};
use crate::error::FabricError;
use crate::hnsw::HnswParams;
use crate::keyspace::Keyspace;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;

/// Identifier of a region, unique within one fabric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RegionId(pub u32);

/// How long a region's entries live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionKind {
    /// Kept in memory only; entries may carry a lease and expire.
    Ephemeral,
    /// Written through [`crate::Persist`] on every change of the owner layer.
    Persistent,
}

/// Limits on what a region may hold, across its owner layer and overlays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    /// Most keys (a key copied into an overlay counts again).
    pub max_entries: usize,
    /// Most bytes of kept versions, as [`Entry::charged_bytes`] counts them.
    pub max_bytes: usize,
}

impl Quota {
    /// No limit beyond memory.
    pub const UNLIMITED: Self = Self {
        max_entries: usize::MAX,
        max_bytes: usize::MAX,
    };
}

/// Current consumption of a region, in the units of [`Quota`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    /// Keys in the owner layer and every overlay.
    pub entries: usize,
    /// Bytes of every kept version.
    pub bytes: usize,
}

/// What a grant lets its holder do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Read and query the owner's entries; writes are refused.
    ReadOnly,
    /// Also write, into the holder's own copy-on-write overlay.
    ReadWrite,
}

/// Permission for one agent to use another agent's region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    /// Identifier used to revoke the grant.
    pub id: u64,
    /// The shared region.
    pub region: RegionId,
    /// The agent the region is shared with.
    pub agent: AgentId,
    /// Read-only or read-write.
    pub access: Access,
}

/// How an agent relates to a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Owner,
    Reader,
    Writer,
}

/// A read-write grantee's private changes on top of the owner layer.
#[derive(Debug)]
pub(crate) struct Overlay {
    /// Versions the grantee wrote.
    pub(crate) space: Keyspace,
    /// For each key touched, the owner-layer version it was forked from
    /// (0 when the key did not exist in the owner layer then).
    pub(crate) forks: BTreeMap<String, u64>,
    /// Owner-layer keys the grantee deleted in its view.
    pub(crate) hidden: BTreeSet<String>,
}

impl Overlay {
    /// An overlay with no changes yet.
    pub(crate) fn new(index: HnswParams) -> Result<Self, FabricError> {
        Ok(Self {
            space: Keyspace::new(index)?,
            forks: BTreeMap::new(),
            hidden: BTreeSet::new(),
        })
    }

    /// Whether the overlay replaces or hides the owner's `key`.
    pub(crate) fn shadows(&self, key: &str) -> bool {
        self.hidden.contains(key) || self.space.chain(key).is_some()
    }
}

/// One region of the fabric.
#[derive(Debug)]
pub(crate) struct Region {
    pub(crate) owner: AgentId,
    pub(crate) kind: RegionKind,
    pub(crate) quota: Quota,
    pub(crate) base: Keyspace,
    pub(crate) overlays: BTreeMap<AgentId, Overlay>,
    pub(crate) grants: BTreeMap<u64, Grant>,
}

impl Region {
    /// The role of `agent`, or `None` if it may not touch the region.
    pub(crate) fn role(&self, agent: AgentId) -> Option<Role> {
        if agent == self.owner {
            return Some(Role::Owner);
        }
        let grant = self.grants.values().find(|grant| grant.agent == agent)?;
        Some(match grant.access {
            Access::ReadOnly => Role::Reader,
            Access::ReadWrite => Role::Writer,
        })
    }

    pub(crate) fn usage(&self) -> Usage {
        let overlays = self.overlays.values();
        Usage {
            entries: self.base.len() + overlays.clone().map(|o| o.space.len()).sum::<usize>(),
            bytes: self.base.bytes() + overlays.map(|o| o.space.bytes()).sum::<usize>(),
        }
    }

    /// The overlay `agent` reads through, if it is a writer with changes.
    pub(crate) fn overlay_of(&self, agent: AgentId) -> Option<&Overlay> {
        match self.role(agent) {
            Some(Role::Writer) => self.overlays.get(&agent),
            _ => None,
        }
    }

    /// The newest version of `key` in `agent`'s view.
    pub(crate) fn visible(&self, agent: AgentId, key: &str) -> Option<&Entry> {
        match self.overlay_of(agent) {
            Some(overlay) if overlay.hidden.contains(key) => None,
            Some(overlay) => overlay.space.latest(key).or_else(|| self.base.latest(key)),
            None => self.base.latest(key),
        }
    }
}
