//! The error type of the frame allocator.

use core::fmt;

/// Why a frame allocator operation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The bitmap given to [`crate::FrameAllocator::new`] is too short.
    BitmapTooSmall {
        /// Words needed for the requested physical range.
        needed: usize,
        /// Words provided.
        provided: usize,
    },
    /// A freed address is not the start of a frame.
    Unaligned {
        /// The address passed to `free`.
        phys: u64,
    },
    /// A freed address lies beyond the tracked physical range.
    OutOfRange {
        /// The address passed to `free`.
        phys: u64,
    },
    /// The frame is already free.
    DoubleFree {
        /// The address passed to `free`.
        phys: u64,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BitmapTooSmall { needed, provided } => {
                write!(f, "frame bitmap has {provided} words, {needed} needed")
            }
            Error::Unaligned { phys } => write!(f, "freed address {phys:#x} is not frame aligned"),
            Error::OutOfRange { phys } => {
                write!(f, "freed address {phys:#x} is beyond tracked memory")
            }
            Error::DoubleFree { phys } => write!(f, "frame {phys:#x} freed twice"),
        }
    }
}

impl core::error::Error for Error {}
