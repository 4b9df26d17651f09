//! The one error type of the fabric and its vector index.

use crate::entry::AgentId;
use crate::region::RegionId;
use core::fmt;

/// Why a fabric or index operation was refused. Every variant is the
/// caller's to handle; nothing an agent passes in makes the fabric panic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FabricError {
    /// Index parameters out of range (zero dimension, M outside 2..=256).
    InvalidParams,
    /// A vector had the wrong number of components.
    DimensionMismatch {
        /// The dimension the index or fabric was created with.
        expected: usize,
        /// The dimension that was passed.
        found: usize,
    },
    /// A vector had zero length or a non-finite component.
    InvalidVector,
    /// The index already holds 2³² - 1 slots.
    IndexFull,
    /// No live vector has this index id.
    UnknownVector(u32),
    /// No region has this id.
    UnknownRegion(RegionId),
    /// The acting agent neither owns the region nor holds a grant to it.
    PermissionDenied {
        /// The agent that attempted the operation.
        agent: AgentId,
        /// The region it was refused.
        region: RegionId,
    },
    /// The acting agent holds only a read-only grant and tried to write.
    ReadOnly(RegionId),
    /// Only the region's owner may do this (share, revoke, merge).
    NotOwner(RegionId),
    /// The key is empty or longer than [`crate::MAX_KEY_LEN`] bytes.
    InvalidKey,
    /// The key does not exist in the acting agent's view of the region.
    UnknownKey,
    /// The key exists but this version is not (or no longer) kept.
    UnknownVersion(u64),
    /// No grant with this id exists on the region.
    UnknownGrant(u64),
    /// Leases belong to ephemeral regions; persistent entries do not expire.
    LeaseOnPersistent,
    /// `now + lease` does not fit in a u64 timestamp.
    LeaseOverflow,
    /// Storing would exceed the region's entry quota.
    EntryQuota {
        /// The region's entry limit.
        limit: usize,
    },
    /// Storing would exceed the region's byte quota.
    ByteQuota {
        /// The region's byte limit.
        limit: usize,
    },
    /// The persistence layer refused the write; nothing was changed.
    PersistFailed(&'static str),
    /// Only persistent regions take restored entries.
    NotPersistent(RegionId),
    /// A restored version is 0 or not above the key's newest.
    VersionOrder(u64),
}

impl fmt::Display for FabricError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidParams => write!(f, "invalid index parameters"),
            Self::DimensionMismatch { expected, found } => {
                write!(f, "vector has {found} components, expected {expected}")
            }
            Self::InvalidVector => write!(f, "vector is zero or not finite"),
            Self::IndexFull => write!(f, "vector index is full"),
            Self::UnknownVector(id) => write!(f, "no vector with id {id}"),
            Self::UnknownRegion(region) => write!(f, "no region {}", region.0),
            Self::PermissionDenied { agent, region } => {
                write!(f, "agent {agent} has no access to region {}", region.0)
            }
            Self::ReadOnly(region) => write!(f, "grant to region {} is read-only", region.0),
            Self::NotOwner(region) => {
                write!(f, "only the owner of region {} may do this", region.0)
            }
            Self::InvalidKey => write!(f, "key is empty or too long"),
            Self::UnknownKey => write!(f, "no such key"),
            Self::UnknownVersion(version) => write!(f, "version {version} is not kept"),
            Self::UnknownGrant(id) => write!(f, "no grant {id}"),
            Self::LeaseOnPersistent => write!(f, "persistent entries cannot carry a lease"),
            Self::LeaseOverflow => write!(f, "lease expiry overflows the clock"),
            Self::EntryQuota { limit } => write!(f, "region entry quota of {limit} reached"),
            Self::ByteQuota { limit } => write!(f, "region byte quota of {limit} reached"),
            Self::PersistFailed(reason) => write!(f, "persisting failed: {reason}"),
            Self::NotPersistent(region) => write!(f, "region {} is not persistent", region.0),
            Self::VersionOrder(version) => {
                write!(f, "version {version} does not follow the key's newest")
            }
        }
    }
}

impl core::error::Error for FabricError {}
