//! Page allocations tagged with AIOS memory kinds, so the firmware memory
//! map later tells the kernel what each allocation was for.

use aios_bootinfo::MemoryKind;
use uefi::boot::{self, AllocateType, MemoryType};

use crate::error::BootError;

/// Size of a UEFI page and of the kernel's smallest mapping.
pub const PAGE_SIZE: u64 = 4096;

/// First UEFI memory type value reserved for OS loaders; the loader's
/// custom types are this plus a [`MemoryKind`].
const OS_LOADER_TYPES: u32 = 0x8000_0000;

/// The UEFI memory type that marks pages of `kind`.
pub fn memory_type(kind: MemoryKind) -> MemoryType {
    MemoryType::custom(OS_LOADER_TYPES | kind as u32)
}

/// The kind a loader-defined UEFI memory type stands for, if it is one.
pub fn kind_of_custom(ty: MemoryType) -> Option<MemoryKind> {
    let raw = ty.0.checked_sub(OS_LOADER_TYPES)?;
    let kind = MemoryKind::from_raw(raw);
    (kind as u32 == raw).then_some(kind)
}

/// Zeroed, page-aligned physical memory handed over to the kernel.
pub struct Pages {
    /// Physical (and, under UEFI, identity-mapped virtual) address.
    pub phys: u64,
    /// Length in bytes, a multiple of [`PAGE_SIZE`].
    pub len: u64,
}

impl Pages {
    /// The pages as bytes.
    pub fn bytes(&mut self) -> &mut [u8] {
        // SAFETY: `allocate` got these pages from the firmware for this
        // value alone, zeroed them (so they are initialised), and UEFI maps
        // memory identity; `&mut self` makes this the only live view.
        unsafe { core::slice::from_raw_parts_mut(self.phys as *mut u8, self.len as usize) }
    }
}

/// Allocates and zeroes enough whole pages for `bytes` bytes (at least one).
pub fn allocate(
    kind: MemoryKind,
    bytes: u64,
    what: &'static str,
) -> Result<Pages, BootError<'static>> {
    let too_large = BootError::OutOfMemory {
        what,
        status: uefi::Status::OUT_OF_RESOURCES,
    };
    let count = bytes.div_ceil(PAGE_SIZE).max(1);
    let len = count.checked_mul(PAGE_SIZE).ok_or(too_large)?;
    let pages = usize::try_from(count).map_err(|_| too_large)?;
    let ptr =
        boot::allocate_pages(AllocateType::AnyPages, memory_type(kind), pages).map_err(|e| {
            BootError::OutOfMemory {
                what,
                status: e.status(),
            }
        })?;
    // SAFETY: the firmware just allocated `pages` pages at `ptr` for us;
    // writing zeroes initialises them without reading anything.
    unsafe { core::ptr::write_bytes(ptr.as_ptr(), 0, len as usize) };
    Ok(Pages {
        phys: ptr.as_ptr() as u64,
        len,
    })
}
