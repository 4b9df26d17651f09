//! The direct map: safe, bounds-checked access to physical memory.

use aios_bootinfo::DIRECT_MAP_OFFSET;
use core::sync::atomic::{AtomicU64, Ordering};

/// End of the virtual range reserved for the direct map (64 TiB).
pub const DIRECT_MAP_END: u64 = DIRECT_MAP_OFFSET + (1 << 46);

/// Physical addresses below this are mapped in the direct map. Both boot
/// paths map at least the first 4 GiB; `paging` raises it as it maps more.
static MAPPED_LIMIT: AtomicU64 = AtomicU64::new(4 << 30);

/// The direct-map virtual address of a physical address.
pub fn phys_to_virt(phys: u64) -> u64 {
    DIRECT_MAP_OFFSET + phys
}

/// Highest physical address (exclusive) the direct map covers.
pub fn mapped_limit() -> u64 {
    MAPPED_LIMIT.load(Ordering::Acquire)
}

pub(crate) fn raise_mapped_limit(limit: u64) {
    MAPPED_LIMIT.fetch_max(limit, Ordering::AcqRel);
}

/// Why a physical access was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotMapped {
    /// The first physical address asked for.
    pub phys: u64,
    /// How many bytes were asked for.
    pub len: u64,
}

fn check(phys: u64, len: usize) -> Result<(), NotMapped> {
    let err = NotMapped {
        phys,
        len: len as u64,
    };
    let end = phys.checked_add(len as u64).ok_or(err)?;
    if end > mapped_limit() {
        Err(err)
    } else {
        Ok(())
    }
}

/// Copies physical memory into `buf`.
///
/// Reads of RAM, ROM and firmware tables only: this is for parsing what
/// the firmware left (ACPI, boot structures), not for device registers.
pub fn read_phys(phys: u64, buf: &mut [u8]) -> Result<(), NotMapped> {
    check(phys, buf.len())?;
    let src = phys_to_virt(phys) as *const u8;
    // SAFETY: the range is inside the direct map (checked above), which maps
    // all of it readable; byte copies have no alignment requirement and the
    // source cannot overlap `buf` in a way that matters for a plain copy.
    unsafe { core::ptr::copy(src, buf.as_mut_ptr(), buf.len()) };
    Ok(())
}

/// Reads a plain-old-data value from physical memory.
pub(crate) fn read_phys_value<T: Copy>(phys: u64) -> Result<T, NotMapped> {
    check(phys, core::mem::size_of::<T>())?;
    // SAFETY: mapped and readable (checked); read_unaligned has no alignment
    // needs. Callers only use integer-only `repr(C)` types, valid for any
    // bit pattern.
    Ok(unsafe { core::ptr::read_unaligned(phys_to_virt(phys) as *const T) })
}

/// A physical byte range the boot path handed over as read-only data
/// (bundle, command line, memory map), as a slice.
///
/// The memory map marks these ranges as `BootInfo` so nothing reuses them.
pub fn boot_bytes(phys: u64, len: u64) -> Result<&'static [u8], NotMapped> {
    let len_usize = usize::try_from(len).map_err(|_| NotMapped { phys, len })?;
    check(phys, len_usize)?;
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: mapped (checked); the memory is kind BootInfo, never handed
    // to the frame allocator and never written after boot, so a shared
    // 'static borrow is sound.
    Ok(unsafe { core::slice::from_raw_parts(phys_to_virt(phys) as *const u8, len_usize) })
}

/// Plain-old-data records the loaders hand over in arrays: implemented
/// only for integer-only `#[repr(C)]` types, valid for any bit pattern.
trait BootRecord: Copy {}
impl BootRecord for aios_bootinfo::MemoryRegion {}
impl BootRecord for aios_bootinfo::Measurement {}

/// A BootInfo array (`count` records at `phys`) as a slice.
fn boot_records<T: BootRecord>(slice: aios_bootinfo::PhysSlice) -> Result<&'static [T], NotMapped> {
    let err = NotMapped {
        phys: slice.phys,
        len: u64::MAX,
    };
    let count = usize::try_from(slice.count).map_err(|_| err)?;
    let bytes = slice
        .count
        .checked_mul(core::mem::size_of::<T>() as u64)
        .ok_or(err)?;
    let raw = boot_bytes(slice.phys, bytes)?;
    if raw.is_empty() {
        return Ok(&[]);
    }
    if !(raw.as_ptr() as usize).is_multiple_of(core::mem::align_of::<T>()) {
        return Err(err);
    }
    // SAFETY: the bytes are mapped and 'static (kind BootInfo, never
    // reused), aligned for T (checked), `count * size_of::<T>()` long, and
    // T is an integer-only repr(C) type, valid for any bit pattern
    // (BootRecord is implemented only for such types).
    Ok(unsafe { core::slice::from_raw_parts(raw.as_ptr() as *const T, count) })
}

/// The BootInfo memory map as a slice.
pub fn boot_memory_map(
    info: &aios_bootinfo::BootInfo,
) -> Result<&'static [aios_bootinfo::MemoryRegion], NotMapped> {
    boot_records(info.memory_map)
}

/// The BootInfo boot log as a slice.
pub fn boot_log(
    info: &aios_bootinfo::BootInfo,
) -> Result<&'static [aios_bootinfo::Measurement], NotMapped> {
    boot_records(info.boot_log)
}
