//! The `BootInfo` contract between the loaders (UEFI `boot/`, PVH entry in
//! `hal`) and the kernel.
//!
//! Everything here is `#[repr(C)]` plain data with physical addresses, so
//! the UEFI loader (a different binary) and the kernel agree on it byte for
//! byte. The kernel reads the structures through the direct map.
#![no_std]

mod builder;
mod measurement;
mod memory;

pub use builder::{MapError, MemoryMapBuilder};
pub use measurement::{Measurement, NAME_LEN};
pub use memory::{MemoryKind, MemoryRegion};

/// `b"AIOSBOOT"` as a little-endian `u64`: identifies a `BootInfo`.
pub const BOOTINFO_MAGIC: u64 = u64::from_le_bytes(*b"AIOSBOOT");
/// Layout version of [`BootInfo`]; bumped on any change.
pub const BOOTINFO_VERSION: u32 = 1;
/// Virtual address where all physical memory is mapped (`virt = phys + this`).
pub const DIRECT_MAP_OFFSET: u64 = 0xFFFF_8000_0000_0000;
/// Virtual base of the kernel image (`-2 GiB`, the `kernel` code model).
pub const KERNEL_VIRT_BASE: u64 = 0xFFFF_FFFF_8000_0000;
/// Physical load address of the kernel image on the PVH path (its ELF LMA).
pub const KERNEL_PVH_PHYS_BASE: u64 = 0x0010_0000;
/// Virtual address of the first byte of the kernel image (its lowest VMA).
pub const KERNEL_IMAGE_VIRT: u64 = KERNEL_VIRT_BASE + KERNEL_PVH_PHYS_BASE;

/// Which path booted the kernel.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BootPath {
    /// The AIOS UEFI loader, after verifying the ML-DSA-65 signature.
    Uefi = 1,
    /// QEMU's PVH direct boot (`-kernel`): fast, unverified.
    Pvh = 2,
}

/// A physical range holding `count` items (or bytes) at `phys`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhysSlice {
    /// Physical address of the first item; 0 when empty.
    pub phys: u64,
    /// Number of items (bytes for byte slices).
    pub count: u64,
}

impl PhysSlice {
    /// An empty slice.
    pub const EMPTY: PhysSlice = PhysSlice { phys: 0, count: 0 };

    /// True if the slice holds nothing.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// Pixel layout of a linear framebuffer.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    /// No framebuffer.
    None = 0,
    /// 32-bit pixels, red in the lowest byte.
    Rgb = 1,
    /// 32-bit pixels, blue in the lowest byte.
    Bgr = 2,
}

/// A linear framebuffer, if the firmware offered one.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Framebuffer {
    /// Physical base address; 0 when there is none.
    pub phys: u64,
    /// Size in bytes.
    pub size: u64,
    /// Visible width in pixels.
    pub width: u32,
    /// Visible height in pixels.
    pub height: u32,
    /// Pixels per scan line.
    pub stride: u32,
    /// Pixel layout.
    pub format: PixelFormat,
}

impl Framebuffer {
    /// The absent framebuffer.
    pub const NONE: Framebuffer = Framebuffer {
        phys: 0,
        size: 0,
        width: 0,
        height: 0,
        stride: 0,
        format: PixelFormat::None,
    };
}

/// What the loader hands the kernel. All addresses are physical.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BootInfo {
    /// Must be [`BOOTINFO_MAGIC`].
    pub magic: u64,
    /// Must be [`BOOTINFO_VERSION`].
    pub version: u32,
    /// Which loader built this.
    pub boot_path: BootPath,
    /// Offset of the direct map (always [`DIRECT_MAP_OFFSET`] today).
    pub direct_map_offset: u64,
    /// Physical memory map: `count` [`MemoryRegion`]s, sorted, not overlapping.
    pub memory_map: PhysSlice,
    /// Physical address of the ACPI RSDP; 0 if none was found.
    pub rsdp: u64,
    /// Framebuffer, or [`Framebuffer::NONE`].
    pub framebuffer: Framebuffer,
    /// Boot log: `count` [`Measurement`]s of what was loaded.
    pub boot_log: PhysSlice,
    /// The boot bundle (bytes); empty if none was loaded.
    pub bundle: PhysSlice,
    /// Kernel command line (UTF-8 bytes, no terminator).
    pub cmdline: PhysSlice,
    /// Physical extent of the kernel image (`count` bytes). Its first byte is
    /// the lowest `PT_LOAD` address of the ELF, always
    /// [`KERNEL_IMAGE_VIRT`], and the image is mapped linearly from there.
    pub kernel_image: PhysSlice,
    /// Fingerprint (SHA3-256) of the public key that verified the kernel;
    /// zero on the PVH path.
    pub verified_by: [u8; 32],
}

impl BootInfo {
    /// True if the header fields identify a `BootInfo` of this layout.
    pub fn is_valid(&self) -> bool {
        self.magic == BOOTINFO_MAGIC && self.version == BOOTINFO_VERSION
    }
}
