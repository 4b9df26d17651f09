//! Parsing and looking up a bundle held in memory.

use alloc::vec::Vec;

use crate::Error;
use crate::format::{FORMAT_VERSION, HEADER_LEN, MAGIC, MAX_ENTRIES, MAX_NAME_LEN, padding};

/// One named file of a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The entry's name (unique within the bundle).
    pub name: &'a str,
    /// The entry's bytes.
    pub data: &'a [u8],
}

/// A validated bundle borrowing the bytes it was parsed from.
#[derive(Debug, Clone)]
pub struct Bundle<'a> {
    entries: Vec<Entry<'a>>,
}

impl<'a> Bundle<'a> {
    /// Parses and validates `bytes` as a whole bundle.
    pub fn parse(bytes: &'a [u8]) -> Result<Bundle<'a>, Error> {
        let mut cursor = Cursor { bytes, at: 0 };
        if cursor.take(MAGIC.len())? != MAGIC {
            return Err(Error::BadMagic);
        }
        let version = cursor.u32()?;
        if version != FORMAT_VERSION {
            return Err(Error::UnsupportedVersion(version));
        }
        let count = cursor.u32()?;
        if count > MAX_ENTRIES {
            return Err(Error::TooManyEntries);
        }
        debug_assert_eq!(cursor.at, HEADER_LEN);
        let mut entries = Vec::new();
        for _ in 0..count {
            entries.push(cursor.entry()?);
        }
        if cursor.at != bytes.len() {
            return Err(Error::TrailingBytes);
        }
        let mut names: Vec<&str> = entries.iter().map(|e| e.name).collect();
        names.sort_unstable();
        if names.windows(2).any(|w| w[0] == w[1]) {
            return Err(Error::DuplicateName);
        }
        Ok(Bundle { entries })
    }

    /// The entries in the order they were stored.
    pub fn iter(&self) -> impl Iterator<Item = Entry<'a>> + '_ {
        self.entries.iter().copied()
    }

    /// The data of the entry called `name`, if there is one.
    pub fn get(&self, name: &str) -> Option<&'a [u8]> {
        self.entries.iter().find(|e| e.name == name).map(|e| e.data)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if the bundle holds no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Reads the bundle front to back, failing on any out-of-bounds access.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], Error> {
        let end = self.at.checked_add(len).ok_or(Error::LengthOverflow)?;
        let slice = self.bytes.get(self.at..end).ok_or(Error::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn skip_padding(&mut self, after: usize) -> Result<(), Error> {
        if self.take(padding(after))?.iter().any(|&b| b != 0) {
            return Err(Error::NonZeroPadding);
        }
        Ok(())
    }

    fn entry(&mut self) -> Result<Entry<'a>, Error> {
        let name_len = usize::from(u16::from_le_bytes(self.array()?));
        if name_len == 0 || name_len > MAX_NAME_LEN {
            return Err(Error::BadNameLength(name_len));
        }
        let name = core::str::from_utf8(self.take(name_len)?).map_err(|_| Error::NameNotUtf8)?;
        self.skip_padding(2 + name_len)?;
        let data_len = u64::from_le_bytes(self.array()?);
        let data_len = usize::try_from(data_len).map_err(|_| Error::LengthOverflow)?;
        let data = self.take(data_len)?;
        self.skip_padding(data_len)?;
        Ok(Entry { name, data })
    }
}
