//! A fake persistence backend for the fabric tests.

use aios_fabric::{Entry, FabricError, Persist, RegionId};
use std::collections::BTreeMap;

/// Keeps what a store would hold and can be told to fail.
#[derive(Default, Debug)]
pub struct FakePersist {
    /// Newest persisted version per (region, key).
    pub records: BTreeMap<(u32, String), Entry>,
    /// Number of put and remove calls seen.
    pub calls: usize,
    /// When set, every call fails with this reason.
    pub fail: Option<&'static str>,
}

impl Persist for FakePersist {
    fn put(&mut self, entry: &Entry) -> Result<(), FabricError> {
        self.calls += 1;
        if let Some(reason) = self.fail {
            return Err(FabricError::PersistFailed(reason));
        }
        self.records
            .insert((entry.region.0, entry.key.clone()), entry.clone());
        Ok(())
    }

    fn remove(&mut self, region: RegionId, key: &str) -> Result<(), FabricError> {
        self.calls += 1;
        if let Some(reason) = self.fail {
            return Err(FabricError::PersistFailed(reason));
        }
        self.records.remove(&(region.0, key.to_string()));
        Ok(())
    }
}
