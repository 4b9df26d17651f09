//! Turning the firmware memory map into the kernel's: kinds from UEFI
//! types, sorted, non-overlapping, adjacent same-kind ranges merged.

use aios_bootinfo::{MemoryKind, MemoryRegion};
use uefi::boot::MemoryType;
use uefi::mem::memory_map::MemoryMap;

use crate::error::BootError;
use crate::pages::{self, PAGE_SIZE, Pages};

/// Room for this many regions more than the map had when the array was
/// reserved: the loader's own later allocations split ranges.
const HEADROOM: usize = 64;

/// What the kernel may do with memory of a UEFI type.
pub fn kind_of(ty: MemoryType) -> MemoryKind {
    if let Some(kind) = pages::kind_of_custom(ty) {
        return kind;
    }
    match ty {
        MemoryType::CONVENTIONAL
        | MemoryType::BOOT_SERVICES_CODE
        | MemoryType::BOOT_SERVICES_DATA => MemoryKind::Usable,
        MemoryType::LOADER_CODE | MemoryType::LOADER_DATA => MemoryKind::Bootloader,
        MemoryType::ACPI_RECLAIM => MemoryKind::AcpiReclaimable,
        MemoryType::ACPI_NON_VOLATILE => MemoryKind::AcpiNvs,
        MemoryType::UNUSABLE => MemoryKind::Bad,
        _ => MemoryKind::Reserved,
    }
}

/// One past the last byte of the highest range in `map`.
pub fn physical_end(map: &impl MemoryMap) -> u64 {
    map.entries()
        .map(|d| {
            d.phys_start
                .saturating_add(d.page_count.saturating_mul(PAGE_SIZE))
        })
        .max()
        .unwrap_or(0)
}

/// Pre-allocated storage for the kernel's memory map, filled after boot
/// services are gone (when nothing can be allocated any more).
pub struct RegionArray {
    pages: Pages,
}

impl RegionArray {
    /// Reserves room for the current firmware map plus [`HEADROOM`] regions.
    pub fn reserve(current: usize) -> Result<RegionArray, BootError<'static>> {
        let regions = current.saturating_add(HEADROOM) as u64;
        let bytes = regions.saturating_mul(size_of::<MemoryRegion>() as u64);
        Ok(RegionArray {
            pages: pages::allocate(MemoryKind::BootInfo, bytes, "memory map")?,
        })
    }

    /// Physical address of the first region.
    pub fn phys(&self) -> u64 {
        self.pages.phys
    }

    fn regions(&mut self) -> &mut [MemoryRegion] {
        let capacity = self.pages.len as usize / size_of::<MemoryRegion>();
        let bytes = self.pages.bytes();
        // SAFETY: the pages are zeroed (a valid `MemoryRegion` is any bit
        // pattern of its integer fields), page-aligned (more than
        // `MemoryRegion`'s 8), and `capacity` regions fit in them; the
        // borrow of `self` makes this the only view.
        unsafe { core::slice::from_raw_parts_mut(bytes.as_mut_ptr().cast(), capacity) }
    }

    /// Converts `map` into the array; returns the number of regions, or
    /// `None` if the firmware map outgrew the reserved room.
    pub fn fill(&mut self, map: &impl MemoryMap) -> Option<usize> {
        let regions = self.regions();
        let mut count = 0;
        for d in map.entries() {
            let len = d.page_count.saturating_mul(PAGE_SIZE);
            if len == 0 {
                continue;
            }
            *regions.get_mut(count)? = MemoryRegion::new(d.phys_start, len, kind_of(d.ty));
            count += 1;
        }
        Some(normalize(&mut regions[..count]))
    }
}

/// Sorts `regions`, clips overlaps (the firmware promises none; an earlier
/// range wins) and merges adjacent regions of one kind, in place; returns
/// how many regions remain at the front.
fn normalize(regions: &mut [MemoryRegion]) -> usize {
    regions.sort_unstable_by_key(|r| r.start);
    let mut out = 0;
    for i in 0..regions.len() {
        let mut region = regions[i];
        if out > 0 {
            let previous = &mut regions[out - 1];
            let previous_end = previous.end();
            if region.start < previous_end {
                if region.end() <= previous_end {
                    continue;
                }
                region.len = region.end() - previous_end;
                region.start = previous_end;
            }
            if previous.kind == region.kind && previous_end == region.start {
                previous.len = previous.len.saturating_add(region.len);
                continue;
            }
        }
        regions[out] = region;
        out += 1;
    }
    out
}
