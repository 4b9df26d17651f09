//! An owned range of the Wasm window: the safe face of the same code the
//! `wasmtime_mmap_*` hooks run, for kernel code and tests.

use super::vm::{self, Error, PAGE_SIZE};
use crate::paging::{self, PageFlags};

/// A mapping in the Wasm window, unmapped when dropped. Its pages are
/// reached through [`Mapping::read`] and [`Mapping::write`], which check
/// the page tables first, so no access through it can fault.
#[derive(Debug)]
pub struct Mapping {
    base: u64,
    size: usize,
}

impl Mapping {
    /// Maps `size` bytes (rounded up to pages) with access `prot`
    /// ([`vm::READ`] | [`vm::WRITE`] | [`vm::EXEC`], or 0), zeroed.
    pub fn new(size: usize, prot: u32) -> Result<Mapping, Error> {
        let base = vm::map(size, prot)?;
        let size = size.next_multiple_of(PAGE_SIZE);
        Ok(Mapping { base, size })
    }

    /// The first address.
    pub fn base(&self) -> u64 {
        self.base
    }

    /// The size in bytes (whole pages).
    pub fn size(&self) -> usize {
        self.size
    }

    /// Gives `[offset, offset + len)` the access `prot`, as `mprotect`.
    pub fn protect(&mut self, offset: usize, len: usize, prot: u32) -> Result<(), Error> {
        vm::protect(self.inside(offset, len)?, len, prot)
    }

    /// Replaces `[offset, offset + len)` with zeroed pages of access `prot`.
    pub fn remap(&mut self, offset: usize, len: usize, prot: u32) -> Result<(), Error> {
        vm::remap(self.inside(offset, len)?, len, prot)
    }

    /// Copies the bytes at `offset` into `buf`, if every page is present.
    pub fn read(&self, offset: usize, buf: &mut [u8]) -> Result<(), Error> {
        let start = self.accessible(offset, buf.len(), |_| true)?;
        // SAFETY: the range is inside this mapping (checked) and each of
        // its pages is present (checked); the window hands the range to
        // nobody else while `self` lives, and `buf` is ordinary memory
        // outside the window, so the two do not overlap.
        unsafe { core::ptr::copy_nonoverlapping(start as *const u8, buf.as_mut_ptr(), buf.len()) }
        Ok(())
    }

    /// Copies `data` to `offset`, if every page is present and writable.
    pub fn write(&mut self, offset: usize, data: &[u8]) -> Result<(), Error> {
        let start = self.accessible(offset, data.len(), |f| f.writable)?;
        // SAFETY: as in `read`, and every page is writable (checked);
        // `&mut self` means no other access through this mapping.
        unsafe { core::ptr::copy_nonoverlapping(data.as_ptr(), start as *mut u8, data.len()) }
        Ok(())
    }

    /// The address of `offset`, if `[offset, offset + len)` is inside.
    fn inside(&self, offset: usize, len: usize) -> Result<u64, Error> {
        match offset.checked_add(len) {
            Some(end) if end <= self.size => Ok(self.base + offset as u64),
            _ => Err(Error::UnknownRange),
        }
    }

    /// The address of `offset`, if every page of the range is mapped with
    /// flags that satisfy `allowed`.
    fn accessible(
        &self,
        offset: usize,
        len: usize,
        allowed: impl Fn(PageFlags) -> bool,
    ) -> Result<u64, Error> {
        let start = self.inside(offset, len)?;
        let first = start & !(PAGE_SIZE as u64 - 1);
        let end = start + len as u64;
        let ok = (first..end)
            .step_by(PAGE_SIZE)
            .all(|page| paging::page_flags(page).is_some_and(&allowed));
        if ok {
            Ok(start)
        } else {
            Err(Error::NotAccessible)
        }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // Cannot fail: the range is this mapping's, aligned and not empty.
        let _ = vm::unmap(self.base, self.size);
    }
}
