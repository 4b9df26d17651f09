//! The object store of the fake host: namespaces of objects in memory,
//! with whole-namespace snapshots.

use crate::Error;
use aios_abi::Error as Abi;
use aios_abi::payload::{SnapshotEntry, StoreObjectInfo};
use std::collections::BTreeMap;

type Objects = BTreeMap<String, (StoreObjectInfo, Vec<u8>)>;

/// Namespaces and their snapshots.
#[derive(Debug, Default)]
pub struct FakeStore {
    /// Objects by namespace, then key.
    pub namespaces: BTreeMap<String, Objects>,
    /// Snapshots by namespace, then name.
    pub snapshots: BTreeMap<String, BTreeMap<String, Objects>>,
    /// Namespaces the console may not touch.
    pub forbidden: Vec<String>,
}

impl FakeStore {
    fn check(&self, ns: &str) -> Result<(), Error> {
        if self.forbidden.iter().any(|f| f == ns) {
            return Err(Error::Syscall(Abi::PermissionDenied));
        }
        Ok(())
    }

    pub fn list(&mut self, ns: &str) -> Result<Vec<StoreObjectInfo>, Error> {
        self.check(ns)?;
        Ok(self
            .namespaces
            .get(ns)
            .map(|objects| objects.values().map(|(info, _)| info.clone()).collect())
            .unwrap_or_default())
    }

    pub fn put(&mut self, ns: &str, key: &str, value: &[u8], now: u64) -> Result<(), Error> {
        self.check(ns)?;
        let objects = self.namespaces.entry(ns.to_string()).or_default();
        let version = objects.get(key).map_or(1, |(info, _)| info.version + 1);
        let info = StoreObjectInfo {
            key: key.to_string(),
            size: value.len() as u64,
            version,
            created_ns: now,
            modified_ns: now,
            content_type: "text/plain".to_string(),
            ..StoreObjectInfo::default()
        };
        objects.insert(key.to_string(), (info, value.to_vec()));
        Ok(())
    }

    pub fn get(&mut self, ns: &str, key: &str) -> Result<(StoreObjectInfo, Vec<u8>), Error> {
        self.check(ns)?;
        self.namespaces
            .get(ns)
            .and_then(|objects| objects.get(key))
            .cloned()
            .ok_or(Error::Syscall(Abi::NotFound))
    }

    pub fn delete(&mut self, ns: &str, key: &str) -> Result<(), Error> {
        self.check(ns)?;
        self.namespaces
            .get_mut(ns)
            .and_then(|objects| objects.remove(key))
            .map(drop)
            .ok_or(Error::Syscall(Abi::NotFound))
    }

    pub fn snapshot(&mut self, ns: &str, name: &str) -> Result<(), Error> {
        self.check(ns)?;
        let current = self.namespaces.get(ns).cloned().unwrap_or_default();
        let taken = self.snapshots.entry(ns.to_string()).or_default();
        if taken.contains_key(name) {
            return Err(Error::Syscall(Abi::Exists));
        }
        taken.insert(name.to_string(), current);
        Ok(())
    }

    pub fn list_snapshots(&mut self, ns: &str) -> Result<Vec<SnapshotEntry>, Error> {
        self.check(ns)?;
        Ok(self
            .snapshots
            .get(ns)
            .map(|taken| {
                taken
                    .keys()
                    .map(|name| SnapshotEntry {
                        name: name.clone(),
                        created_ns: 0,
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    pub fn rollback(&mut self, ns: &str, name: &str) -> Result<(), Error> {
        self.check(ns)?;
        let objects = self
            .snapshots
            .get(ns)
            .and_then(|taken| taken.get(name))
            .cloned()
            .ok_or(Error::Syscall(Abi::NotFound))?;
        self.namespaces.insert(ns.to_string(), objects);
        Ok(())
    }
}
