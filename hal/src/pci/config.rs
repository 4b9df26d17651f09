//! ECAM configuration-space access: each function's 4 KiB page is mapped
//! uncached on first use and kept, so enumeration maps only what exists.

use super::device::Address;
use alloc::collections::BTreeMap;
use spin::Mutex;

/// One ECAM window (from the ACPI MCFG): `base` is the physical address
/// of bus 0 of `segment`; buses `bus_start..=bus_end` are decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EcamWindow {
    /// Physical base address (bus 0 of the segment).
    pub base: u64,
    /// PCI segment group.
    pub segment: u16,
    /// First bus decoded.
    pub bus_start: u8,
    /// Last bus decoded (inclusive).
    pub bus_end: u8,
}

impl EcamWindow {
    /// The physical address of a function's configuration page, if this
    /// window decodes its segment and bus.
    pub fn function_phys(&self, address: Address) -> Option<u64> {
        if address.segment != self.segment
            || address.bus < self.bus_start
            || address.bus > self.bus_end
            || address.device > 31
            || address.function > 7
        {
            return None;
        }
        let offset = (u64::from(address.bus) << 20)
            | (u64::from(address.device) << 15)
            | (u64::from(address.function) << 12);
        self.base.checked_add(offset)
    }
}

/// Configuration pages mapped so far: physical page -> virtual address.
static PAGES: Mutex<BTreeMap<u64, u64>> = Mutex::new(BTreeMap::new());

/// The virtual address of a function's mapped configuration page.
pub(super) fn map_function(phys: u64) -> Option<u64> {
    let mut pages = PAGES.lock();
    if let Some(&virt) = pages.get(&phys) {
        return Some(virt);
    }
    let virt = crate::paging::map_mmio(phys, 4096).ok()?;
    pages.insert(phys, virt);
    Some(virt)
}

/// Reads the aligned dword at `offset` (< 4096) of a mapped config page.
pub(super) fn read_dword(page: u64, offset: u16) -> u32 {
    let offset = u64::from(offset & 0xFFC);
    // SAFETY: `page` is a 4 KiB configuration page mapped uncached by
    // `map_function`, never unmapped; the offset is dword aligned and
    // below 4096, so the access is one aligned register read inside it.
    unsafe { core::ptr::read_volatile((page + offset) as *const u32) }
}

/// Writes the aligned dword at `offset` (< 4096) of a mapped config page.
pub(super) fn write_dword(page: u64, offset: u16, value: u32) {
    let offset = u64::from(offset & 0xFFC);
    // SAFETY: as in `read_dword`; configuration writes only change the
    // device's own registers, never memory the kernel owns.
    unsafe { core::ptr::write_volatile((page + offset) as *mut u32, value) }
}
