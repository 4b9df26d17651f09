//! The persistence hook the kernel implements over the object store.

use crate::entry::Entry;
use crate::error::FabricError;
use crate::region::RegionId;

/// Durable storage for the owner layer of persistent regions.
///
/// The fabric calls it before changing memory on every write, delete and
/// merge that touches a persistent region's owner layer; if it fails, that
/// operation fails and memory is unchanged. Ephemeral regions and
/// copy-on-write overlays (drafts until merged) never reach it.
pub trait Persist {
    /// Records `entry` as the newest version of its key in its region.
    fn put(&mut self, entry: &Entry) -> Result<(), FabricError>;
    /// Forgets every version of `key` in `region`.
    fn remove(&mut self, region: RegionId, key: &str) -> Result<(), FabricError>;
}
