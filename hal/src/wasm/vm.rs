//! Virtual memory for Wasmtime: its `wasmtime_mmap_*` hooks over a window
//! of the kernel address space that holds nothing else.
//!
//! Address space comes from a first-fit range allocator, so the ranges of
//! killed agents are reused; pages get zeroed frames when they are first
//! made accessible and lose them on unmap or remap. A page is never both
//! writable and executable.

use super::ranges::Ranges;
use crate::paging::{MapError, PageFlags, Window};
use spin::Mutex;

/// Access flag: the pages may be read.
pub const READ: u32 = 1;
/// Access flag: the pages may be written.
pub const WRITE: u32 = 2;
/// Access flag: the pages may be executed.
pub const EXEC: u32 = 4;
/// The page size Wasmtime is told (mappings are made of 4 KiB pages).
pub const PAGE_SIZE: usize = 4096;

/// The Wasm window: 8 TiB (sixteen top-level slots), room for some
/// two thousand linear memories with Wasmtime's default 4 GiB reservation.
const WINDOW_BASE: u64 = 0xFFFF_F000_0000_0000;
const WINDOW_SIZE: u64 = 8 << 40;

static WINDOW: Window = Window::new(WINDOW_BASE, WINDOW_SIZE);
/// Which ranges are handed out. Held for a whole operation, so two
/// operations on one range never interleave; taken before paging's lock.
static RANGES: Mutex<Ranges> = Mutex::new(Ranges::new(WINDOW_BASE, WINDOW_BASE + WINDOW_SIZE));

/// Why a virtual-memory request was refused. Wasmtime sees [`Error::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The address is not page aligned.
    Unaligned = 1,
    /// The length is zero.
    Empty,
    /// The protection has bits other than read, write and execute.
    UnknownProtection,
    /// Write and execute were asked for together (W^X).
    WritableAndExecutable,
    /// The range is not wholly inside mappings made here.
    UnknownRange,
    /// No free frame for a page or a page table.
    OutOfFrames,
    /// The window has no free range that large.
    WindowFull,
    /// The pages lack the access asked for (reads and writes of a mapping).
    NotAccessible,
    /// Copy-on-write memory images are not supported.
    NoMemoryImages,
}

impl Error {
    /// The nonzero code the C hooks return.
    pub fn code(self) -> i32 {
        self as i32
    }
}

fn from_map_error(error: MapError) -> Error {
    match error {
        MapError::OutOfFrames => Error::OutOfFrames,
        MapError::Unaligned => Error::Unaligned,
        _ => Error::UnknownRange,
    }
}

/// The page access `prot` asks for; `None` for no access at all.
fn access_flags(prot: u32) -> Result<Option<PageFlags>, Error> {
    if prot & !(READ | WRITE | EXEC) != 0 {
        return Err(Error::UnknownProtection);
    }
    if prot & (WRITE | EXEC) == WRITE | EXEC {
        return Err(Error::WritableAndExecutable);
    }
    Ok((prot != 0).then_some(PageFlags {
        writable: prot & WRITE != 0,
        executable: prot & EXEC != 0,
        uncached: false,
    }))
}

/// `len` in whole pages (rounded up, as `mmap` does); at most the window.
fn pages(len: usize) -> Result<u64, Error> {
    match len as u64 {
        0 => Err(Error::Empty),
        len if len > WINDOW_SIZE => Err(Error::WindowFull),
        len => Ok(len.div_ceil(PAGE_SIZE as u64)),
    }
}

/// The pages of `[addr, addr + len)`, if all of it is handed out.
fn owned(ranges: &Ranges, addr: u64, len: usize) -> Result<u64, Error> {
    if !addr.is_multiple_of(PAGE_SIZE as u64) {
        return Err(Error::Unaligned);
    }
    if len as u64 > WINDOW_SIZE {
        return Err(Error::UnknownRange);
    }
    let pages = pages(len)?;
    let end = addr.checked_add(pages * PAGE_SIZE as u64);
    match end {
        Some(end) if ranges.contains(addr, end) => Ok(pages),
        _ => Err(Error::UnknownRange),
    }
}

/// Maps `len` bytes (rounded up to pages) with access `prot`, zeroed;
/// returns the address. With no access the range is only reserved.
pub(super) fn map(len: usize, prot: u32) -> Result<u64, Error> {
    let flags = access_flags(prot)?;
    let pages = pages(len)?;
    let bytes = pages * PAGE_SIZE as u64;
    let mut ranges = RANGES.lock();
    let base = ranges.allocate(bytes).ok_or(Error::WindowFull)?;
    if let Some(flags) = flags
        && let Err(error) = WINDOW.commit(base, pages, flags)
    {
        let _ = WINDOW.release(base, pages);
        ranges.free(base, base + bytes);
        return Err(from_map_error(error));
    }
    Ok(base)
}

/// Unmaps `[addr, addr + len)` and frees its frames and address space.
pub(super) fn unmap(addr: u64, len: usize) -> Result<(), Error> {
    let mut ranges = RANGES.lock();
    let pages = owned(&ranges, addr, len)?;
    WINDOW.release(addr, pages).map_err(from_map_error)?;
    ranges.free(addr, addr + pages * PAGE_SIZE as u64);
    Ok(())
}

/// Changes the access of `[addr, addr + len)`: pages made accessible for
/// the first time are zeroed; no access keeps the contents for later.
pub(super) fn protect(addr: u64, len: usize, prot: u32) -> Result<(), Error> {
    let flags = access_flags(prot)?;
    if len == 0 && addr.is_multiple_of(PAGE_SIZE as u64) {
        return Ok(());
    }
    let ranges = RANGES.lock();
    let pages = owned(&ranges, addr, len)?;
    match flags {
        Some(flags) => WINDOW.commit(addr, pages, flags),
        None => WINDOW.park(addr, pages),
    }
    .map_err(from_map_error)
}

/// Replaces `[addr, addr + len)` with fresh zeroed pages of access `prot`.
pub(super) fn remap(addr: u64, len: usize, prot: u32) -> Result<(), Error> {
    let flags = access_flags(prot)?;
    let ranges = RANGES.lock();
    let pages = owned(&ranges, addr, len)?;
    WINDOW.release(addr, pages).map_err(from_map_error)?;
    if let Some(flags) = flags {
        WINDOW.commit(addr, pages, flags).map_err(from_map_error)?;
    }
    Ok(())
}

/// Bytes of RAM backing Wasm mappings now (accessible or not).
pub fn mapped_bytes() -> u64 {
    WINDOW.frames() * PAGE_SIZE as u64
}

/// Bytes of the Wasm window handed out now.
pub fn reserved_bytes() -> u64 {
    RANGES.lock().in_use()
}

/// The Wasm window as `(base, size)`.
pub fn window() -> (u64, u64) {
    (WINDOW.base(), WINDOW.size())
}
