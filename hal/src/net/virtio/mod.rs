//! virtio-net over the modern PCI transport.

use super::NetError;
use super::driver::Driver;
use crate::pci::{Interrupt, PciDevice};
use alloc::boxed::Box;

/// Brings the device up and returns its driver.
pub(super) fn init(
    _device: &PciDevice,
    _interrupt: Option<Interrupt>,
) -> Result<Box<dyn Driver>, NetError> {
    Err(NetError::Unsupported(
        "a virtio-net driver (not yet written)",
    ))
}
