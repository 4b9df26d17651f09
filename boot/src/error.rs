//! Why the loader refused to boot.

use core::fmt;

use uefi::Status;

use crate::elf::ElfError;

/// Every reason the loader stops instead of entering the kernel.
#[derive(Debug, Clone, Copy)]
pub enum BootError<'a> {
    /// A file could not be read from the ESP.
    ReadFile {
        /// Path on the ESP.
        path: &'static str,
        /// What the firmware said.
        status: Status,
    },
    /// The signed manifest is malformed or its signature is not valid.
    Manifest(aios_bootsig::Error),
    /// A file does not match its signed size or digest.
    Component {
        /// Component name.
        name: &'static str,
        /// How it differs.
        error: aios_bootsig::Error,
    },
    /// The kernel ELF is malformed or not loadable.
    Elf(ElfError),
    /// The firmware could not give the memory needed.
    OutOfMemory {
        /// What the memory was for.
        what: &'static str,
        /// What the firmware said.
        status: Status,
    },
    /// Physical memory extends beyond what the page tables can map.
    MemoryTooLarge(u64),
    /// The firmware runs with 5-level paging, which the loader does not build.
    FiveLevelPaging,
    /// A bug in the loader.
    Panic(&'a core::panic::PanicInfo<'a>),
}

impl fmt::Display for BootError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BootError::ReadFile { path, status } => write!(f, "cannot read {path} ({status:?})"),
            BootError::Manifest(e) => write!(f, "kernel.sig: {e}"),
            BootError::Component { name, error } => write!(f, "{name}: {error}"),
            BootError::Elf(e) => write!(f, "kernel.elf: {e}"),
            BootError::OutOfMemory { what, status } => {
                write!(f, "no memory for the {what} ({status:?})")
            }
            BootError::MemoryTooLarge(end) => write!(
                f,
                "physical memory ends at {end:#x}, beyond the 64 TiB the direct map covers"
            ),
            BootError::FiveLevelPaging => {
                f.write_str("the firmware uses 5-level paging; the loader builds 4-level tables")
            }
            BootError::Panic(info) => write!(f, "loader bug: {info}"),
        }
    }
}

impl From<ElfError> for BootError<'_> {
    fn from(e: ElfError) -> Self {
        BootError::Elf(e)
    }
}
