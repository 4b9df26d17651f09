//! The block device the store runs on, and its errors.

use alloc::boxed::Box;

/// Size of one device block, in bytes.
pub const BLOCK_SIZE: usize = 4096;

/// What went wrong at the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceErrorKind {
    /// The device reported an I/O failure.
    Io,
    /// The device did not answer in time.
    Timeout,
    /// The request reached past the end of the device.
    OutOfRange,
    /// The buffer was not a whole number of blocks.
    BadBuffer,
}

/// A failed device request: where and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceError {
    /// First block of the failed request.
    pub block: u64,
    /// The kind of failure.
    pub kind: DeviceErrorKind,
}

/// A device of 4096-byte blocks.
pub trait BlockDevice {
    /// Number of 4096-byte blocks.
    fn block_count(&self) -> u64;
    /// Reads `buf.len() / 4096` blocks starting at `first`.
    fn read_blocks(&mut self, first: u64, buf: &mut [u8]) -> Result<(), DeviceError>;
    /// Writes `buf.len() / 4096` blocks starting at `first`.
    fn write_blocks(&mut self, first: u64, buf: &[u8]) -> Result<(), DeviceError>;
    /// Makes every completed write durable; durable after `Ok`.
    fn flush(&mut self) -> Result<(), DeviceError>;
}

impl<T: BlockDevice + ?Sized> BlockDevice for Box<T> {
    fn block_count(&self) -> u64 {
        (**self).block_count()
    }
    fn read_blocks(&mut self, first: u64, buf: &mut [u8]) -> Result<(), DeviceError> {
        (**self).read_blocks(first, buf)
    }
    fn write_blocks(&mut self, first: u64, buf: &[u8]) -> Result<(), DeviceError> {
        (**self).write_blocks(first, buf)
    }
    fn flush(&mut self) -> Result<(), DeviceError> {
        (**self).flush()
    }
}

impl core::fmt::Display for DeviceError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let what = match self.kind {
            DeviceErrorKind::Io => "I/O error",
            DeviceErrorKind::Timeout => "timeout",
            DeviceErrorKind::OutOfRange => "request past the end of the device",
            DeviceErrorKind::BadBuffer => "buffer is not a whole number of blocks",
        };
        write!(f, "{what} at block {}", self.block)
    }
}
