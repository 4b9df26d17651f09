//! What each block driver provides to the common request layer.

use super::BlkError;
use super::slots::Slots;
use crate::dma::Segment;

/// The operation of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Device to memory.
    Read,
    /// Memory to device.
    Write,
    /// Make completed writes durable.
    Flush,
}

/// One request as the common layer hands it to a driver: at most
/// `max_transfer` bytes in at most `max_segments` physical segments.
pub(crate) struct Request<'a> {
    pub op: Op,
    pub lba: u64,
    pub sectors: u32,
    pub segments: &'a [Segment],
}

/// A device queue with several requests in flight.
pub(crate) trait Driver: Send + Sync {
    /// The in-flight table; its indices are the drivers' command tags.
    fn slots(&self) -> &Slots;
    /// Largest transfer of one request, in bytes (a sector multiple).
    fn max_transfer(&self) -> u64;
    /// Most physical segments in one request.
    fn max_segments(&self) -> usize;
    /// Puts the request for the claimed `slot` on the queue and notifies
    /// the device.
    fn submit(&self, slot: u16, request: &Request<'_>) -> Result<(), BlkError>;
    /// Acknowledges the device's interrupt (if any) and finishes every
    /// completed slot. Safe to call at any time from any CPU.
    fn poll(&self);
}
