//! Sharing: grants, and merging or discarding copy-on-write overlays.

use crate::entry::AgentId;
use crate::error::FabricError;
use crate::fabric::Fabric;
use crate::persist::Persist;
use crate::region::{Access, Grant, RegionId, RegionKind};
use alloc::string::String;
use alloc::vec::Vec;

/// Outcome of [`Fabric::merge`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Keys whose overlay versions (or deletion) now stand in the owner layer.
    pub merged: Vec<String>,
    /// Keys the owner changed after the grantee forked them; they stay in
    /// the overlay, untouched, until discarded.
    pub conflicts: Vec<String>,
}

impl<P: Persist> Fabric<P> {
    /// Shares `region` with `agent`, replacing any grant it already held;
    /// owner only. Narrowing a grant to read-only keeps the overlay, which
    /// becomes invisible to the agent until it is widened again.
    pub fn share(
        &mut self,
        actor: AgentId,
        region: RegionId,
        agent: AgentId,
        access: Access,
    ) -> Result<Grant, FabricError> {
        self.owned(actor, region)?;
        let id = self.next_grant;
        self.next_grant = id.checked_add(1).ok_or(FabricError::IndexFull)?;
        let grant = Grant {
            id,
            region,
            agent,
            access,
        };
        let found = self
            .regions
            .get_mut(&region)
            .ok_or(FabricError::UnknownRegion(region))?;
        found.grants.retain(|_, existing| existing.agent != agent);
        found.grants.insert(id, grant);
        Ok(grant)
    }

    /// Withdraws a grant; the holder's unmerged overlay is discarded. Owner only.
    pub fn revoke(
        &mut self,
        actor: AgentId,
        region: RegionId,
        grant: u64,
    ) -> Result<(), FabricError> {
        self.owned(actor, region)?;
        let found = self
            .regions
            .get_mut(&region)
            .ok_or(FabricError::UnknownRegion(region))?;
        let removed = found
            .grants
            .remove(&grant)
            .ok_or(FabricError::UnknownGrant(grant))?;
        found.overlays.remove(&removed.agent);
        Ok(())
    }

    /// Drops `agent`'s overlay unmerged; the owner or the agent itself.
    pub fn discard(
        &mut self,
        actor: AgentId,
        region: RegionId,
        agent: AgentId,
    ) -> Result<(), FabricError> {
        let (found, _) = self.access(actor, region)?;
        if actor != agent && actor != found.owner {
            return Err(FabricError::NotOwner(region));
        }
        if let Some(found) = self.regions.get_mut(&region) {
            found.overlays.remove(&agent);
        }
        Ok(())
    }

    /// Folds `agent`'s overlay into the owner layer; owner only.
    ///
    /// A key merges if the owner's newest version is still the one the
    /// agent forked from: its overlay versions are appended to the owner's
    /// chain (their numbers already continue it), or the owner's key is
    /// deleted if the agent deleted it. Other keys are conflicts and stay
    /// in the overlay. Each key is persisted before it changes, so a
    /// persistence failure stops the merge with earlier keys merged.
    pub fn merge(
        &mut self,
        actor: AgentId,
        region: RegionId,
        agent: AgentId,
    ) -> Result<MergeReport, FabricError> {
        let found = self.owned(actor, region)?;
        let mut report = MergeReport::default();
        let Some(overlay) = found.overlays.get(&agent) else {
            return Ok(report);
        };
        let persistent = found.kind == RegionKind::Persistent;
        let max_versions = self.config.max_versions;
        let keys: Vec<(String, u64)> = overlay.forks.iter().map(|(k, &f)| (k.clone(), f)).collect();
        for (key, fork) in keys {
            let found = self
                .regions
                .get_mut(&region)
                .ok_or(FabricError::UnknownRegion(region))?;
            let current = found.base.latest(&key).map_or(0, |e| e.version);
            if current != fork {
                report.conflicts.push(key);
                continue;
            }
            let Some(overlay) = found.overlays.get_mut(&agent) else {
                break;
            };
            let versions = overlay.space.chain(&key).map(|c| c.versions.clone());
            match versions {
                Some(versions) => {
                    if let (true, Some(newest)) = (persistent, versions.back()) {
                        self.persist.put(newest)?;
                    }
                    for entry in versions {
                        found.base.push(entry, max_versions)?;
                    }
                }
                None if overlay.hidden.contains(&key) => {
                    if persistent {
                        self.persist.remove(region, &key)?;
                    }
                    found.base.remove(&key);
                }
                None => {}
            }
            if let Some(overlay) = found.overlays.get_mut(&agent) {
                overlay.space.remove(&key);
                overlay.hidden.remove(&key);
                overlay.forks.remove(&key);
            }
            report.merged.push(key);
        }
        Ok(report)
    }
}
