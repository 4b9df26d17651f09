//! Memory-mapped device registers: a bounds-checked window whose reads
//! and writes are volatile and aligned.

use crate::paging::MapError;

/// Largest register window mapped from one BAR (bigger BARs are refused:
/// the drivers need a few KiB, and the MMIO window is never reclaimed).
const MAX_WINDOW: u64 = 64 << 20;

/// A window of device registers, mapped uncached.
///
/// Accesses outside the window, or misaligned for their width, read as
/// all ones and write nothing (like a PCI master abort), so an offset
/// taken from a device can never reach other memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mmio {
    virt: u64,
    len: u64,
}

impl Mmio {
    /// Maps `len` bytes of registers at `phys`. Crate-only: mapping RAM
    /// through this would alias it uncached.
    pub(crate) fn map(phys: u64, len: u64) -> Result<Mmio, MapError> {
        if len == 0 || len > MAX_WINDOW || phys.checked_add(len).is_none() {
            return Err(MapError::WindowFull);
        }
        let virt = crate::paging::map_mmio(phys, len)?;
        Ok(Mmio { virt, len })
    }

    /// The window's size in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True if the window is empty (never for a mapped BAR).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A sub-window `[offset, offset + len)`, if it lies inside this one.
    pub fn window(&self, offset: u64, len: u64) -> Option<Mmio> {
        let end = offset.checked_add(len)?;
        (end <= self.len).then_some(Mmio {
            virt: self.virt + offset,
            len,
        })
    }

    fn at(&self, offset: u64, width: u64) -> Option<u64> {
        let end = offset.checked_add(width)?;
        (end <= self.len && offset.is_multiple_of(width)).then_some(self.virt + offset)
    }

    /// Reads an 8-bit register.
    pub fn read8(&self, offset: u64) -> u8 {
        let Some(a) = self.at(offset, 1) else {
            return u8::MAX;
        };
        // SAFETY: `at` checked the access is aligned and inside the
        // mapped register window.
        unsafe { core::ptr::read_volatile(a as *const u8) }
    }

    /// Reads a 16-bit register.
    pub fn read16(&self, offset: u64) -> u16 {
        let Some(a) = self.at(offset, 2) else {
            return u16::MAX;
        };
        // SAFETY: `at` checked the access is aligned and inside the
        // mapped register window.
        unsafe { core::ptr::read_volatile(a as *const u16) }
    }

    /// Reads a 32-bit register.
    pub fn read32(&self, offset: u64) -> u32 {
        let Some(a) = self.at(offset, 4) else {
            return u32::MAX;
        };
        // SAFETY: `at` checked the access is aligned and inside the
        // mapped register window.
        unsafe { core::ptr::read_volatile(a as *const u32) }
    }

    /// Reads a 64-bit register as two 32-bit halves, low first (the
    /// order NVMe and virtio allow, and safe on every bus).
    pub fn read64(&self, offset: u64) -> u64 {
        let low = u64::from(self.read32(offset));
        let high = u64::from(self.read32(offset.saturating_add(4)));
        (high << 32) | low
    }

    /// Writes an 8-bit register.
    pub fn write8(&self, offset: u64, value: u8) {
        if let Some(a) = self.at(offset, 1) {
            // SAFETY: inside the mapped window (checked by `at`); a
            // register write cannot touch kernel memory.
            unsafe { core::ptr::write_volatile(a as *mut u8, value) }
        }
    }

    /// Writes a 16-bit register.
    pub fn write16(&self, offset: u64, value: u16) {
        if let Some(a) = self.at(offset, 2) {
            // SAFETY: as in `write8`, aligned (checked).
            unsafe { core::ptr::write_volatile(a as *mut u16, value) }
        }
    }

    /// Writes a 32-bit register.
    pub fn write32(&self, offset: u64, value: u32) {
        if let Some(a) = self.at(offset, 4) {
            // SAFETY: as in `write8`, aligned (checked).
            unsafe { core::ptr::write_volatile(a as *mut u32, value) }
        }
    }

    /// Writes a 64-bit register as two 32-bit halves, low first.
    pub fn write64(&self, offset: u64, value: u64) {
        self.write32(offset, value as u32);
        self.write32(offset.saturating_add(4), (value >> 32) as u32);
    }
}
