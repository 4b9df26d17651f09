//! Why a bundle could not be parsed or built.

use core::fmt;

/// Everything that can be wrong with a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The bytes end before the structure they announce.
    Truncated,
    /// The first eight bytes are not `AIOSBNDL`.
    BadMagic,
    /// The version field names a format this crate does not know.
    UnsupportedVersion(u32),
    /// More entries than [`MAX_ENTRIES`](crate::MAX_ENTRIES).
    TooManyEntries,
    /// An entry name is empty or longer than [`MAX_NAME_LEN`](crate::MAX_NAME_LEN).
    BadNameLength(usize),
    /// An entry name is not valid UTF-8.
    NameNotUtf8,
    /// Two entries share a name.
    DuplicateName,
    /// A padding byte is not zero.
    NonZeroPadding,
    /// A length does not fit the address space.
    LengthOverflow,
    /// Bytes follow the last entry.
    TrailingBytes,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("the bundle is truncated"),
            Error::BadMagic => f.write_str("the bundle does not start with AIOSBNDL"),
            Error::UnsupportedVersion(v) => write!(f, "bundle format version {v} is not supported"),
            Error::TooManyEntries => {
                write!(f, "the bundle has more than {} entries", crate::MAX_ENTRIES)
            }
            Error::BadNameLength(n) => write!(
                f,
                "an entry name is {n} bytes long (must be 1..={})",
                crate::MAX_NAME_LEN
            ),
            Error::NameNotUtf8 => f.write_str("an entry name is not valid UTF-8"),
            Error::DuplicateName => f.write_str("two bundle entries have the same name"),
            Error::NonZeroPadding => f.write_str("a padding byte in the bundle is not zero"),
            Error::LengthOverflow => f.write_str("an entry length overflows the address space"),
            Error::TrailingBytes => f.write_str("bytes follow the last bundle entry"),
        }
    }
}

impl core::error::Error for Error {}

impl From<aios_wire::ReadError> for Error {
    fn from(error: aios_wire::ReadError) -> Error {
        match error {
            aios_wire::ReadError::Truncated => Error::Truncated,
            aios_wire::ReadError::Overflow => Error::LengthOverflow,
        }
    }
}
