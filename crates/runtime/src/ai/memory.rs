//! The memory fabric behind `memory_store` and `memory_query`: regions
//! named by MemoryRegion capabilities, created by the first agent that
//! stores into one (its owner) and shared with later holders as their
//! handle allows (read-only, or read-write with copy-on-write: see
//! docs/fabric.md). A region is ephemeral (kernel memory, for this boot;
//! entries may carry leases) or persistent (written through to the object
//! store and reloaded at the next boot: `ai::persist`), as the store that
//! creates it asks. Queries by text use the kernel's model.

use super::persist::{Named, StorePersist};
use crate::Platform;
use crate::storage::Storage;
use aios_abi::Error;
use aios_abi::payload::MemoryHit;
use aios_fabric::{
    Access, AgentId, Fabric, FabricConfig, FabricError, Quota, RegionId, RegionKind,
};
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;

/// Dimension of the vectors the fabric indexes (the kernel model's).
pub(crate) const DIM: usize = 384;
/// Most entries and bytes a region holds.
const REGION_QUOTA: Quota = Quota {
    max_entries: 100_000,
    max_bytes: 64 << 20,
};

/// The fabric and its region names.
pub(crate) struct Memory {
    pub(crate) fabric: Fabric<StorePersist>,
    regions: BTreeMap<String, RegionId>,
    owners: BTreeMap<RegionId, AgentId>,
    /// (region, agent) pairs already granted access (the first use
    /// decides between read-only and read-write).
    shared: BTreeSet<(RegionId, AgentId)>,
}

/// The fabric's identity for an agent: a hash of its manifest name, so
/// every instance of an agent (restarts and reboots included) is the same
/// owner, as the policy engine sees subjects.
pub(crate) fn actor(name: &str) -> AgentId {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Memory {
    /// An empty fabric whose persistent regions go to `storage`'s store.
    pub(crate) fn new(storage: Arc<Storage>, platform: Arc<dyn Platform>) -> Option<Memory> {
        let persist = StorePersist::new(storage, platform);
        let fabric = Fabric::new(FabricConfig::new(DIM), persist).ok()?;
        Some(Memory {
            fabric,
            regions: BTreeMap::new(),
            owners: BTreeMap::new(),
            shared: BTreeSet::new(),
        })
    }

    /// The region named `name` as `actor` uses it, shared with `actor`
    /// if someone else owns it.
    ///
    /// To store (`create` is the kind the request asks for), the region
    /// is created for `actor` if new, must be of that kind if not
    /// (`InvalidArgument`), and is shared read-write; a persistent one
    /// needs a mounted store (`Unavailable`). To read (`create` is
    /// `None`), a region nobody created yet is `None` and others are
    /// shared read-only.
    pub(crate) fn region(
        &mut self,
        name: &str,
        actor: AgentId,
        create: Option<RegionKind>,
    ) -> Result<Option<RegionId>, Error> {
        if create == Some(RegionKind::Persistent) && !self.fabric.persist().available() {
            return Err(Error::Unavailable);
        }
        let Some(&region) = self.regions.get(name) else {
            let Some(kind) = create else {
                return Ok(None);
            };
            let region = self
                .fabric
                .create_region(actor, kind, REGION_QUOTA)
                .map_err(|e| to_abi(&e))?;
            if kind == RegionKind::Persistent {
                let named = Named {
                    name: String::from(name),
                    owner: actor,
                };
                if let Err(error) = self.fabric.persist_mut().create(region, named) {
                    // Still empty: dropping it writes nothing.
                    let _ = self.fabric.drop_region(actor, region);
                    return Err(error);
                }
            }
            self.regions.insert(String::from(name), region);
            self.owners.insert(region, actor);
            return Ok(Some(region));
        };
        if let Some(kind) = create {
            let persistent = self.fabric.persist().is_persistent(region);
            if persistent != (kind == RegionKind::Persistent) {
                return Err(Error::InvalidArgument);
            }
        }
        let owner = self.owners.get(&region).copied();
        if owner != Some(actor) && self.shared.insert((region, actor)) {
            let access = match create {
                Some(_) => Access::ReadWrite,
                None => Access::ReadOnly,
            };
            if let Some(owner) = owner {
                self.fabric
                    .share(owner, region, actor, access)
                    .map_err(|e| to_abi(&e))?;
            }
        }
        Ok(Some(region))
    }

    /// The persistent region `named` reloaded from the store: created
    /// (nothing written) unless it already is, with the same owner.
    pub(crate) fn adopt(&mut self, named: Named) -> Result<RegionId, String> {
        if let Some(&region) = self.regions.get(&named.name) {
            let owner = self.owners.get(&region).copied();
            if !self.fabric.persist().is_persistent(region) || owner != Some(named.owner) {
                return Err(format!("region {:?} is already in use", named.name));
            }
            return Ok(region);
        }
        let region = self
            .fabric
            .create_region(named.owner, RegionKind::Persistent, REGION_QUOTA)
            .map_err(|e| format!("{e}"))?;
        self.regions.insert(named.name.clone(), region);
        self.owners.insert(region, named.owner);
        self.fabric.persist_mut().adopt(region, named);
        Ok(region)
    }

    /// The syscall error for a fabric error: a failed write through to
    /// the store gives the store's error.
    pub(crate) fn error(&mut self, error: &FabricError) -> Error {
        match (error, self.fabric.persist_mut().take_failure()) {
            (FabricError::PersistFailed(_), Some(failure)) => failure,
            _ => to_abi(error),
        }
    }
}

impl crate::Inner {
    /// Runs `f` on the fabric (its expired entries dropped) for `agent`,
    /// whose turn at the store persistent writes take; `OutOfMemory` if
    /// the fabric could not be built at start.
    pub(crate) fn with_memory<R>(
        &self,
        agent: u64,
        f: impl FnOnce(&mut Memory, u64) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let now = self.platform.now_ns();
        let mut memory = self.memory.lock();
        let memory = memory.as_mut().ok_or(Error::OutOfMemory)?;
        memory.fabric.expire(now);
        memory.fabric.persist_mut().act_for(agent);
        f(memory, now)
    }
}

/// An entry as a query returns it, with its score.
pub(crate) fn hit(entry: &aios_fabric::Entry, score: f32) -> MemoryHit {
    MemoryHit {
        key: entry.key.clone(),
        value: entry.value.clone(),
        tags: entry.tags.clone(),
        version: entry.version,
        score_permille: (score * 1000.0) as i32,
    }
}

/// The syscall error for a fabric error.
pub(crate) fn to_abi(error: &FabricError) -> Error {
    match error {
        FabricError::UnknownKey
        | FabricError::UnknownVersion(_)
        | FabricError::UnknownRegion(_) => Error::NotFound,
        FabricError::PermissionDenied { .. }
        | FabricError::ReadOnly(_)
        | FabricError::NotOwner(_) => Error::PermissionDenied,
        FabricError::EntryQuota { .. } | FabricError::ByteQuota { .. } | FabricError::IndexFull => {
            Error::QuotaExceeded
        }
        FabricError::PersistFailed(_) => Error::DeviceError,
        _ => Error::InvalidArgument,
    }
}
