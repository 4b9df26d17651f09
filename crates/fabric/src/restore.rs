//! Restoring: putting back, after a reboot, the entries a persistent
//! region wrote through [`Persist`], without writing them again.

use crate::distance::dot;
use crate::entry::{Entry, MAX_KEY_LEN};
use crate::error::FabricError;
use crate::fabric::Fabric;
use crate::persist::Persist;
use crate::region::{RegionId, RegionKind};

/// How far a restored embedding's squared length may be from 1.
const UNIT_TOLERANCE: f32 = 1e-3;

impl<P: Persist> Fabric<P> {
    /// Puts `entry` back as the newest version of its key in the owner
    /// layer of the persistent region `region`, as [`Persist::put`] was
    /// given it: its version, writer, tags and embedding are kept as they
    /// are, so later stores continue from that version and nothing is
    /// embedded again. Nothing is written through [`Persist`].
    ///
    /// Refused for an ephemeral region (`NotPersistent`), a bad key, an
    /// embedding of the wrong dimension or not of unit length, a version
    /// not above the key's newest (`VersionOrder`), a lease, and beyond the
    /// region's quota; the fabric is then unchanged.
    pub fn restore(&mut self, region: RegionId, mut entry: Entry) -> Result<(), FabricError> {
        let found = self
            .regions
            .get(&region)
            .ok_or(FabricError::UnknownRegion(region))?;
        if found.kind != RegionKind::Persistent {
            return Err(FabricError::NotPersistent(region));
        }
        if entry.expires.is_some() {
            return Err(FabricError::LeaseOnPersistent);
        }
        if entry.key.is_empty() || entry.key.len() > MAX_KEY_LEN {
            return Err(FabricError::InvalidKey);
        }
        if let Some(embedding) = &entry.embedding {
            let expected = self.config.index.dim;
            if embedding.len() != expected {
                return Err(FabricError::DimensionMismatch {
                    expected,
                    found: embedding.len(),
                });
            }
            let finite = embedding.iter().all(|x| x.is_finite());
            if !finite || (dot(embedding, embedding) - 1.0).abs() > UNIT_TOLERANCE {
                return Err(FabricError::InvalidVector);
            }
        }
        let newest = found.base.latest(&entry.key).map_or(0, |e| e.version);
        if entry.version <= newest {
            return Err(FabricError::VersionOrder(entry.version));
        }
        entry.region = region;
        let max_versions = self.config.max_versions;
        let (new_key, evicted) = found.base.push_cost(&entry, max_versions);
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
        let found = self
            .regions
            .get_mut(&region)
            .ok_or(FabricError::UnknownRegion(region))?;
        found.base.push(entry, max_versions)
    }
}
