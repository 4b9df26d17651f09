//! Why a manifest was rejected, a component did not match, or signing failed.

use core::fmt;

/// Everything that can go wrong with a boot manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The manifest ends before the structure it announces.
    Truncated,
    /// The manifest does not start with `AIOSSIG1`.
    BadMagic,
    /// The manifest version is not one this loader knows.
    UnsupportedVersion(u32),
    /// The component count is 0 or above [`MAX_COMPONENTS`](crate::MAX_COMPONENTS).
    BadComponentCount(u32),
    /// A component name is empty, too long, not UTF-8 or not zero padded.
    BadComponentName,
    /// Two components share a name.
    DuplicateComponent,
    /// Bytes follow the signature.
    TrailingBytes,
    /// The manifest was signed by a key other than the one trusted here.
    KeyMismatch,
    /// The trusted public key is not an encoded ML-DSA-65 key.
    BadPublicKey,
    /// The signature field is not an encoded ML-DSA-65 signature.
    BadSignature,
    /// The signature does not verify over the manifest with the trusted key.
    SignatureMismatch,
    /// The component is not listed in the manifest.
    UnknownComponent,
    /// The component's size differs from the signed size.
    SizeMismatch {
        /// Size recorded in the manifest.
        expected: u64,
        /// Size of the bytes checked.
        actual: u64,
    },
    /// The component's SHA3-256 digest differs from the signed digest.
    DigestMismatch {
        /// Digest recorded in the manifest.
        expected: [u8; 32],
        /// Digest of the bytes checked.
        actual: [u8; 32],
    },
    /// The signing key could not be generated or could not sign.
    SigningFailed,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("the signed manifest is truncated"),
            Error::BadMagic => f.write_str("the signed manifest does not start with AIOSSIG1"),
            Error::UnsupportedVersion(v) => {
                write!(f, "signed manifest version {v} is not supported")
            }
            Error::BadComponentCount(n) => write!(
                f,
                "the signed manifest lists {n} components (must be 1..={})",
                crate::MAX_COMPONENTS
            ),
            Error::BadComponentName => {
                f.write_str("a component name in the signed manifest is malformed")
            }
            Error::DuplicateComponent => f.write_str("the signed manifest lists a component twice"),
            Error::TrailingBytes => f.write_str("bytes follow the signature of the manifest"),
            Error::KeyMismatch => f.write_str("the manifest was signed by an untrusted key"),
            Error::BadPublicKey => f.write_str("the trusted public key is not an ML-DSA-65 key"),
            Error::BadSignature => f.write_str("the manifest signature is malformed"),
            Error::SignatureMismatch => f.write_str("the manifest signature is not valid"),
            Error::UnknownComponent => {
                f.write_str("the component is not listed in the signed manifest")
            }
            Error::SizeMismatch { expected, actual } => write!(
                f,
                "the component is {actual} bytes but the signed size is {expected}"
            ),
            Error::DigestMismatch { expected, actual } => {
                f.write_str("the component's sha3-256 ")?;
                write_hex_prefix(f, actual)?;
                f.write_str("... differs from the signed ")?;
                write_hex_prefix(f, expected)?;
                f.write_str("...")
            }
            Error::SigningFailed => f.write_str("signing the manifest failed"),
        }
    }
}

/// Writes the first eight bytes of a digest as hex: enough to tell digests apart.
fn write_hex_prefix(f: &mut fmt::Formatter<'_>, digest: &[u8; 32]) -> fmt::Result {
    digest[..8].iter().try_for_each(|b| write!(f, "{b:02x}"))
}

impl core::error::Error for Error {}

impl From<aios_wire::ReadError> for Error {
    fn from(error: aios_wire::ReadError) -> Error {
        match error {
            aios_wire::ReadError::Truncated => Error::Truncated,
            aios_wire::ReadError::Overflow => Error::Truncated,
        }
    }
}
