//! Physical memory map entries.

/// What a physical range is used for.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryKind {
    /// Free RAM the kernel may allocate.
    Usable = 1,
    /// Not to be touched (firmware, MMIO holes, unknown).
    Reserved = 2,
    /// ACPI tables; reusable once parsed.
    AcpiReclaimable = 3,
    /// ACPI non-volatile storage; never reused.
    AcpiNvs = 4,
    /// The kernel image.
    Kernel = 5,
    /// Boot info, memory map, boot log, bundle and command line.
    BootInfo = 6,
    /// The loader's own code, data and page tables; reclaimable once the
    /// kernel runs on its own page tables.
    Bootloader = 7,
    /// Defective RAM reported by firmware.
    Bad = 8,
}

impl MemoryKind {
    /// Decodes a raw kind, mapping unknown values to `Reserved`.
    pub fn from_raw(raw: u32) -> MemoryKind {
        match raw {
            1 => MemoryKind::Usable,
            3 => MemoryKind::AcpiReclaimable,
            4 => MemoryKind::AcpiNvs,
            5 => MemoryKind::Kernel,
            6 => MemoryKind::BootInfo,
            7 => MemoryKind::Bootloader,
            8 => MemoryKind::Bad,
            _ => MemoryKind::Reserved,
        }
    }
}

/// One range of the physical memory map.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryRegion {
    /// Physical start address (4 KiB aligned).
    pub start: u64,
    /// Length in bytes (multiple of 4 KiB).
    pub len: u64,
    /// A [`MemoryKind`] as `u32` (kept raw so bad values cannot be UB).
    pub kind: u32,
    /// Zero.
    pub reserved: u32,
}

impl MemoryRegion {
    /// A region of the given kind.
    pub fn new(start: u64, len: u64, kind: MemoryKind) -> MemoryRegion {
        MemoryRegion {
            start,
            len,
            kind: kind as u32,
            reserved: 0,
        }
    }

    /// The decoded kind.
    pub fn kind(&self) -> MemoryKind {
        MemoryKind::from_raw(self.kind)
    }

    /// One past the last byte, saturating.
    pub fn end(&self) -> u64 {
        self.start.saturating_add(self.len)
    }
}
