//! How store errors reach agents.

use aios_abi::Error;
use aios_store::Error as StoreError;

/// The syscall error for a store error. Corruption and device failures
/// keep their own codes: an agent must be able to tell "not there" from
/// "there but unreadable".
pub(crate) fn to_abi(error: &StoreError) -> Error {
    match error {
        StoreError::NotFound | StoreError::NoNamespace | StoreError::NoSnapshot => Error::NotFound,
        StoreError::Exists => Error::Exists,
        StoreError::InvalidName(_) | StoreError::BadUpload => Error::InvalidArgument,
        StoreError::QuotaExceeded { .. } | StoreError::NoSpace => Error::NoSpace,
        StoreError::TooLarge => Error::BadLength,
        StoreError::Corrupt { .. } => Error::Corrupt,
        StoreError::Device(_) => Error::DeviceError,
        StoreError::NotFormatted | StoreError::DeviceTooSmall => Error::Unavailable,
    }
}
