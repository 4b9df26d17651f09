//! Persistent memory-fabric regions, written through to the object
//! store's kernel namespace `aios.fabric` and reloaded when a store is
//! attached (docs/fabric.md, "Persistent regions").
//!
//! Each persistent region has a region record (its name and owner) and one
//! entry record per key holding the key's newest version; the record
//! formats and keys are in [`record`]. Writes happen while the fabric's
//! lock is held, so the lock order is `memory` before `storage`; nothing
//! takes them the other way round.

mod record;
mod reload;

use crate::Platform;
use crate::storage::{Disk, Storage, to_abi as store_to_abi};
use aios_abi::Error;
use aios_fabric::{AgentId, Entry, FabricError, Persist, RegionId};
use aios_store::{Error as StoreError, PutMeta, Store};
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;

/// The kernel's namespace for persistent regions.
pub(crate) const FABRIC_NS: &str = "aios.fabric";
/// What a request costs at the device beyond its data (a metadata block).
const REQUEST_COST: u64 = 4096;

/// A persistent region's identity: what survives a reboot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Named {
    /// The MemoryRegion name agents know it by.
    pub(crate) name: String,
    /// The owner (hash of its manifest name, see `ai::actor`).
    pub(crate) owner: AgentId,
}

/// The fabric's [`Persist`] backend over the mounted object store.
pub(crate) struct StorePersist {
    storage: Arc<Storage>,
    platform: Arc<dyn Platform>,
    /// Persistent regions by id; a region not here is ephemeral.
    regions: BTreeMap<RegionId, Named>,
    /// The agent whose I/O turn a write takes (the caller of the syscall).
    agent: u64,
    /// The syscall error of the last failed write, until taken.
    failure: Option<Error>,
}

/// The reason every failed write gives the fabric; the syscall error is
/// kept aside (see [`StorePersist::take_failure`]).
const REFUSED: FabricError = FabricError::PersistFailed("the object store refused the write");

impl StorePersist {
    /// A backend writing to whatever store `storage` has mounted.
    pub(crate) fn new(storage: Arc<Storage>, platform: Arc<dyn Platform>) -> StorePersist {
        StorePersist {
            storage,
            platform,
            regions: BTreeMap::new(),
            agent: 0,
            failure: None,
        }
    }

    /// Charges later writes' device time to `agent`.
    pub(crate) fn act_for(&mut self, agent: u64) {
        self.agent = agent;
    }

    /// Whether a store is mounted to persist to.
    pub(crate) fn available(&self) -> bool {
        self.storage.mounted_now()
    }

    /// Whether `region` is persistent.
    pub(crate) fn is_persistent(&self, region: RegionId) -> bool {
        self.regions.contains_key(&region)
    }

    /// Records a new persistent region in the store, then remembers it.
    pub(crate) fn create(&mut self, region: RegionId, named: Named) -> Result<(), Error> {
        let key = record::region_key(&named.name);
        let bytes = record::encode_region(&named);
        self.write(bytes.len(), |store, now| {
            store.put(FABRIC_NS, &key, &bytes, &meta(), now).map(drop)
        })?;
        self.regions.insert(region, named);
        Ok(())
    }

    /// Remembers a region reloaded from the store (nothing is written).
    pub(crate) fn adopt(&mut self, region: RegionId, named: Named) {
        self.regions.insert(region, named);
    }

    /// The syscall error behind the last `PersistFailed`, if any.
    pub(crate) fn take_failure(&mut self) -> Option<Error> {
        self.failure.take()
    }

    /// Runs `f` on the store in the acting agent's turn at the device.
    fn write(
        &mut self,
        size: usize,
        f: impl FnOnce(&mut Store<Disk>, u64) -> Result<(), StoreError>,
    ) -> Result<(), Error> {
        let now = self.platform.now_ns();
        let cost = (size as u64).saturating_add(REQUEST_COST);
        let turn = self.storage.turn(self.agent, cost, now)?;
        turn.with(|mounted| f(&mut mounted.store, now))?
            .map_err(|e| store_to_abi(&e))
    }

    /// Keeps `error` for the syscall and refuses the fabric's operation.
    fn refuse(&mut self, error: Error) -> FabricError {
        self.failure = Some(error);
        REFUSED
    }
}

impl Persist for StorePersist {
    fn put(&mut self, entry: &Entry) -> Result<(), FabricError> {
        self.failure = None;
        let Some(named) = self.regions.get(&entry.region) else {
            return Err(self.refuse(Error::NotFound));
        };
        let key = record::entry_key(&named.name, &entry.key);
        let bytes = record::encode_entry(named, entry);
        self.write(bytes.len(), |store, now| {
            store.put(FABRIC_NS, &key, &bytes, &meta(), now).map(drop)
        })
        .map_err(|e| self.refuse(e))
    }

    fn remove(&mut self, region: RegionId, key: &str) -> Result<(), FabricError> {
        self.failure = None;
        let Some(named) = self.regions.get(&region) else {
            return Err(self.refuse(Error::NotFound));
        };
        let key = record::entry_key(&named.name, key);
        self.write(0, |store, now| match store.delete(FABRIC_NS, &key, now) {
            Ok(()) | Err(StoreError::NotFound) => Ok(()),
            Err(e) => Err(e),
        })
        .map_err(|e| self.refuse(e))
    }
}

/// Metadata of every record.
fn meta() -> PutMeta {
    PutMeta {
        content_type: String::from("application/cbor"),
        tags: alloc::vec![String::from("fabric")],
        embedding: None,
    }
}
