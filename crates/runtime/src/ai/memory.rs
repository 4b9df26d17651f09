//! The memory fabric behind `memory_store` and `memory_query`: regions
//! named by MemoryRegion capabilities, created by the first agent that
//! uses one (its owner) and shared with later holders as their handle
//! allows (read-only, or read-write with copy-on-write: see
//! docs/fabric.md). Regions live in kernel memory for the boot: entries
//! may carry leases, and queries by text use the kernel's model.

use aios_abi::Error;
use aios_fabric::{
    Access, AgentId, Entry, Fabric, FabricConfig, FabricError, Persist, Quota, RegionId, RegionKind,
};
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;

/// Dimension of the vectors the fabric indexes (the kernel model's).
pub(crate) const DIM: usize = 384;
/// Most entries and bytes a region holds.
const REGION_QUOTA: Quota = Quota {
    max_entries: 100_000,
    max_bytes: 64 << 20,
};

/// Regions here are ephemeral, so the fabric never writes through; a
/// persistent region would be refused with this error rather than kept
/// in memory while claiming to be stored.
pub(crate) struct EphemeralOnly;

impl Persist for EphemeralOnly {
    fn put(&mut self, _entry: &Entry) -> Result<(), FabricError> {
        Err(FabricError::PersistFailed(
            "this kernel keeps memory regions for the boot only",
        ))
    }

    fn remove(&mut self, _region: RegionId, _key: &str) -> Result<(), FabricError> {
        Err(FabricError::PersistFailed(
            "this kernel keeps memory regions for the boot only",
        ))
    }
}

/// The fabric and its region names.
pub(crate) struct Memory {
    pub(crate) fabric: Fabric<EphemeralOnly>,
    regions: BTreeMap<String, RegionId>,
    owners: BTreeMap<RegionId, AgentId>,
    /// (region, agent) pairs already granted access (the first use
    /// decides between read-only and read-write).
    shared: BTreeSet<(RegionId, AgentId)>,
}

/// The fabric's identity for an agent: a hash of its manifest name, so
/// every instance of an agent (restarts included) is the same owner, as
/// the policy engine sees subjects.
pub(crate) fn actor(name: &str) -> AgentId {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Memory {
    /// An empty fabric.
    pub(crate) fn new() -> Option<Memory> {
        let fabric = Fabric::new(FabricConfig::new(DIM), EphemeralOnly).ok()?;
        Some(Memory {
            fabric,
            regions: BTreeMap::new(),
            owners: BTreeMap::new(),
            shared: BTreeSet::new(),
        })
    }

    /// The region named `name`, created for `actor` if new, and shared
    /// with `actor` (read-write if `write`) if someone else owns it.
    pub(crate) fn region(
        &mut self,
        name: &str,
        actor: AgentId,
        write: bool,
    ) -> Result<RegionId, Error> {
        let Some(&region) = self.regions.get(name) else {
            let region = self
                .fabric
                .create_region(actor, RegionKind::Ephemeral, REGION_QUOTA)
                .map_err(|e| to_abi(&e))?;
            self.regions.insert(String::from(name), region);
            self.owners.insert(region, actor);
            return Ok(region);
        };
        let owner = self.owners.get(&region).copied();
        if owner != Some(actor) && self.shared.insert((region, actor)) {
            let access = if write {
                Access::ReadWrite
            } else {
                Access::ReadOnly
            };
            if let Some(owner) = owner {
                self.fabric
                    .share(owner, region, actor, access)
                    .map_err(|e| to_abi(&e))?;
            }
        }
        Ok(region)
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
        FabricError::PersistFailed(_) => Error::NotSupported,
        _ => Error::InvalidArgument,
    }
}
