//! Wasmtime's C hooks for virtual memory and memory images (declared in
//! its `runtime/vm/sys/custom/capi.rs`), as thin shims over `vm`.
//!
//! The hooks never dereference the addresses they are given: each range
//! is checked against the mappings the window handed out, and anything
//! else is refused with a nonzero code. Like `paging::unmap_4k`, they
//! trust the caller to unmap only what it mapped.

use super::vm::{self, Error};

/// Wasmtime's opaque copy-on-write image; never created here.
#[repr(C)]
pub struct MemoryImage {
    _private: [u8; 0],
}

/// Maps `size` bytes with access `prot_flags` (zeroed) and stores the
/// address in `ret`; 0 on success, else an [`Error`] code.
// SAFETY: the symbol is Wasmtime's (capi.rs) and defined nowhere else.
#[unsafe(no_mangle)]
pub extern "C" fn wasmtime_mmap_new(size: usize, prot_flags: u32, ret: &mut *mut u8) -> i32 {
    match vm::map(size, prot_flags) {
        Ok(addr) => {
            *ret = addr as *mut u8;
            0
        }
        Err(error) => error.code(),
    }
}

/// Replaces `[addr, addr + size)` with fresh zeroed pages of access
/// `prot_flags`; 0 on success, else an [`Error`] code.
// SAFETY: the symbol is Wasmtime's (capi.rs) and defined nowhere else.
#[unsafe(no_mangle)]
pub extern "C" fn wasmtime_mmap_remap(addr: *mut u8, size: usize, prot_flags: u32) -> i32 {
    code(vm::remap(addr as u64, size, prot_flags))
}

/// Unmaps `[ptr, ptr + size)`, freeing its frames and address space; 0 on
/// success, else an [`Error`] code.
// SAFETY: the symbol is Wasmtime's (capi.rs) and defined nowhere else.
#[unsafe(no_mangle)]
pub extern "C" fn wasmtime_munmap(ptr: *mut u8, size: usize) -> i32 {
    code(vm::unmap(ptr as u64, size))
}

/// Gives `[ptr, ptr + size)` the access `prot_flags`; 0 on success, else
/// an [`Error`] code (write together with execute is refused).
// SAFETY: the symbol is Wasmtime's (capi.rs) and defined nowhere else.
#[unsafe(no_mangle)]
pub extern "C" fn wasmtime_mprotect(ptr: *mut u8, size: usize, prot_flags: u32) -> i32 {
    code(vm::protect(ptr as u64, size, prot_flags))
}

/// The page size: 4096.
// SAFETY: the symbol is Wasmtime's (capi.rs) and defined nowhere else.
#[unsafe(no_mangle)]
pub extern "C" fn wasmtime_page_size() -> usize {
    vm::PAGE_SIZE
}

/// Stores NULL in `ret`, which tells Wasmtime to initialise linear
/// memories by copying (the engine turns copy-on-write images off); 0.
// SAFETY: the symbol is Wasmtime's (capi.rs) and defined nowhere else.
#[unsafe(no_mangle)]
pub extern "C" fn wasmtime_memory_image_new(
    _ptr: *const u8,
    _len: usize,
    ret: &mut *mut MemoryImage,
) -> i32 {
    *ret = core::ptr::null_mut();
    0
}

/// Never called, as no image is ever created; refuses if it is.
// SAFETY: the symbol is Wasmtime's (capi.rs) and defined nowhere else.
#[unsafe(no_mangle)]
pub extern "C" fn wasmtime_memory_image_map_at(
    _image: *mut MemoryImage,
    _addr: *mut u8,
    _len: usize,
) -> i32 {
    Error::NoMemoryImages.code()
}

/// Frees an image: there are none, so there is nothing to free.
// SAFETY: the symbol is Wasmtime's (capi.rs) and defined nowhere else.
#[unsafe(no_mangle)]
pub extern "C" fn wasmtime_memory_image_free(_image: *mut MemoryImage) {}

fn code(result: Result<(), Error>) -> i32 {
    result.map_or_else(Error::code, |()| 0)
}
