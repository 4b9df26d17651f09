//! Bounds-checked, front-to-back reading of the little-endian binary
//! formats AIOS parses from untrusted bytes (signed boot manifest, boot
//! bundle, agent images). Every read either stays inside the input or fails.
#![no_std]

/// Why a read failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadError {
    /// The input ends before the field does.
    Truncated,
    /// A length does not fit the address space.
    Overflow,
}

impl core::fmt::Display for ReadError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ReadError::Truncated => "the input ends early",
            ReadError::Overflow => "a length is too large",
        })
    }
}

/// A cursor over a byte slice.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    /// Bytes read so far.
    pub fn position(&self) -> usize {
        self.at
    }

    /// True once every byte has been read.
    pub fn is_at_end(&self) -> bool {
        self.at == self.bytes.len()
    }

    /// The next `len` bytes.
    pub fn take(&mut self, len: usize) -> Result<&'a [u8], ReadError> {
        let end = self.at.checked_add(len).ok_or(ReadError::Overflow)?;
        let slice = self.bytes.get(self.at..end).ok_or(ReadError::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    /// The next `N` bytes as an array.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], ReadError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// A little-endian `u16`.
    pub fn u16(&mut self) -> Result<u16, ReadError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    /// A little-endian `u32`.
    pub fn u32(&mut self) -> Result<u32, ReadError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// A little-endian `u64`.
    pub fn u64(&mut self) -> Result<u64, ReadError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// A little-endian `u32` length, as `usize`.
    pub fn length_u32(&mut self) -> Result<usize, ReadError> {
        usize::try_from(self.u32()?).map_err(|_| ReadError::Overflow)
    }

    /// A little-endian `u64` length, as `usize`.
    pub fn length_u64(&mut self) -> Result<usize, ReadError> {
        usize::try_from(self.u64()?).map_err(|_| ReadError::Overflow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_in_order_and_stops_at_the_end() {
        let bytes = [1, 0, 2, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 9];
        let mut r = Reader::new(&bytes);
        assert_eq!(r.u16(), Ok(1));
        assert_eq!(r.u32(), Ok(2));
        assert_eq!(r.u64(), Ok(3));
        assert_eq!(r.position(), 14);
        assert!(!r.is_at_end());
        assert_eq!(r.take(1), Ok(&[9][..]));
        assert!(r.is_at_end());
        assert_eq!(r.u16(), Err(ReadError::Truncated));
    }

    #[test]
    fn a_failed_read_consumes_nothing() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(r.u32(), Err(ReadError::Truncated));
        assert_eq!(r.position(), 0);
        assert_eq!(r.take(usize::MAX), Err(ReadError::Truncated));
        r.take(1).unwrap();
        assert_eq!(r.take(usize::MAX), Err(ReadError::Overflow));
    }
}
