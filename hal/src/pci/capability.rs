//! The capability list: a bounded walk that tolerates loops and bad
//! pointers in configuration space.

use super::device::PciDevice;
use alloc::vec::Vec;

/// Capability ID of MSI.
pub const ID_MSI: u8 = 0x05;
/// Capability ID of MSI-X.
pub const ID_MSIX: u8 = 0x11;

/// One entry of the capability list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capability {
    /// Capability ID.
    pub id: u8,
    /// Offset of the capability in configuration space.
    pub offset: u16,
}

impl PciDevice {
    /// Walks the capability list (at most 48 entries, offsets 0x40..0x100).
    pub fn capabilities(&self) -> Vec<Capability> {
        let mut out = Vec::new();
        if self.read16(0x06) & (1 << 4) == 0 {
            return out;
        }
        let mut offset = u16::from(self.read8(0x34) & 0xFC);
        while offset >= 0x40 && out.len() < 48 {
            let header = self.read16(offset);
            out.push(Capability {
                id: header as u8,
                offset,
            });
            offset = (header >> 8) & 0xFC;
        }
        out
    }

    /// The first capability with ID `id`.
    pub fn find_capability(&self, id: u8) -> Option<Capability> {
        self.capabilities().into_iter().find(|c| c.id == id)
    }
}
