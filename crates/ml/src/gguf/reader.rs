//! Bounds-checked little-endian cursor over the bytes of a GGUF file.

use crate::error::{Error, Result};

/// A cursor that never reads past the end of its slice.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// Starts reading at the first byte.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    /// Current offset from the start of the file.
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Bytes not yet read.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// Takes the next `n` bytes.
    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or(Error::Truncated {
            what: "gguf: length overflow",
        })?;
        let out = self.bytes.get(self.pos..end).ok_or(Error::Truncated {
            what: "gguf: unexpected end of file",
        })?;
        self.pos = end;
        Ok(out)
    }

    /// The bytes read since offset `start`.
    pub(crate) fn consumed_since(&self, start: usize) -> &'a [u8] {
        self.bytes.get(start..self.pos).unwrap_or(&[])
    }

    /// Takes a `u64` length and checks it fits in memory.
    pub(crate) fn length(&mut self) -> Result<usize> {
        usize::try_from(self.u64()?).map_err(|_| Error::Truncated {
            what: "gguf: length beyond memory",
        })
    }

    /// Refuses a count of items, each at least `min_bytes` long, that cannot fit in what remains.
    pub(crate) fn check_count(&self, count: u64, min_bytes: u64) -> Result<()> {
        match count.checked_mul(min_bytes) {
            Some(need) if need <= self.remaining() as u64 => Ok(()),
            _ => Err(Error::Truncated {
                what: "gguf: count larger than the file",
            }),
        }
    }

    /// Takes a fixed-size array.
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N)?);
        Ok(out)
    }

    /// Takes a little-endian `u32`.
    pub(crate) fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// Takes a little-endian `u64`.
    pub(crate) fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// Takes a GGUF string: `u64` length then UTF-8 bytes.
    pub(crate) fn string(&mut self) -> Result<&'a str> {
        let n = self.length()?;
        core::str::from_utf8(self.bytes(n)?).map_err(|_| Error::Malformed {
            what: "gguf: string not UTF-8",
        })
    }
}
