//! Parsing and looking up a bundle held in memory.

use aios_wire::Reader;
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
        let mut cursor = Reader::new(bytes);
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
        debug_assert_eq!(cursor.position(), HEADER_LEN);
        let mut entries = Vec::new();
        for _ in 0..count {
            entries.push(entry(&mut cursor)?);
        }
        if !cursor.is_at_end() {
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

/// Skips the zero padding after a field of `after` bytes.
fn skip_padding(cursor: &mut Reader<'_>, after: usize) -> Result<(), Error> {
    if cursor.take(padding(after))?.iter().any(|&b| b != 0) {
        return Err(Error::NonZeroPadding);
    }
    Ok(())
}

/// Reads one entry: name length, name, padding, data length, data, padding.
fn entry<'a>(cursor: &mut Reader<'a>) -> Result<Entry<'a>, Error> {
    let name_len = usize::from(cursor.u16()?);
    if name_len == 0 || name_len > MAX_NAME_LEN {
        return Err(Error::BadNameLength(name_len));
    }
    let name = core::str::from_utf8(cursor.take(name_len)?).map_err(|_| Error::NameNotUtf8)?;
    skip_padding(cursor, 2 + name_len)?;
    let data_len = cursor.length_u64()?;
    let data = cursor.take(data_len)?;
    skip_padding(cursor, data_len)?;
    Ok(Entry { name, data })
}
