//! Base address registers: decoding (memory 32/64-bit, I/O) and sizing
//! by the write-all-ones probe.

use super::device::PciDevice;
use super::mmio::Mmio;
use super::{COMMAND_IO, COMMAND_MEMORY};

/// A decoded base address register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bar {
    /// A memory range.
    Memory {
        /// Physical base address.
        phys: u64,
        /// Size in bytes (a power of two).
        size: u64,
        /// Reads have no side effects.
        prefetchable: bool,
        /// The BAR spans two registers.
        wide: bool,
    },
    /// An I/O port range.
    Io {
        /// First port.
        port: u32,
        /// Number of ports.
        size: u32,
    },
}

impl PciDevice {
    /// Decodes and sizes BAR `index` (0..6 for endpoints, 0..2 for
    /// bridges). `None` if it is absent, unimplemented, or the upper half
    /// of a 64-bit BAR. Decoding is switched off while sizing.
    pub fn bar(&self, index: u8) -> Option<Bar> {
        let count = if self.header_type == 0 { 6 } else { 2 };
        if index >= count {
            return None;
        }
        let offset = 0x10 + u16::from(index) * 4;
        let low = self.read32(offset);
        let command = self.command();
        self.disable(COMMAND_IO | COMMAND_MEMORY);
        let bar = if low & 1 == 1 {
            let mask = self.size_mask(offset, low) & 0xFFFF_FFFC;
            let size = (!mask).wrapping_add(1) & 0xFFFF;
            (size != 0).then_some(Bar::Io {
                port: low & 0xFFFF_FFFC,
                size,
            })
        } else {
            let wide = (low >> 1) & 3 == 2;
            let mut phys = u64::from(low & 0xFFFF_FFF0);
            let mut mask = u64::from(self.size_mask(offset, low) & 0xFFFF_FFF0);
            if wide {
                if index + 1 >= count {
                    return self.restore(command, None);
                }
                let high = self.read32(offset + 4);
                phys |= u64::from(high) << 32;
                mask |= u64::from(self.size_mask(offset + 4, high)) << 32;
            } else {
                mask |= 0xFFFF_FFFF_0000_0000;
            }
            let size = (!mask).wrapping_add(1);
            (mask != 0 && size != 0).then_some(Bar::Memory {
                phys,
                size,
                prefetchable: low & 8 != 0,
                wide,
            })
        };
        self.restore(command, bar)
    }

    fn restore(&self, command: u16, bar: Option<Bar>) -> Option<Bar> {
        self.write32(0x04, u32::from(command));
        bar
    }

    /// Writes all ones to a BAR register, reads the mask, restores it.
    fn size_mask(&self, offset: u16, original: u32) -> u32 {
        self.write32(offset, 0xFFFF_FFFF);
        let mask = self.read32(offset);
        self.write32(offset, original);
        mask
    }

    /// Maps memory BAR `index` uncached and turns on memory decoding.
    pub fn map_bar(&self, index: u8) -> Option<Mmio> {
        match self.bar(index)? {
            Bar::Memory { phys, size, .. } if phys != 0 => {
                let mmio = Mmio::map(phys, size).ok()?;
                self.enable(COMMAND_MEMORY);
                Some(mmio)
            }
            _ => None,
        }
    }
}
