//! What can go wrong with a network interface, and what it counted.

use core::fmt;

/// Why a network interface or one of its frames failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetError {
    /// The device lacks a feature the driver needs (named).
    Unsupported(&'static str),
    /// The device did not complete its reset or setup in time.
    Timeout,
    /// No DMA memory for the rings or buffers.
    NoMemory,
    /// Every transmit buffer is still with the device; try again after
    /// the next completion.
    Busy,
    /// The frame is empty or longer than [`super::MAX_FRAME`].
    BadLength,
    /// The device reported an error or is in a state the driver cannot
    /// use (named).
    Device(&'static str),
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::Unsupported(what) => write!(f, "device lacks {}", what),
            NetError::Timeout => write!(f, "device did not respond in time"),
            NetError::NoMemory => write!(f, "no DMA memory"),
            NetError::Busy => write!(f, "transmit ring full"),
            NetError::BadLength => write!(f, "frame length out of range"),
            NetError::Device(what) => write!(f, "device error: {}", what),
        }
    }
}

/// Counters of one interface since it was brought up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NicStats {
    /// Frames handed to the device.
    pub tx_frames: u64,
    /// Bytes of those frames.
    pub tx_bytes: u64,
    /// Frames received and consumed.
    pub rx_frames: u64,
    /// Bytes of those frames.
    pub rx_bytes: u64,
    /// Frames the driver dropped: device errors, bad lengths, no buffer.
    pub rx_dropped: u64,
    /// Transmit attempts refused because the ring was full.
    pub tx_busy: u64,
    /// Interrupts taken.
    pub interrupts: u64,
}
