//! The global physical frame allocator: `aios-mm`'s bitmap, placed in
//! free RAM and filled from the boot memory map.

use aios_bootinfo::{BootInfo, MemoryKind};
use aios_mm::FrameAllocator;
use spin::Mutex;

static FRAMES: Mutex<Option<FrameAllocator<'static>>> = Mutex::new(None);

/// Physical page reserved for the application-processor start-up code.
pub(crate) const TRAMPOLINE_PHYS: u64 = 0x8000;

/// Frame counts, for `info` and tests.
#[derive(Debug, Clone, Copy)]
pub struct FrameStats {
    /// Frames the allocator manages (all usable RAM).
    pub total: u64,
    /// Frames free now.
    pub free: u64,
}

/// Why the frame allocator could not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FramesError {
    /// The memory map could not be read.
    BadMemoryMap,
    /// No usable region can hold the bitmap.
    NoRoomForBitmap,
    /// The trampoline page (0x8000) is not usable RAM.
    NoTrampolinePage,
}

/// Builds the allocator from the boot memory map. Called once, on the boot
/// CPU, before anything allocates.
pub(crate) fn init(info: &BootInfo) -> Result<FrameStats, FramesError> {
    let map = crate::memory::boot_memory_map(info).map_err(|_| FramesError::BadMemoryMap)?;
    let usable = || {
        map.iter()
            .filter(|r| r.kind() == MemoryKind::Usable)
            .map(|r| (r.start, r.len))
    };
    let max_phys = usable()
        .map(|(s, l)| s.saturating_add(l))
        .max()
        .unwrap_or(0);
    let words = FrameAllocator::bitmap_words(max_phys);
    let bytes = (words as u64) * 8;
    let place = aios_mm::place_bitmap(usable(), bytes).ok_or(FramesError::NoRoomForBitmap)?;
    let virt = crate::memory::phys_to_virt(place) as *mut u64;
    // SAFETY: `place` is the start of usable RAM, inside the direct map
    // (extended above), 4 KiB aligned, `bytes` long; it is reserved in the
    // allocator right below, so nothing else will ever use it, which makes
    // an exclusive 'static slice sound. Zeroed before use as u64s.
    let bitmap = unsafe {
        core::ptr::write_bytes(virt, 0, words);
        core::slice::from_raw_parts_mut(virt, words)
    };
    let mut frames =
        FrameAllocator::new(bitmap, max_phys).map_err(|_| FramesError::NoRoomForBitmap)?;
    for (start, len) in usable() {
        frames.add_free_range(start, len);
    }
    frames.reserve_range(place, bytes);
    let trampoline_usable =
        usable().any(|(s, l)| s <= TRAMPOLINE_PHYS && TRAMPOLINE_PHYS + 4096 <= s + l);
    if !trampoline_usable {
        return Err(FramesError::NoTrampolinePage);
    }
    frames.reserve_range(TRAMPOLINE_PHYS, 4096);
    let stats = FrameStats {
        total: frames.total_frames(),
        free: frames.free_frames(),
    };
    *FRAMES.lock() = Some(frames);
    crate::paging::extend_direct_map(max_phys).map_err(|_| FramesError::BadMemoryMap)?;
    Ok(stats)
}

/// Allocates one 4 KiB frame.
pub fn alloc() -> Option<u64> {
    FRAMES.lock().as_mut()?.alloc()
}

/// Allocates a zeroed frame for a page table: always below the direct
/// map's current limit, so it can be written before the map grows.
pub(crate) fn alloc_table() -> Option<u64> {
    let limit = crate::memory::mapped_limit();
    let frame = FRAMES.lock().as_mut()?.alloc_contiguous(1, 1, limit)?;
    let virt = crate::memory::phys_to_virt(frame) as *mut u8;
    // SAFETY: the frame was just allocated and lies below the mapped limit.
    unsafe { core::ptr::write_bytes(virt, 0, 4096) };
    Some(frame)
}

/// Allocates one 4 KiB frame filled with zeros.
pub fn alloc_zeroed() -> Option<u64> {
    let frame = alloc()?;
    let virt = crate::memory::phys_to_virt(frame) as *mut u8;
    // SAFETY: the frame was just allocated, so nobody else uses it, and
    // RAM handed out by the allocator is inside the direct map.
    unsafe { core::ptr::write_bytes(virt, 0, 4096) };
    Some(frame)
}

/// Returns a frame to the allocator. Double or bogus frees are refused.
pub fn free(phys: u64) -> Result<(), aios_mm::Error> {
    match FRAMES.lock().as_mut() {
        Some(frames) => frames.free(phys),
        None => Ok(()),
    }
}

/// Current counts (zero before `init`).
pub fn stats() -> FrameStats {
    FRAMES
        .lock()
        .as_ref()
        .map_or(FrameStats { total: 0, free: 0 }, |f| FrameStats {
            total: f.total_frames(),
            free: f.free_frames(),
        })
}

/// Allocates `count` physically contiguous, zeroed 4 KiB frames (for DMA
/// rings and buffers) and returns the first; below the direct map's limit
/// so the kernel can reach them. Free each frame with [`free`].
pub fn alloc_contiguous(count: usize) -> Option<u64> {
    let limit = crate::memory::mapped_limit();
    let first = FRAMES.lock().as_mut()?.alloc_contiguous(count, 1, limit)?;
    let bytes = count.checked_mul(4096)?;
    let virt = crate::memory::phys_to_virt(first) as *mut u8;
    // SAFETY: the frames were just allocated (nobody else uses them), are
    // contiguous, `bytes` long, and lie below the mapped limit.
    unsafe { core::ptr::write_bytes(virt, 0, bytes) };
    Some(first)
}
