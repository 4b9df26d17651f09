//! The fabric: regions by id, access checks, reads and expiry.

use crate::entry::{AgentId, Entry};
use crate::error::FabricError;
use crate::hnsw::HnswParams;
use crate::keyspace::Keyspace;
use crate::persist::Persist;
use crate::region::{Quota, Region, RegionId, RegionKind, Role, Usage};
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

/// Settings shared by every region of a fabric.
#[derive(Clone, Copy, Debug)]
pub struct FabricConfig {
    /// Index parameters; `dim` is the embedding dimension of every entry.
    pub index: HnswParams,
    /// Versions kept per key (at least 1).
    pub max_versions: usize,
    /// Filtered vector queries matching at most this many entries are
    /// answered by exact scan instead of the graph.
    pub exact_below: usize,
}

impl FabricConfig {
    /// Defaults for embeddings of `dim` components: 8 versions kept.
    pub fn new(dim: usize) -> Self {
        Self {
            index: HnswParams::new(dim),
            max_versions: 8,
            exact_below: 2048,
        }
    }
}

/// Versioned semantic memory shared between agents.
#[derive(Debug)]
pub struct Fabric<P: Persist> {
    pub(crate) config: FabricConfig,
    pub(crate) regions: BTreeMap<RegionId, Region>,
    next_region: u32,
    pub(crate) next_grant: u64,
    pub(crate) persist: P,
}

impl<P: Persist> Fabric<P> {
    /// An empty fabric writing persistent regions through `persist`.
    pub fn new(config: FabricConfig, persist: P) -> Result<Self, FabricError> {
        Keyspace::new(config.index)?;
        Ok(Self {
            config,
            regions: BTreeMap::new(),
            next_region: 0,
            next_grant: 1,
            persist,
        })
    }

    /// The persistence backend.
    pub fn persist(&self) -> &P {
        &self.persist
    }

    /// The persistence backend, mutably (tests use it to inject failures).
    pub fn persist_mut(&mut self) -> &mut P {
        &mut self.persist
    }

    /// Creates a region owned by `owner`.
    pub fn create_region(
        &mut self,
        owner: AgentId,
        kind: RegionKind,
        quota: Quota,
    ) -> Result<RegionId, FabricError> {
        let id = RegionId(self.next_region);
        self.next_region = self
            .next_region
            .checked_add(1)
            .ok_or(FabricError::IndexFull)?;
        let region = Region {
            owner,
            kind,
            quota,
            base: Keyspace::new(self.config.index)?,
            overlays: BTreeMap::new(),
            grants: BTreeMap::new(),
        };
        self.regions.insert(id, region);
        Ok(id)
    }

    /// Removes a region and everything in it; owner only.
    pub fn drop_region(&mut self, actor: AgentId, region: RegionId) -> Result<(), FabricError> {
        let found = self.owned(actor, region)?;
        if found.kind == RegionKind::Persistent {
            let keys: Vec<_> = found.base.latest_entries().map(|e| e.key.clone()).collect();
            for key in keys {
                self.persist.remove(region, &key)?;
                if let Some(found) = self.regions.get_mut(&region) {
                    found.base.remove(&key);
                }
            }
        }
        self.regions.remove(&region);
        Ok(())
    }

    /// The region and `actor`'s role in it, or why it may not touch it.
    pub(crate) fn access(
        &self,
        actor: AgentId,
        region: RegionId,
    ) -> Result<(&Region, Role), FabricError> {
        let found = self
            .regions
            .get(&region)
            .ok_or(FabricError::UnknownRegion(region))?;
        let role = found.role(actor).ok_or(FabricError::PermissionDenied {
            agent: actor,
            region,
        })?;
        Ok((found, role))
    }

    /// The region if `actor` owns it.
    pub(crate) fn owned(&self, actor: AgentId, region: RegionId) -> Result<&Region, FabricError> {
        match self.access(actor, region)? {
            (found, Role::Owner) => Ok(found),
            _ => Err(FabricError::NotOwner(region)),
        }
    }

    /// Reads `key` as `actor` sees it: the newest version, or `version`.
    ///
    /// A read-write grantee sees its overlay over the owner's entries; an
    /// older version it did not write itself comes from the owner layer.
    pub fn get(
        &self,
        actor: AgentId,
        region: RegionId,
        key: &str,
        version: Option<u64>,
    ) -> Result<&Entry, FabricError> {
        let (found, _) = self.access(actor, region)?;
        let newest = found.visible(actor, key).ok_or(FabricError::UnknownKey)?;
        let Some(wanted) = version else {
            return Ok(newest);
        };
        let overlay = found.overlay_of(actor);
        overlay
            .and_then(|o| o.space.version(key, wanted))
            .or_else(|| {
                let fork = overlay.and_then(|o| o.forks.get(key).copied());
                match fork {
                    Some(fork) if wanted > fork => None,
                    _ => found.base.version(key, wanted),
                }
            })
            .ok_or(FabricError::UnknownVersion(wanted))
    }

    /// The kept version numbers of `key` in `actor`'s view, oldest first.
    pub fn versions(
        &self,
        actor: AgentId,
        region: RegionId,
        key: &str,
    ) -> Result<Vec<u64>, FabricError> {
        let newest = self.get(actor, region, key, None)?.version;
        let (found, _) = self.access(actor, region)?;
        let mut versions: Vec<u64> = Vec::new();
        for space in [Some(&found.base), found.overlay_of(actor).map(|o| &o.space)]
            .into_iter()
            .flatten()
        {
            if let Some(chain) = space.chain(key) {
                versions.extend(chain.versions.iter().map(|e| e.version));
            }
        }
        versions.retain(|&v| v <= newest && self.get(actor, region, key, Some(v)).is_ok());
        versions.sort_unstable();
        versions.dedup();
        Ok(versions)
    }

    /// What the region holds now against its quota; any agent with access.
    pub fn usage(&self, actor: AgentId, region: RegionId) -> Result<Usage, FabricError> {
        Ok(self.access(actor, region)?.0.usage())
    }
}
