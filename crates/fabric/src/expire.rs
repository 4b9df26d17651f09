//! Leases: dropping ephemeral entries whose lifetime has ended.

use crate::entry::Entry;
use crate::fabric::Fabric;
use crate::persist::Persist;
use crate::region::RegionKind;
use alloc::vec::Vec;

impl<P: Persist> Fabric<P> {
    /// Drops every entry of an ephemeral region whose newest version's
    /// lease ended at or before `now`; returns how many keys went.
    pub fn expire(&mut self, now: u64) -> usize {
        let mut dropped = 0;
        let expired = |e: &Entry| e.expires.is_some_and(|at| at <= now);
        for region in self.regions.values_mut() {
            if region.kind != RegionKind::Ephemeral {
                continue;
            }
            let keys: Vec<_> = region
                .base
                .latest_entries()
                .filter(|e| expired(e))
                .map(|e| e.key.clone())
                .collect();
            for key in keys {
                dropped += usize::from(region.base.remove(&key).is_some());
            }
            for overlay in region.overlays.values_mut() {
                let keys: Vec<_> = overlay
                    .space
                    .latest_entries()
                    .filter(|e| expired(e))
                    .map(|e| e.key.clone())
                    .collect();
                for key in keys {
                    dropped += usize::from(overlay.space.remove(&key).is_some());
                    overlay.forks.remove(&key);
                }
            }
        }
        dropped
    }
}
