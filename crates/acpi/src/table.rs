//! Loading one system description table: header, length limits, checksum.

use alloc::vec::Vec;

use crate::bytes::Bytes;
use crate::error::Error;
use crate::info::TableInfo;
use crate::memory::{PhysMemory, read_vec};

/// Size of the common header every system description table starts with.
pub(crate) const HEADER_LEN: usize = 36;

/// Longest table accepted; real DSDTs stay well below this.
pub(crate) const MAX_TABLE_LEN: u32 = 1 << 20;

/// A table copied out of physical memory, `data.len()` equal to its header length.
pub(crate) struct Table {
    phys: u64,
    data: Vec<u8>,
}

/// Wrapping byte sum; a valid table or RSDP sums to zero.
pub(crate) fn checksum(data: &[u8]) -> u8 {
    data.iter().fold(0u8, |sum, &byte| sum.wrapping_add(byte))
}

impl Table {
    /// Reads the header at `phys`, checks its length and copies the whole table.
    ///
    /// The checksum is not enforced here, so a bad table can still be listed.
    pub(crate) fn load(mem: &impl PhysMemory, phys: u64) -> Result<Table, Error> {
        let header = read_vec(mem, phys, HEADER_LEN)?;
        let header = Bytes::new([0; 4], &header);
        let signature = header.array(0)?;
        let length = header.u32(4)?;
        if length > MAX_TABLE_LEN {
            return Err(Error::TooLarge { signature, length });
        }
        let len = usize::try_from(length).map_err(|_| Error::TooLarge { signature, length })?;
        if len < HEADER_LEN {
            return Err(Error::Truncated { signature });
        }
        let data = read_vec(mem, phys, len)?;
        Ok(Table { phys, data })
    }

    /// The four-byte signature, e.g. `*b"APIC"`.
    pub(crate) fn signature(&self) -> [u8; 4] {
        let mut signature = [0; 4];
        signature.copy_from_slice(&self.data[..4]);
        signature
    }

    /// Whether the bytes sum to zero.
    pub(crate) fn checksum_ok(&self) -> bool {
        checksum(&self.data) == 0
    }

    /// Fails with [`Error::BadChecksum`] unless the bytes sum to zero.
    pub(crate) fn verify(&self) -> Result<(), Error> {
        if self.checksum_ok() {
            Ok(())
        } else {
            Err(Error::BadChecksum {
                signature: self.signature(),
            })
        }
    }

    /// The whole table, header included.
    pub(crate) fn bytes(&self) -> Bytes<'_> {
        Bytes::new(self.signature(), &self.data)
    }

    /// The summary recorded in [`crate::AcpiInfo::tables`].
    pub(crate) fn info(&self) -> TableInfo {
        TableInfo {
            signature: self.signature(),
            phys: self.phys,
            length: u32::try_from(self.data.len()).unwrap_or(u32::MAX),
            revision: self.data[8],
            checksum_ok: self.checksum_ok(),
        }
    }
}
