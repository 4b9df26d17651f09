//! DMA memory: physically contiguous buffers shared with devices, and the
//! physical segments of a caller's kernel buffer for zero-copy transfers.
//!
//! Discipline: a [`DmaBuffer`] is memory the device may read or write at
//! any time, so it is never handed out as a Rust slice; every access is a
//! volatile read or write at an offset, and the drivers order them with
//! `fence`s around doorbells (publish descriptors, fence, ring) and
//! completions (see the completion, fence, read data). Caller buffers are
//! only given to a device while the driver holds their borrow and until
//! the device reported completion, or was stopped from mastering the bus.
//!
//! The one exception to "never a slice" is the lending of a buffer the
//! device cannot touch at that moment ([`DmaBuffer::lend`], `lend_mut`):
//! one the driver has not given to the device yet, or one the device
//! returned (its completion observed) that the driver has not given back.
//! Such a buffer is, until the driver posts it again, ordinary memory; the
//! slice lives only for the closure, which ends before the driver posts it.

use alloc::vec::Vec;
use core::sync::atomic::{Ordering, fence};

const PAGE: u64 = 4096;

/// Why DMA memory could not be provided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmaError {
    /// No contiguous physical frames left.
    NoMemory,
    /// A buffer page is not mapped.
    NotMapped,
    /// A size was zero or overflowed.
    BadSize,
}

/// Values a [`DmaBuffer`] can hold at an offset: plain integers.
pub trait DmaValue: Copy + sealed::Sealed {}
impl DmaValue for u8 {}
impl DmaValue for u16 {}
impl DmaValue for u32 {}
impl DmaValue for u64 {}
mod sealed {
    pub trait Sealed {}
    impl Sealed for u8 {}
    impl Sealed for u16 {}
    impl Sealed for u32 {}
    impl Sealed for u64 {}
}

/// Physically contiguous, zeroed memory for device rings and buffers,
/// returned to the frame allocator on drop.
#[derive(Debug)]
pub struct DmaBuffer {
    phys: u64,
    frames: usize,
}

impl DmaBuffer {
    /// Allocates at least `bytes` (rounded up to 4 KiB pages).
    pub fn new(bytes: usize) -> Result<DmaBuffer, DmaError> {
        if bytes == 0 {
            return Err(DmaError::BadSize);
        }
        let frames = bytes.div_ceil(PAGE as usize);
        let phys = crate::frames::alloc_contiguous(frames).ok_or(DmaError::NoMemory)?;
        Ok(DmaBuffer { phys, frames })
    }

    /// The physical address devices use.
    pub fn phys(&self) -> u64 {
        self.phys
    }

    /// Size in bytes.
    pub fn len(&self) -> usize {
        self.frames * PAGE as usize
    }

    /// Always false: buffers have at least one page.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The virtual address of `offset` if `width` bytes fit there aligned.
    fn at(&self, offset: usize, width: usize) -> Option<u64> {
        let end = offset.checked_add(width)?;
        (end <= self.len() && offset.is_multiple_of(width))
            .then(|| crate::memory::phys_to_virt(self.phys) + offset as u64)
    }

    /// Reads the value at `offset` (volatile); a misplaced offset reads 0.
    pub fn read<T: DmaValue>(&self, offset: usize) -> T {
        let Some(addr) = self.at(offset, core::mem::size_of::<T>()) else {
            // SAFETY: DmaValue is only implemented for integers, for which
            // all-zero bytes are a valid value.
            return unsafe { core::mem::zeroed() };
        };
        // SAFETY: the frames belong to this buffer (allocated in `new`,
        // freed only in `drop`), sit in the direct map, and the access is
        // aligned and in bounds (checked); integers accept any bits.
        unsafe { core::ptr::read_volatile(addr as *const T) }
    }

    /// Writes `value` at `offset` (volatile); a misplaced offset is ignored.
    pub fn write<T: DmaValue>(&self, offset: usize, value: T) {
        if let Some(addr) = self.at(offset, core::mem::size_of::<T>()) {
            // SAFETY: as in `read`; only this buffer's memory is written.
            unsafe { core::ptr::write_volatile(addr as *mut T, value) }
        }
    }

    /// Copies `src` into the buffer at `offset`, then fences so the device
    /// sees the data before any later doorbell. False if it does not fit.
    pub fn copy_in(&self, offset: usize, src: &[u8]) -> bool {
        let fits = offset
            .checked_add(src.len())
            .is_some_and(|e| e <= self.len());
        if fits {
            for (i, &byte) in src.iter().enumerate() {
                self.write(offset + i, byte);
            }
            fence(Ordering::SeqCst);
        }
        fits
    }

    /// Copies from the buffer at `offset` into `dst` after a fence (the
    /// completion was observed before). False if it does not fit.
    pub fn copy_out(&self, offset: usize, dst: &mut [u8]) -> bool {
        let fits = offset
            .checked_add(dst.len())
            .is_some_and(|e| e <= self.len());
        if fits {
            fence(Ordering::SeqCst);
            for (i, byte) in dst.iter_mut().enumerate() {
                *byte = self.read(offset + i);
            }
        }
        fits
    }

    /// The bytes `offset..offset + len` as a pointer, if they fit.
    fn range(&self, offset: usize, len: usize) -> Option<*mut u8> {
        let end = offset.checked_add(len)?;
        (end <= self.len())
            .then(|| (crate::memory::phys_to_virt(self.phys) + offset as u64) as *mut u8)
    }

    /// Lends `len` bytes at `offset` to `read` as a slice (after a fence,
    /// so writes the device completed are seen); `None` if they do not fit.
    /// For zero-copy receive: a driver lends a buffer the device returned.
    ///
    /// # Safety
    /// While `read` runs, the device must not write those bytes (the
    /// device returned them and the driver has not given them back), and
    /// no mutable slice of them may exist.
    pub(crate) unsafe fn lend<R>(
        &self,
        offset: usize,
        len: usize,
        read: impl FnOnce(&[u8]) -> R,
    ) -> Option<R> {
        let start = self.range(offset, len)?;
        fence(Ordering::SeqCst);
        // SAFETY: the range lies inside this buffer's frames (checked),
        // which stay allocated while `self` is borrowed and sit in the
        // direct map; the caller guarantees that neither the device nor
        // any `&mut` writes them while the slice lives, and the slice
        // cannot outlive `read`.
        let bytes = unsafe { core::slice::from_raw_parts(start.cast_const(), len) };
        Some(read(bytes))
    }

    /// Lends `len` bytes at `offset` to `fill` as a mutable slice, then
    /// fences so the device sees what `fill` wrote before any later
    /// doorbell; `None` if they do not fit. For zero-copy transmit: a
    /// driver lends a buffer it has not yet given to the device.
    ///
    /// # Safety
    /// While `fill` runs, the device must not access those bytes (the
    /// driver has not given them to the device, or the device returned
    /// them and the driver has not given them back), and no other slice
    /// of them may exist.
    pub(crate) unsafe fn lend_mut<R>(
        &self,
        offset: usize,
        len: usize,
        fill: impl FnOnce(&mut [u8]) -> R,
    ) -> Option<R> {
        let start = self.range(offset, len)?;
        fence(Ordering::SeqCst);
        // SAFETY: as in `lend`, and the caller guarantees this is the only
        // access of any kind to the range while `fill` runs.
        let bytes = unsafe { core::slice::from_raw_parts_mut(start, len) };
        let result = fill(bytes);
        fence(Ordering::SeqCst);
        Some(result)
    }
}

impl Drop for DmaBuffer {
    fn drop(&mut self) {
        for frame in 0..self.frames as u64 {
            let _ = crate::frames::free(self.phys + frame * PAGE);
        }
    }
}

/// A physically contiguous piece of a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Physical address.
    pub phys: u64,
    /// Length in bytes.
    pub len: u64,
}

/// The physical segments of a kernel buffer, page by page, with
/// physically adjacent pages merged, each at most `max_segment` bytes.
pub fn segments(buf: &[u8], max_segment: u64) -> Result<Vec<Segment>, DmaError> {
    let mut out: Vec<Segment> = Vec::new();
    let mut virt = buf.as_ptr() as u64;
    let end = virt
        .checked_add(buf.len() as u64)
        .ok_or(DmaError::BadSize)?;
    if max_segment < PAGE {
        return Err(DmaError::BadSize);
    }
    while virt < end {
        let page_end = (virt | (PAGE - 1)).saturating_add(1).min(end);
        let phys = crate::paging::translate(virt).ok_or(DmaError::NotMapped)?;
        let len = page_end - virt;
        match out.last_mut() {
            Some(last) if last.phys + last.len == phys && last.len + len <= max_segment => {
                last.len += len;
            }
            _ => out.push(Segment { phys, len }),
        }
        virt = page_end;
    }
    Ok(out)
}
