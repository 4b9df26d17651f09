//! Reading the boot files from the ESP the loader itself was loaded from.

use alloc::vec::Vec;

use uefi::fs::{self, FileSystem};
use uefi::{CStr16, Status, boot, cstr16};

use crate::error::BootError;

/// The four files the loader reads, verbatim.
pub struct BootFiles {
    /// `\aios\kernel.elf`.
    pub kernel: Vec<u8>,
    /// `\aios\bundle.bin`.
    pub bundle: Vec<u8>,
    /// `\aios\cmdline.txt`.
    pub cmdline: Vec<u8>,
    /// `\aios\kernel.sig`: the signed manifest.
    pub manifest: Vec<u8>,
}

/// Reads every boot file; any missing or unreadable one is an error.
pub fn read_all() -> Result<BootFiles, BootError<'static>> {
    let protocol =
        boot::get_image_file_system(boot::image_handle()).map_err(|e| BootError::ReadFile {
            path: "the boot volume",
            status: e.status(),
        })?;
    let mut volume = FileSystem::new(protocol);
    Ok(BootFiles {
        manifest: read(
            &mut volume,
            cstr16!("\\aios\\kernel.sig"),
            "\\aios\\kernel.sig",
        )?,
        kernel: read(
            &mut volume,
            cstr16!("\\aios\\kernel.elf"),
            "\\aios\\kernel.elf",
        )?,
        bundle: read(
            &mut volume,
            cstr16!("\\aios\\bundle.bin"),
            "\\aios\\bundle.bin",
        )?,
        cmdline: read(
            &mut volume,
            cstr16!("\\aios\\cmdline.txt"),
            "\\aios\\cmdline.txt",
        )?,
    })
}

fn read(
    volume: &mut FileSystem,
    path: &CStr16,
    name: &'static str,
) -> Result<Vec<u8>, BootError<'static>> {
    volume.read(path).map_err(|e| BootError::ReadFile {
        path: name,
        status: match e {
            fs::Error::Io(io) => io.uefi_error.status(),
            _ => Status::INVALID_PARAMETER,
        },
    })
}
