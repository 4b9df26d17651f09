//! Bounds-checked little-endian field access within one table's bytes.

use crate::error::Error;

/// A table's bytes, tagged with its signature so a short read names the table.
#[derive(Clone, Copy)]
pub(crate) struct Bytes<'a> {
    signature: [u8; 4],
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    /// Wraps `data`, which belongs to the table `signature`.
    pub(crate) fn new(signature: [u8; 4], data: &'a [u8]) -> Bytes<'a> {
        Bytes { signature, data }
    }

    /// Number of bytes.
    pub(crate) fn len(&self) -> usize {
        self.data.len()
    }

    /// The error for a field that does not fit.
    pub(crate) fn truncated(&self) -> Error {
        Error::Truncated {
            signature: self.signature,
        }
    }

    /// The error for inconsistent contents.
    pub(crate) fn malformed(&self, reason: &'static str) -> Error {
        Error::Malformed {
            signature: self.signature,
            reason,
        }
    }

    /// The `len` bytes at `offset`, still tagged with the signature.
    pub(crate) fn sub(&self, offset: usize, len: usize) -> Result<Bytes<'a>, Error> {
        let end = offset.checked_add(len).ok_or(self.truncated())?;
        let data = self.data.get(offset..end).ok_or(self.truncated())?;
        Ok(Bytes {
            signature: self.signature,
            data,
        })
    }

    /// The bytes from `offset` to the end.
    pub(crate) fn tail(&self, offset: usize) -> Result<&'a [u8], Error> {
        self.data.get(offset..).ok_or(self.truncated())
    }

    /// The `N` bytes at `offset`.
    pub(crate) fn array<const N: usize>(&self, offset: usize) -> Result<[u8; N], Error> {
        let end = offset.checked_add(N).ok_or(self.truncated())?;
        let slice = self.data.get(offset..end).ok_or(self.truncated())?;
        let mut out = [0; N];
        out.copy_from_slice(slice);
        Ok(out)
    }

    /// The byte at `offset`.
    pub(crate) fn u8(&self, offset: usize) -> Result<u8, Error> {
        self.data.get(offset).copied().ok_or(self.truncated())
    }

    /// The little-endian `u16` at `offset`.
    pub(crate) fn u16(&self, offset: usize) -> Result<u16, Error> {
        self.array(offset).map(u16::from_le_bytes)
    }

    /// The little-endian `u32` at `offset`.
    pub(crate) fn u32(&self, offset: usize) -> Result<u32, Error> {
        self.array(offset).map(u32::from_le_bytes)
    }

    /// The little-endian `u64` at `offset`.
    pub(crate) fn u64(&self, offset: usize) -> Result<u64, Error> {
        self.array(offset).map(u64::from_le_bytes)
    }
}
