//! Reloading the persistent regions kept in `aios.fabric` when a store is
//! attached: regions with their names and owners, entries as stored
//! (embeddings included, versions continuing). A record that does not
//! decode, sits under the wrong key or does not fit its region is
//! reported in the kernel log and skipped.

use super::record::{decode_entry, decode_region, entry_key, region_key};
use super::{FABRIC_NS, REQUEST_COST};
use crate::Inner;
use crate::ai::Memory;
use aios_abi::log_level;
use aios_store::{Error as StoreError, ListQuery};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The kernel's id at the I/O scheduler.
const KERNEL: u64 = 0;

/// What a record added.
enum Applied {
    Region,
    Entry,
}

impl Inner {
    /// Reloads every persistent region from the mounted store (creating
    /// the namespace on a store that has none) and logs what it found.
    pub(crate) fn reload_memory(&self) {
        // Lock order: `memory`, then the store, as for every write.
        let mut memory = self.memory.lock();
        let Some(memory) = memory.as_mut() else {
            return;
        };
        let keys = match self.fabric_keys() {
            Ok(keys) => keys,
            Err(why) => {
                let line =
                    format!("memory fabric: {FABRIC_NS} unreadable ({why}); nothing reloaded");
                self.platform.log(0, "kernel", log_level::ERROR, &line);
                return;
            }
        };
        let (mut regions, mut entries, mut skipped) = (0usize, 0usize, 0usize);
        for key in keys {
            let applied = self
                .fabric_record(&key)
                .and_then(|bytes| apply(memory, &key, &bytes));
            match applied {
                Ok(Applied::Region) => regions += 1,
                Ok(Applied::Entry) => entries += 1,
                Err(why) => {
                    skipped += 1;
                    let line = format!("memory fabric: record {FABRIC_NS}/{key} skipped: {why}");
                    self.platform.log(0, "kernel", log_level::WARN, &line);
                }
            }
        }
        let line = format!(
            "memory fabric: {regions} persistent regions and {entries} entries reloaded, \
             {skipped} damaged records skipped"
        );
        self.platform.log(0, "kernel", log_level::INFO, &line);
    }

    /// Every key in the namespace, in order (a region's record sorts
    /// before its entries); creates the namespace if it is missing.
    fn fabric_keys(&self) -> Result<Vec<String>, String> {
        let now = self.platform.now_ns();
        let turn = self
            .storage
            .turn(KERNEL, REQUEST_COST, now)
            .map_err(|e| format!("{e:?}"))?;
        let listed = turn
            .with(
                |m| match m.store.list(FABRIC_NS, &ListQuery::default(), None) {
                    Err(StoreError::NoNamespace) => m
                        .store
                        .create_namespace(FABRIC_NS, None, now)
                        .map(|()| Vec::new()),
                    other => other,
                },
            )
            .map_err(|e| format!("{e:?}"))?;
        let listed = listed.map_err(|e| format!("{e}"))?;
        Ok(listed.into_iter().map(|info| info.key).collect())
    }

    /// The stored bytes of record `key`.
    fn fabric_record(&self, key: &str) -> Result<Vec<u8>, String> {
        let now = self.platform.now_ns();
        let turn = self
            .storage
            .turn(KERNEL, REQUEST_COST, now)
            .map_err(|e| format!("{e:?}"))?;
        turn.with(|m| m.store.get(FABRIC_NS, key, None))
            .map_err(|e| format!("{e:?}"))?
            .map(|object| object.value)
            .map_err(|e| format!("{e}"))
    }
}

/// Puts one record back into `memory`.
fn apply(memory: &mut Memory, key: &str, bytes: &[u8]) -> Result<Applied, String> {
    if !key.contains('/') {
        let named = decode_region(bytes).ok_or("region record does not decode")?;
        if region_key(&named.name) != key {
            return Err(format!("region {:?} filed under another key", named.name));
        }
        memory.adopt(named)?;
        return Ok(Applied::Region);
    }
    let (named, entry) = decode_entry(bytes).ok_or("entry record does not decode")?;
    if entry_key(&named.name, &entry.key) != key {
        return Err(format!("entry {:?} filed under another key", entry.key));
    }
    let region = memory.adopt(named)?;
    memory
        .fabric
        .restore(region, entry)
        .map_err(|e| format!("{e}"))?;
    Ok(Applied::Entry)
}
