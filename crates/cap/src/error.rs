//! The error type of capability and quota operations.

use core::fmt;

/// Why a capability or quota operation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapError {
    /// The handle names nothing in the caller's table: never issued,
    /// revoked, of an older generation, or the caller has no table.
    StaleHandle,
    /// The capability lacks a right the operation needs.
    PermissionDenied,
    /// The capability designates a different kind of resource.
    WrongKind,
    /// Not enough quota (capability quota or agent quota) is left.
    QuotaExceeded,
    /// The capability's expiry time has passed.
    Expired,
    /// The receiving table has no free slot.
    TableFull,
    /// A derivation asked for more than the source holds: extra rights, an
    /// unlimited quota from a limited one, or a later (or no) expiry.
    NotAttenuated,
    /// The agent named as owner or recipient has no table.
    NoSuchAgent,
}

impl CapError {
    /// A short description.
    pub fn describe(self) -> &'static str {
        match self {
            CapError::StaleHandle => "stale or unknown handle",
            CapError::PermissionDenied => "the capability lacks a needed right",
            CapError::WrongKind => "capability of the wrong kind",
            CapError::QuotaExceeded => "quota exceeded",
            CapError::Expired => "capability expired",
            CapError::TableFull => "capability table full",
            CapError::NotAttenuated => "derivation would widen the capability",
            CapError::NoSuchAgent => "no such agent",
        }
    }
}

impl fmt::Display for CapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

impl From<CapError> for aios_abi::Error {
    fn from(error: CapError) -> Self {
        use aios_abi::Error;
        match error {
            CapError::StaleHandle | CapError::Expired => Error::StaleHandle,
            CapError::PermissionDenied | CapError::NotAttenuated => Error::PermissionDenied,
            CapError::WrongKind => Error::WrongKind,
            CapError::QuotaExceeded | CapError::TableFull => Error::QuotaExceeded,
            CapError::NoSuchAgent => Error::NotFound,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_onto_abi_errors() {
        use aios_abi::Error;
        let cases = [
            (CapError::StaleHandle, Error::StaleHandle),
            (CapError::Expired, Error::StaleHandle),
            (CapError::PermissionDenied, Error::PermissionDenied),
            (CapError::NotAttenuated, Error::PermissionDenied),
            (CapError::WrongKind, Error::WrongKind),
            (CapError::QuotaExceeded, Error::QuotaExceeded),
            (CapError::TableFull, Error::QuotaExceeded),
            (CapError::NoSuchAgent, Error::NotFound),
        ];
        for (cap, abi) in cases {
            assert_eq!(Error::from(cap), abi);
        }
    }
}
