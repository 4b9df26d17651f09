//! The store's one error type.

use crate::device::DeviceError;
use alloc::string::String;

/// Where a corrupt block was met: the namespace and key it hits when known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// The namespace being read, if known.
    pub namespace: Option<String>,
    /// The object key being read, if known.
    pub key: Option<String>,
    /// What the block was expected to hold ("tree node", "object data", ...).
    pub what: &'static str,
}

/// Everything a store operation can fail with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// No such object.
    NotFound,
    /// The namespace or snapshot already exists.
    Exists,
    /// No such namespace.
    NoNamespace,
    /// No such snapshot.
    NoSnapshot,
    /// A name, key, tag or content type breaks the rules; says which rule.
    InvalidName(&'static str),
    /// The write would take the namespace past its quota.
    QuotaExceeded {
        /// Bytes the namespace holds now.
        used: u64,
        /// Its quota.
        quota: u64,
        /// Bytes the write needed in total.
        needed: u64,
    },
    /// The device has no free block left for this write.
    NoSpace,
    /// The object, embedding or request is larger than the store allows.
    TooLarge,
    /// A block failed its checksum or does not hold what it should.
    Corrupt {
        /// The block.
        block: u64,
        /// What was being read.
        context: Context,
    },
    /// The device failed.
    Device(DeviceError),
    /// The device holds no store (no valid superblock).
    NotFormatted,
    /// The device is too small for a store.
    DeviceTooSmall,
    /// The upload was abandoned or belongs to another store.
    BadUpload,
}

impl From<DeviceError> for Error {
    fn from(e: DeviceError) -> Self {
        Error::Device(e)
    }
}

impl Error {
    /// Fills in the namespace and key of a `Corrupt` error that lacks them.
    pub(crate) fn at(mut self, namespace: &str, key: Option<&str>) -> Error {
        if let Error::Corrupt { context, .. } = &mut self {
            if context.namespace.is_none() {
                context.namespace = Some(String::from(namespace));
            }
            if context.key.is_none() {
                context.key = key.map(String::from);
            }
        }
        self
    }

    /// A corruption error for `block` holding `what`.
    pub(crate) fn corrupt(block: u64, what: &'static str) -> Error {
        Error::Corrupt {
            block,
            context: Context {
                what,
                ..Context::default()
            },
        }
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::NotFound => write!(f, "no such object"),
            Error::Exists => write!(f, "already exists"),
            Error::NoNamespace => write!(f, "no such namespace"),
            Error::NoSnapshot => write!(f, "no such snapshot"),
            Error::InvalidName(rule) => write!(f, "invalid name: {rule}"),
            Error::QuotaExceeded {
                used,
                quota,
                needed,
            } => write!(
                f,
                "quota exceeded: namespace uses {used} of {quota} bytes, write needs {needed}"
            ),
            Error::NoSpace => write!(f, "no space left on the device"),
            Error::TooLarge => write!(f, "too large"),
            Error::Corrupt { block, context } => {
                write!(f, "corrupt {} at block {block}", context.what)?;
                if let Some(ns) = &context.namespace {
                    write!(f, " (namespace {ns}")?;
                    if let Some(key) = &context.key {
                        write!(f, ", key {key}")?;
                    }
                    write!(f, ")")?;
                }
                Ok(())
            }
            Error::Device(e) => write!(f, "device error: {e}"),
            Error::NotFormatted => write!(f, "the device holds no AIOS store"),
            Error::DeviceTooSmall => write!(f, "the device is too small for a store"),
            Error::BadUpload => write!(f, "the upload is not open in this store"),
        }
    }
}
