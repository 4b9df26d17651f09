//! The kernel's first page tables: an identity map and the direct map of
//! physical memory with 2 MiB pages (sharing their lower-level tables), and
//! the kernel image at its link address with 4 KiB pages.

use aios_bootinfo::{DIRECT_MAP_OFFSET, KERNEL_IMAGE_VIRT, MemoryKind};

use crate::error::BootError;
use crate::pages::{self, PAGE_SIZE, Pages};

const PRESENT: u64 = 1;
const WRITABLE: u64 = 1 << 1;
const HUGE: u64 = 1 << 7;
const ADDRESS_MASK: u64 = 0x000F_FFFF_FFFF_F000;
const ENTRIES: usize = 512;
const SIZE_2M: u64 = 2 << 20;
const SIZE_1G: u64 = 1 << 30;
const SIZE_512G: u64 = 512 << 30;
/// The direct map's first PML4 slot; it may use the slots up to the kernel's.
const DIRECT_MAP_SLOT: usize = pml4_index(DIRECT_MAP_OFFSET);
/// Most 512 GiB slots the identity map may use and still be mirrored into
/// the direct map below `0xFFFF_C000_0000_0000` (64 TiB).
const MAX_SLOTS: u64 = 128;

/// Page tables ready to be loaded into CR3.
pub struct PageTables {
    /// Physical address of the PML4.
    pub pml4: u64,
}

/// Builds the tables mapping physical `[0, phys_end)` at 0 and at
/// `DIRECT_MAP_OFFSET`, and `kernel` at `KERNEL_IMAGE_VIRT`. The tables
/// live in one allocation of kind `Kernel`.
pub fn build(phys_end: u64, kernel: &Pages) -> Result<PageTables, BootError<'static>> {
    let phys_end = phys_end
        .checked_next_multiple_of(SIZE_1G)
        .ok_or(BootError::MemoryTooLarge(phys_end))?;
    let slots = phys_end.div_ceil(SIZE_512G);
    if slots > MAX_SLOTS {
        return Err(BootError::MemoryTooLarge(phys_end));
    }
    let identity_tables = slots + phys_end / SIZE_1G;
    // One PDPT, then as many PDs and PTs as the span touches: it starts
    // KERNEL_IMAGE_VIRT's offset into its first 1 GiB and 2 MiB regions.
    let pds = (KERNEL_IMAGE_VIRT % SIZE_1G + kernel.len).div_ceil(SIZE_1G);
    let pts = (KERNEL_IMAGE_VIRT % SIZE_2M + kernel.len).div_ceil(SIZE_2M);
    let kernel_tables = 1 + pds + pts;
    let pool_pages = 1 + identity_tables + kernel_tables;
    let mut pool = Pool {
        pages: pages::allocate(MemoryKind::Kernel, pool_pages * PAGE_SIZE, "page tables")?,
        used: 0,
    };
    let pml4 = pool.take()?;
    for phys in (0..phys_end).step_by(SIZE_2M as usize) {
        pool.map(pml4, phys, phys, Level::Pd)?;
    }
    // The direct map reuses the identity map's PDPTs.
    let table = pool.table(pml4);
    let identity_slots = slots as usize;
    let (low, high) = table.split_at_mut(DIRECT_MAP_SLOT);
    high[..identity_slots].copy_from_slice(&low[..identity_slots]);
    for offset in (0..kernel.len).step_by(PAGE_SIZE as usize) {
        pool.map(
            pml4,
            KERNEL_IMAGE_VIRT + offset,
            kernel.phys + offset,
            Level::Pt,
        )?;
    }
    Ok(PageTables { pml4 })
}

/// Which level holds the final entry of a mapping.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    /// A 2 MiB page in a page directory.
    Pd,
    /// A 4 KiB page in a page table.
    Pt,
}

/// Zeroed pages handed out one at a time as tables.
struct Pool {
    pages: Pages,
    used: u64,
}

impl Pool {
    fn take(&mut self) -> Result<u64, BootError<'static>> {
        let offset = self.used * PAGE_SIZE;
        if offset >= self.pages.len {
            return Err(BootError::OutOfMemory {
                what: "page tables",
                status: uefi::Status::BUFFER_TOO_SMALL,
            });
        }
        self.used += 1;
        Ok(self.pages.phys + offset)
    }

    /// The table at `phys`, which must be a page of this pool (a loader
    /// bug otherwise, caught by the slice bounds check).
    fn table(&mut self, phys: u64) -> &mut [u64; ENTRIES] {
        let offset = phys.wrapping_sub(self.pages.phys) as usize;
        let page = &mut self.pages.bytes()[offset..offset + PAGE_SIZE as usize];
        // SAFETY: `page` is 4096 initialised (zeroed at allocation) bytes at
        // a page-aligned address, so it is a valid, aligned `[u64; 512]`;
        // it borrows `self` mutably, so this is the only view.
        unsafe { &mut *page.as_mut_ptr().cast::<[u64; ENTRIES]>() }
    }

    /// The table that entry `index` of `table` points to, created if absent.
    fn child(&mut self, table: u64, index: usize) -> Result<u64, BootError<'static>> {
        let entry = self.table(table)[index];
        if entry & PRESENT != 0 {
            return Ok(entry & ADDRESS_MASK);
        }
        let child = self.take()?;
        self.table(table)[index] = child | PRESENT | WRITABLE;
        Ok(child)
    }

    fn map(
        &mut self,
        pml4: u64,
        virt: u64,
        phys: u64,
        level: Level,
    ) -> Result<(), BootError<'static>> {
        let pdpt = self.child(pml4, pml4_index(virt))?;
        let pd = self.child(pdpt, index(virt, 30))?;
        match level {
            Level::Pd => self.table(pd)[index(virt, 21)] = phys | PRESENT | WRITABLE | HUGE,
            Level::Pt => {
                let pt = self.child(pd, index(virt, 21))?;
                self.table(pt)[index(virt, 12)] = phys | PRESENT | WRITABLE;
            }
        }
        Ok(())
    }
}

const fn pml4_index(virt: u64) -> usize {
    index(virt, 39)
}

const fn index(virt: u64, shift: u32) -> usize {
    ((virt >> shift) & 0x1ff) as usize
}
