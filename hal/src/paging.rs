//! Page-mapping API over the active 4-level page tables, reached through
//! the direct map. Intermediate tables come from the frame allocator.

mod window;

pub use window::Window;

use crate::memory::phys_to_virt;
use core::sync::atomic::{AtomicU64, Ordering};
use spin::Mutex;

const PRESENT: u64 = 1;
const WRITABLE: u64 = 1 << 1;
const WRITE_THROUGH: u64 = 1 << 3;
const NO_CACHE: u64 = 1 << 4;
const HUGE: u64 = 1 << 7;
const NO_EXECUTE: u64 = 1 << 63;
const ADDRESS_MASK: u64 = 0x000F_FFFF_FFFF_F000;

/// Start of the virtual window for kernel stacks (each below a guard page).
const STACKS_BASE: u64 = 0xFFFF_E800_0000_0000;
const STACKS_END: u64 = STACKS_BASE + (1 << 39);
static STACKS_NEXT: AtomicU64 = AtomicU64::new(STACKS_BASE);

/// Start of the virtual window for device registers.
const MMIO_BASE: u64 = 0xFFFF_D000_0000_0000;
const MMIO_END: u64 = MMIO_BASE + (1 << 39);
static MMIO_NEXT: AtomicU64 = AtomicU64::new(MMIO_BASE);

/// Serialises all page-table edits (one address space, all CPUs).
static LOCK: Mutex<()> = Mutex::new(());

/// How a page may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageFlags {
    /// Writes allowed.
    pub writable: bool,
    /// Instruction fetches allowed.
    pub executable: bool,
    /// Uncached (device registers).
    pub uncached: bool,
}

impl PageFlags {
    /// Read-write data, never executed.
    pub const DATA: PageFlags = PageFlags {
        writable: true,
        executable: false,
        uncached: false,
    };
    /// Device registers: read-write, uncached, never executed.
    pub const MMIO: PageFlags = PageFlags {
        writable: true,
        executable: false,
        uncached: true,
    };

    fn bits(self) -> u64 {
        let mut bits = PRESENT;
        if self.writable {
            bits |= WRITABLE;
        }
        if self.uncached {
            bits |= NO_CACHE | WRITE_THROUGH;
        }
        if !self.executable && crate::cpu::has_nx() {
            bits |= NO_EXECUTE;
        }
        bits
    }
}

/// Why a mapping could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapError {
    /// The address is not aligned to the page size.
    Unaligned,
    /// Something is already mapped there.
    AlreadyMapped,
    /// Nothing is mapped there.
    NotMapped,
    /// A larger page covers the address.
    HugePageInTheWay,
    /// No physical frame for a page table.
    OutOfFrames,
    /// The MMIO window is used up.
    WindowFull,
    /// The range is not inside the window it was asked of.
    OutsideWindow,
}

fn table(phys: u64) -> *mut u64 {
    phys_to_virt(phys) as *mut u64
}

fn index(virt: u64, level: u32) -> usize {
    ((virt >> (12 + 9 * (level - 1))) & 0x1FF) as usize
}

fn read_entry(table_phys: u64, i: usize) -> u64 {
    // SAFETY: page tables live in RAM covered by the direct map, and `i`
    // is < 512, so the read stays inside the 4 KiB table.
    unsafe { core::ptr::read_volatile(table(table_phys).add(i)) }
}

fn write_entry(table_phys: u64, i: usize, value: u64) {
    // SAFETY: as in `read_entry`; callers hold LOCK, so no other CPU edits
    // the same entry, and the value is a well-formed entry.
    unsafe { core::ptr::write_volatile(table(table_phys).add(i), value) }
}

/// Walks from the top table down to the table at `level` (1 = PT) that
/// covers `virt`, creating missing tables.
fn walk_create(virt: u64, level: u32) -> Result<u64, MapError> {
    let mut current = crate::cpu::read_cr3();
    for l in (level + 1..=4).rev() {
        let i = index(virt, l);
        let entry = read_entry(current, i);
        if entry & PRESENT == 0 {
            let frame = crate::frames::alloc_table().ok_or(MapError::OutOfFrames)?;
            write_entry(current, i, frame | PRESENT | WRITABLE);
            current = frame;
        } else if entry & HUGE != 0 {
            return Err(MapError::HugePageInTheWay);
        } else {
            current = entry & ADDRESS_MASK;
        }
    }
    Ok(current)
}

/// Maps the 4 KiB page at `virt` to the frame at `phys`.
pub fn map_4k(virt: u64, phys: u64, flags: PageFlags) -> Result<(), MapError> {
    if !virt.is_multiple_of(4096) || !phys.is_multiple_of(4096) {
        return Err(MapError::Unaligned);
    }
    let _guard = LOCK.lock();
    let pt = walk_create(virt, 1)?;
    let i = index(virt, 1);
    if read_entry(pt, i) & PRESENT != 0 {
        return Err(MapError::AlreadyMapped);
    }
    write_entry(pt, i, phys | flags.bits());
    Ok(())
}

/// Maps the 2 MiB page at `virt` to `phys` (both 2 MiB aligned).
pub fn map_2m(virt: u64, phys: u64, flags: PageFlags) -> Result<(), MapError> {
    if !virt.is_multiple_of(2 << 20) || !phys.is_multiple_of(2 << 20) {
        return Err(MapError::Unaligned);
    }
    let _guard = LOCK.lock();
    let pd = walk_create(virt, 2)?;
    let i = index(virt, 2);
    if read_entry(pd, i) & PRESENT != 0 {
        return Err(MapError::AlreadyMapped);
    }
    write_entry(pd, i, phys | flags.bits() | HUGE);
    Ok(())
}

/// Unmaps the 4 KiB page at `virt` on this CPU and returns its frame.
pub fn unmap_4k(virt: u64) -> Result<u64, MapError> {
    let _guard = LOCK.lock();
    let mut current = crate::cpu::read_cr3();
    for l in (2..=4).rev() {
        let entry = read_entry(current, index(virt, l));
        if entry & PRESENT == 0 {
            return Err(MapError::NotMapped);
        }
        if entry & HUGE != 0 {
            return Err(MapError::HugePageInTheWay);
        }
        current = entry & ADDRESS_MASK;
    }
    let i = index(virt, 1);
    let entry = read_entry(current, i);
    if entry & PRESENT == 0 {
        return Err(MapError::NotMapped);
    }
    write_entry(current, i, 0);
    crate::cpu::invlpg(virt);
    shoot_down();
    Ok(entry & ADDRESS_MASK)
}

/// Bumped once per shoot-down; every other online CPU acknowledges it.
static SHOOTDOWN_GENERATION: AtomicU64 = AtomicU64::new(0);

/// Makes every other online CPU flush its TLB, and waits (bounded) until
/// they have. Called with `LOCK` held, so shoot-downs never overlap.
fn shoot_down() {
    let me = crate::percpu::try_index();
    let others = crate::percpu::all()
        .iter()
        .filter(|c| c.online.load(Ordering::Acquire) && Some(c.index) != me);
    if others.clone().next().is_none() {
        return;
    }
    let generation = SHOOTDOWN_GENERATION.fetch_add(1, Ordering::AcqRel) + 1;
    crate::apic::send_ipi_all_but_self(crate::interrupts::TLB_SHOOTDOWN_VECTOR);
    let deadline = crate::clock::now_ns() + 100_000_000;
    for cpu in others {
        while cpu.tlb_flushes.load(Ordering::Acquire) < generation {
            if crate::clock::now_ns() > deadline {
                crate::serial::write_bytes(b"hal: TLB shoot-down not acknowledged in 100 ms\n");
                return;
            }
            core::hint::spin_loop();
        }
    }
}

/// How many TLB shoot-downs have been requested since boot.
pub fn shootdown_generation() -> u64 {
    SHOOTDOWN_GENERATION.load(Ordering::Acquire)
}

/// The shoot-down IPI handler: flush, then acknowledge the generation.
pub(crate) fn on_shootdown(_frame: &crate::interrupts::InterruptFrame) {
    crate::cpu::flush_tlb();
    if let Some(cpu) = crate::percpu::try_current() {
        cpu.tlb_flushes.store(
            SHOOTDOWN_GENERATION.load(Ordering::Acquire),
            Ordering::Release,
        );
    }
}

/// The physical address `virt` maps to, if any.
pub fn translate(virt: u64) -> Option<u64> {
    let mut current = crate::cpu::read_cr3();
    for l in (1..=4).rev() {
        let entry = read_entry(current, index(virt, l));
        if entry & PRESENT == 0 {
            return None;
        }
        let page_size = 1u64 << (12 + 9 * (l - 1));
        if l == 1 || entry & HUGE != 0 {
            let base = entry & ADDRESS_MASK & !(page_size - 1);
            return Some(base + (virt & (page_size - 1)));
        }
        current = entry & ADDRESS_MASK;
    }
    None
}

/// The access the page tables give `virt` (all levels combined), or
/// `None` if it is not mapped.
pub fn page_flags(virt: u64) -> Option<PageFlags> {
    let mut current = crate::cpu::read_cr3();
    let (mut writable, mut executable) = (true, true);
    for level in (1..=4).rev() {
        let entry = read_entry(current, index(virt, level));
        if entry & PRESENT == 0 {
            return None;
        }
        writable &= entry & WRITABLE != 0;
        executable &= entry & NO_EXECUTE == 0;
        if level == 1 || entry & HUGE != 0 {
            let uncached = entry & NO_CACHE != 0;
            return Some(PageFlags {
                writable,
                executable,
                uncached,
            });
        }
        current = entry & ADDRESS_MASK;
    }
    None
}

/// Maps device registers at `phys` (`size` bytes) uncached into the MMIO
/// window and returns their virtual address.
pub fn map_mmio(phys: u64, size: u64) -> Result<u64, MapError> {
    let offset = phys % 4096;
    let pages = (offset + size).div_ceil(4096);
    let bytes = pages * 4096;
    let base = MMIO_NEXT.fetch_add(bytes, Ordering::AcqRel);
    if base + bytes > MMIO_END {
        return Err(MapError::WindowFull);
    }
    for p in 0..pages {
        map_4k(base + p * 4096, phys - offset + p * 4096, PageFlags::MMIO)?;
    }
    Ok(base + offset)
}

/// Maps a kernel stack of `size` bytes (rounded up to pages) with an
/// unmapped guard page below it, so an overflow faults (and is reported on
/// the double-fault IST stack) instead of corrupting memory. Returns the
/// 16-byte aligned top.
pub fn map_stack(size: u64) -> Result<u64, MapError> {
    let pages = size.div_ceil(4096);
    let span = (pages + 1) * 4096;
    let base = STACKS_NEXT.fetch_add(span, Ordering::AcqRel);
    if base + span > STACKS_END {
        return Err(MapError::WindowFull);
    }
    let bottom = base + 4096;
    for p in 0..pages {
        let frame = crate::frames::alloc_zeroed().ok_or(MapError::OutOfFrames)?;
        map_4k(bottom + p * 4096, frame, PageFlags::DATA)?;
    }
    Ok(bottom + pages * 4096)
}

/// Extends the direct map to cover all of `[0, end)` with 2 MiB pages.
pub(crate) fn extend_direct_map(end: u64) -> Result<(), MapError> {
    let mut phys = crate::memory::mapped_limit();
    while phys < end {
        match map_2m(phys_to_virt(phys), phys, PageFlags::DATA) {
            Ok(()) | Err(MapError::AlreadyMapped) => {}
            Err(e) => return Err(e),
        }
        phys += 2 << 20;
        crate::memory::raise_mapped_limit(phys);
    }
    Ok(())
}

/// Removes the boot-time identity map of low memory, so that null and
/// other low addresses fault. Each CPU flushes its TLB afterwards.
pub(crate) fn drop_identity_map() {
    let _guard = LOCK.lock();
    let top = crate::cpu::read_cr3();
    for i in 0..256 {
        write_entry(top, i, 0);
    }
    crate::cpu::flush_tlb();
}
