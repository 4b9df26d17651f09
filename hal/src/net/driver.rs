//! What each network driver provides to the common [`super::Nic`] layer.

use super::NetError;

/// One interface's device queues. The common layer serialises calls to
/// `transmit` among themselves and calls to `receive` among themselves,
/// but a `transmit` may run inside `receive`'s `consume` (a stack answers
/// a frame while it reads it: an ARP or echo reply), so the receive and
/// transmit sides must not share a lock. `poll` may run at any time on
/// the CPU that takes the interrupt, so a driver keeps state it shares
/// with `poll` behind an `IrqMutex` or atomics.
pub(crate) trait Driver: Send + Sync {
    /// The station address.
    fn mac(&self) -> [u8; 6];
    /// True while the link is up (devices without link status: always).
    fn link_up(&self) -> bool;
    /// True if a transmit buffer is free.
    fn tx_ready(&self) -> bool;
    /// Lets `fill` write a frame of `len` bytes (1..=MAX_FRAME) straight
    /// into a free transmit buffer, then hands it to the device.
    fn transmit(&self, len: usize, fill: &mut dyn FnMut(&mut [u8])) -> Result<(), NetError>;
    /// True if a received frame is waiting.
    fn rx_ready(&self) -> bool;
    /// Hands the next received frame to `consume` (in the device's own
    /// buffer where that is sound) and gives the buffer back to the
    /// device. Returns the frame's length, or `None` if none was waiting.
    /// Frames the device flagged as bad are dropped and counted, never
    /// passed on.
    fn receive(&self, consume: &mut dyn FnMut(&[u8])) -> Option<usize>;
    /// Acknowledges the device's interrupt (if any) and reclaims completed
    /// transmit buffers. Returns true if frames are waiting.
    fn poll(&self) -> bool;
    /// Called in the interrupt, before `poll`: a device that can stop its
    /// receive interrupts does, until `rx_ready` finds nothing waiting and
    /// turns them on again (the stack then reads a burst of frames with one
    /// interrupt, not one each). Devices that moderate their interrupts
    /// themselves leave this alone.
    fn quiet_rx(&self) {}
    /// Frames dropped by the driver since start.
    fn dropped(&self) -> u64;
}
