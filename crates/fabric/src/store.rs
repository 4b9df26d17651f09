//! Writes: storing a new version and deleting a key, with quota checks.

use crate::distance::normalize_into;
use crate::entry::{AgentId, Entry, MAX_KEY_LEN, StoreRequest};
use crate::error::FabricError;
use crate::fabric::Fabric;
use crate::persist::Persist;
use crate::region::{Overlay, RegionId, RegionKind, Role};
use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

impl<P: Persist> Fabric<P> {
    /// Stores a new version of `request.key` as `actor` at time `now` and
    /// returns its version number.
    ///
    /// The owner writes its own layer (and, for persistent regions,
    /// through [`Persist`] first); a read-write grantee writes its overlay,
    /// leaving the owner's entries unchanged; a read-only grantee is refused.
    pub fn store(
        &mut self,
        actor: AgentId,
        region: RegionId,
        request: StoreRequest<'_>,
        now: u64,
    ) -> Result<u64, FabricError> {
        let (found, role) = self.access(actor, region)?;
        if role == Role::Reader {
            return Err(FabricError::ReadOnly(region));
        }
        if request.key.is_empty() || request.key.len() > MAX_KEY_LEN {
            return Err(FabricError::InvalidKey);
        }
        let expires = match (request.lease, found.kind) {
            (None, _) => None,
            (Some(_), RegionKind::Persistent) => return Err(FabricError::LeaseOnPersistent),
            (Some(lease), RegionKind::Ephemeral) => {
                Some(now.checked_add(lease).ok_or(FabricError::LeaseOverflow)?)
            }
        };
        let embedding = match request.embedding {
            Some(vector) => Some(self.unit_embedding(vector)?),
            None => None,
        };
        let overlay = found.overlays.get(&actor);
        let (space, fork) = match (role, overlay) {
            (Role::Writer, Some(overlay)) => (
                Some(&overlay.space),
                overlay.forks.get(request.key).copied(),
            ),
            (Role::Writer, None) => (None, None),
            _ => (Some(&found.base), None),
        };
        let fork = match role {
            Role::Writer => Some(
                fork.unwrap_or_else(|| found.base.latest(request.key).map_or(0, |e| e.version)),
            ),
            _ => None,
        };
        let previous = space.and_then(|s| s.latest(request.key)).map(|e| e.version);
        let version = previous
            .or(fork)
            .unwrap_or(0)
            .checked_add(1)
            .ok_or(FabricError::IndexFull)?;
        let entry = Entry {
            key: request.key.to_owned(),
            value: request.value.to_vec(),
            tags: request.tags.iter().map(|&t| t.to_owned()).collect(),
            embedding,
            version,
            owner: actor,
            region,
            created: now,
            expires,
        };
        let (new_key, evicted) =
            space.map_or((true, 0), |s| s.push_cost(&entry, self.config.max_versions));
        let usage = found.usage();
        if new_key && usage.entries >= found.quota.max_entries {
            return Err(FabricError::EntryQuota {
                limit: found.quota.max_entries,
            });
        }
        let bytes = usage
            .bytes
            .saturating_sub(evicted)
            .saturating_add(entry.charged_bytes());
        if bytes > found.quota.max_bytes {
            return Err(FabricError::ByteQuota {
                limit: found.quota.max_bytes,
            });
        }
        let persistent = found.kind == RegionKind::Persistent;
        let (index, max_versions) = (self.config.index, self.config.max_versions);
        if role == Role::Owner && persistent {
            self.persist.put(&entry)?;
        }
        let found = self
            .regions
            .get_mut(&region)
            .ok_or(FabricError::UnknownRegion(region))?;
        if role == Role::Owner {
            found.base.push(entry, max_versions)?;
            return Ok(version);
        }
        let overlay = match found.overlays.entry(actor) {
            alloc::collections::btree_map::Entry::Occupied(slot) => slot.into_mut(),
            alloc::collections::btree_map::Entry::Vacant(slot) => slot.insert(Overlay::new(index)?),
        };
        overlay
            .forks
            .insert(String::from(request.key), fork.unwrap_or(0));
        overlay.hidden.remove(request.key);
        overlay.space.push(entry, max_versions)?;
        Ok(version)
    }

    /// Deletes `key` (all its versions) from `actor`'s view.
    ///
    /// The owner deletes from its layer; a read-write grantee drops its own
    /// copy and hides the owner's entry in its view until merged.
    pub fn delete(
        &mut self,
        actor: AgentId,
        region: RegionId,
        key: &str,
    ) -> Result<(), FabricError> {
        let (found, role) = self.access(actor, region)?;
        if role == Role::Reader {
            return Err(FabricError::ReadOnly(region));
        }
        if found.visible(actor, key).is_none() {
            return Err(FabricError::UnknownKey);
        }
        let base_version = found.base.latest(key).map(|e| e.version);
        if role == Role::Owner && found.kind == RegionKind::Persistent {
            self.persist.remove(region, key)?;
        }
        let found = self
            .regions
            .get_mut(&region)
            .ok_or(FabricError::UnknownRegion(region))?;
        if role == Role::Owner {
            found.base.remove(key);
            return Ok(());
        }
        if let Some(overlay) = found.overlays.get_mut(&actor) {
            overlay.space.remove(key);
            if let Some(base_version) = base_version {
                overlay
                    .forks
                    .entry(String::from(key))
                    .or_insert(base_version);
                overlay.hidden.insert(String::from(key));
            } else {
                overlay.forks.remove(key);
            }
            return Ok(());
        }
        // A writer with no overlay yet is hiding an owner entry.
        let mut overlay = Overlay::new(self.config.index)?;
        overlay
            .forks
            .insert(String::from(key), base_version.unwrap_or(0));
        overlay.hidden.insert(String::from(key));
        found.overlays.insert(actor, overlay);
        Ok(())
    }

    /// Checks the dimension and returns the embedding scaled to unit length.
    pub(crate) fn unit_embedding(&self, vector: &[f32]) -> Result<Vec<f32>, FabricError> {
        let expected = self.config.index.dim;
        if vector.len() != expected {
            return Err(FabricError::DimensionMismatch {
                expected,
                found: vector.len(),
            });
        }
        let mut unit = Vec::with_capacity(expected);
        if normalize_into(vector, &mut unit) {
            Ok(unit)
        } else {
            Err(FabricError::InvalidVector)
        }
    }
}
