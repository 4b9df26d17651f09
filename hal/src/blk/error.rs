//! Errors and counters of the block layer.

use core::fmt;

/// Why a block request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlkError {
    /// The request reaches past the last sector.
    OutOfRange,
    /// The buffer length is not a multiple of the sector size, or its
    /// memory cannot be given to the device.
    BadBuffer,
    /// The device reported an error; `status` is its own code (virtio
    /// status byte, NVMe status field, ATA error << 8 | status).
    Device {
        /// The device's status code.
        status: u32,
    },
    /// The device did not complete the request before its deadline; the
    /// disk is now marked failed.
    Timeout,
    /// The disk was marked failed earlier (a timeout or a fatal status).
    Failed,
    /// No memory for DMA structures.
    NoMemory,
    /// The device does not support the operation (e.g. no flush).
    Unsupported,
    /// The device could not be initialised (reason in the text).
    Init(&'static str),
}

impl fmt::Display for BlkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlkError::OutOfRange => write!(f, "request past the end of the disk"),
            BlkError::BadBuffer => write!(f, "buffer length or memory unusable for DMA"),
            BlkError::Device { status } => write!(f, "device error, status {:#x}", status),
            BlkError::Timeout => write!(f, "device did not answer in time; disk marked failed"),
            BlkError::Failed => write!(f, "disk marked failed"),
            BlkError::NoMemory => write!(f, "out of DMA memory"),
            BlkError::Unsupported => write!(f, "operation not supported by the device"),
            BlkError::Init(why) => write!(f, "initialisation failed: {}", why),
        }
    }
}

impl From<crate::dma::DmaError> for BlkError {
    fn from(e: crate::dma::DmaError) -> Self {
        match e {
            crate::dma::DmaError::NoMemory => BlkError::NoMemory,
            _ => BlkError::BadBuffer,
        }
    }
}

/// What a disk has done since it was probed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiskStats {
    /// Requests submitted to the device (reads, writes, flushes).
    pub requests: u64,
    /// Bytes read.
    pub bytes_read: u64,
    /// Bytes written.
    pub bytes_written: u64,
    /// Requests that ended in an error or a timeout.
    pub errors: u64,
    /// Completion interrupts taken.
    pub interrupts: u64,
}
