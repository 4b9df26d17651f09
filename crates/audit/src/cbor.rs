//! Canonical CBOR writing and bounded reading shared by records and exports.

use alloc::vec::Vec;
use core::convert::Infallible;

use minicbor::encode::Error as EncodeError;
use minicbor::{Decoder, Encoder};

use crate::AuditError;

/// The encoder every writer here gets: writes into a `Vec`.
pub(crate) type Writer<'a> = Encoder<&'a mut Vec<u8>>;

/// Runs `write` into a fresh buffer.
///
/// minicbor always writes definite lengths and the shortest integer heads,
/// which is the canonical form of RFC 8949 §4.2.1 for the values used here.
pub(crate) fn to_vec(
    write: impl FnOnce(&mut Writer<'_>) -> Result<(), EncodeError<Infallible>>,
) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail: its write error type is Infallible and
    // the writers here only emit plain integers, strings and lengths.
    let _ = write(&mut Encoder::new(&mut out));
    out
}

/// Reads a definite array header of exactly `len` entries.
pub(crate) fn expect_array(d: &mut Decoder<'_>, len: u64) -> Result<(), AuditError> {
    match d.array()? {
        Some(n) if n == len => Ok(()),
        _ => Err(AuditError::Malformed),
    }
}

/// Reads a definite array header and returns its length, refusing lengths
/// that cannot fit in the bytes left (each entry takes at least `min_entry`).
pub(crate) fn array_len(d: &mut Decoder<'_>, min_entry: usize) -> Result<usize, AuditError> {
    let len = d.array()?.ok_or(AuditError::Malformed)?;
    let len = usize::try_from(len).map_err(|_| AuditError::Truncated)?;
    let left = d.input().len().saturating_sub(d.position());
    match len.checked_mul(min_entry) {
        Some(needed) if needed <= left => Ok(len),
        _ => Err(AuditError::Truncated),
    }
}

/// Reads a byte string of exactly 32 bytes.
pub(crate) fn hash(d: &mut Decoder<'_>) -> Result<[u8; 32], AuditError> {
    <[u8; 32]>::try_from(d.bytes()?).map_err(|_| AuditError::Malformed)
}
