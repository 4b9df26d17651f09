//! Network interfaces: virtio-net and the Intel 82574L (QEMU's `e1000e`)
//! behind one [`Nic`] handle that sends and receives Ethernet frames.
//!
//! The handle is what the network stack sees: a frame goes out by filling
//! the device's own transmit buffer ([`Nic::transmit`]) and comes in by
//! reading the device's own receive buffer ([`Nic::receive`]), so the only
//! copies are the ones the stack makes into its sockets. Received frames
//! arrive by interrupt (MSI-X or MSI); the interrupt calls the function
//! set with [`set_notify`] so the kernel can poll its stack.

mod driver;
mod e1000e;
mod error;
mod nic;
mod probe;
mod virtio;

pub use error::{NetError, NicStats};
pub use nic::{Nic, NicKind, set_notify};
pub use probe::probe;

/// Largest Ethernet frame the drivers carry, without the FCS: 14 bytes of
/// header and a 1500-byte payload.
pub const MAX_FRAME: usize = 1514;
