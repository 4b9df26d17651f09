//! Placing the kernel image in one physically contiguous block.

use aios_bootinfo::{KERNEL_IMAGE_VIRT, MemoryKind};

use crate::elf::KernelElf;
use crate::error::BootError;
use crate::pages::{self, Pages};

/// The kernel image in memory, ready to be mapped at `KERNEL_IMAGE_VIRT`.
pub struct LoadedKernel {
    /// The block holding the whole span; its first byte is `KERNEL_IMAGE_VIRT`.
    pub image: Pages,
    /// Virtual address of the entry point.
    pub entry: u64,
}

/// Copies every segment of `elf` (parsed from `file`) to its offset from
/// `KERNEL_IMAGE_VIRT` in a fresh block; the rest of the block stays zero
/// (that is the `.bss`).
pub fn load_kernel(file: &[u8], elf: &KernelElf) -> Result<LoadedKernel, BootError<'static>> {
    let mut image = pages::allocate(MemoryKind::Kernel, elf.span, "kernel image")?;
    let block = image.bytes();
    for segment in &elf.segments {
        // `KernelElf::parse` checked that every segment lies within the span
        // and within the file, so these ranges are in bounds.
        let at = (segment.virt - KERNEL_IMAGE_VIRT) as usize;
        let source = &file[segment.file_offset..segment.file_offset + segment.file_size];
        block[at..at + segment.file_size].copy_from_slice(source);
    }
    Ok(LoadedKernel {
        image,
        entry: elf.entry,
    })
}
