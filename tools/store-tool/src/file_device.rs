//! An image file as a block device.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

use aios_store::{BLOCK_SIZE, BlockDevice, DeviceError, DeviceErrorKind};

/// A file of 4096-byte blocks; `flush` is `fsync` (data).
#[derive(Debug)]
pub struct FileDevice {
    file: File,
    blocks: u64,
}

impl FileDevice {
    /// Creates (or truncates) `path` as a sparse file of `bytes` bytes,
    /// rounded down to whole blocks.
    pub fn create(path: &Path, bytes: u64) -> io::Result<FileDevice> {
        let blocks = bytes / BLOCK_SIZE as u64;
        if blocks == 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "an image needs at least one 4096-byte block",
            ));
        }
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)?;
        file.set_len(blocks * BLOCK_SIZE as u64)?;
        Ok(FileDevice { file, blocks })
    }

    /// Opens an existing image for reading and writing.
    pub fn open(path: &Path) -> io::Result<FileDevice> {
        let file = OpenOptions::new().read(true).write(true).open(path)?;
        let blocks = file.metadata()?.len() / BLOCK_SIZE as u64;
        Ok(FileDevice { file, blocks })
    }

    fn check(&self, first: u64, len: usize) -> Result<u64, DeviceError> {
        if !len.is_multiple_of(BLOCK_SIZE) {
            return Err(DeviceError {
                block: first,
                kind: DeviceErrorKind::BadBuffer,
            });
        }
        let end = first.checked_add((len / BLOCK_SIZE) as u64);
        if end.is_none_or(|e| e > self.blocks) {
            return Err(DeviceError {
                block: first,
                kind: DeviceErrorKind::OutOfRange,
            });
        }
        Ok(first * BLOCK_SIZE as u64)
    }
}

impl BlockDevice for FileDevice {
    fn block_count(&self) -> u64 {
        self.blocks
    }
    fn read_blocks(&mut self, first: u64, buf: &mut [u8]) -> Result<(), DeviceError> {
        let at = self.check(first, buf.len())?;
        self.file.read_exact_at(buf, at).map_err(|_| DeviceError {
            block: first,
            kind: DeviceErrorKind::Io,
        })
    }
    fn write_blocks(&mut self, first: u64, buf: &[u8]) -> Result<(), DeviceError> {
        let at = self.check(first, buf.len())?;
        self.file.write_all_at(buf, at).map_err(|_| DeviceError {
            block: first,
            kind: DeviceErrorKind::Io,
        })
    }
    fn flush(&mut self) -> Result<(), DeviceError> {
        self.file.sync_data().map_err(|_| DeviceError {
            block: 0,
            kind: DeviceErrorKind::Io,
        })
    }
}
