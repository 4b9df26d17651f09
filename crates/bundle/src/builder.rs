//! Writing bundles (host tools).

use alloc::string::String;
use alloc::vec::Vec;

use crate::Error;
use crate::format::{FORMAT_VERSION, MAGIC, MAX_ENTRIES, MAX_NAME_LEN, padding};

/// Collects named files and writes them as a bundle.
#[derive(Debug, Default, Clone)]
pub struct BundleBuilder {
    names: Vec<String>,
    body: Vec<u8>,
}

impl BundleBuilder {
    /// An empty bundle.
    pub fn new() -> BundleBuilder {
        BundleBuilder::default()
    }

    /// Appends the file `name` holding `data`.
    ///
    /// Fails on an empty, over-long or repeated name, or when the bundle
    /// already holds [`MAX_ENTRIES`] entries.
    pub fn add(&mut self, name: &str, data: &[u8]) -> Result<&mut Self, Error> {
        if name.is_empty() || name.len() > MAX_NAME_LEN {
            return Err(Error::BadNameLength(name.len()));
        }
        if self.names.iter().any(|n| n == name) {
            return Err(Error::DuplicateName);
        }
        if self.names.len() >= MAX_ENTRIES as usize {
            return Err(Error::TooManyEntries);
        }
        let name_len = u16::try_from(name.len()).map_err(|_| Error::LengthOverflow)?;
        let data_len = u64::try_from(data.len()).map_err(|_| Error::LengthOverflow)?;
        self.body.extend_from_slice(&name_len.to_le_bytes());
        self.body.extend_from_slice(name.as_bytes());
        self.pad(2 + name.len());
        self.body.extend_from_slice(&data_len.to_le_bytes());
        self.body.extend_from_slice(data);
        self.pad(data.len());
        self.names.push(String::from(name));
        Ok(self)
    }

    /// The bundle's bytes.
    pub fn finish(&self) -> Vec<u8> {
        // `add` keeps the count at most `MAX_ENTRIES`, which fits a `u32`.
        let count = self.names.len() as u32;
        let mut out = Vec::with_capacity(16 + self.body.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&self.body);
        out
    }

    fn pad(&mut self, after: usize) {
        self.body.resize(self.body.len() + padding(after), 0);
    }
}
