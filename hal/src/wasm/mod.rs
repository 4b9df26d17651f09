//! The platform layer Wasmtime's no_std runtime links against: virtual
//! memory in a window of its own, per-CPU thread-local pointers, and
//! spin locks, each as the C hooks Wasmtime calls and a safe API.

mod mapping;
mod mmap;
mod ranges;
pub mod sync;
pub mod tls;
mod vm;

pub use mapping::Mapping;
pub use mmap::{
    MemoryImage, wasmtime_memory_image_free, wasmtime_memory_image_map_at,
    wasmtime_memory_image_new, wasmtime_mmap_new, wasmtime_mmap_remap, wasmtime_mprotect,
    wasmtime_munmap, wasmtime_page_size,
};
pub use vm::{EXEC, Error, PAGE_SIZE, READ, WRITE, mapped_bytes, reserved_bytes, window};
