//! The Intel 82574L (QEMU's `e1000e`).

use super::NetError;
use super::driver::Driver;
use crate::pci::{Interrupt, PciDevice};
use alloc::boxed::Box;

/// Brings the device up and returns its driver.
pub(super) fn init(
    _device: &PciDevice,
    _interrupt: Option<Interrupt>,
) -> Result<Box<dyn Driver>, NetError> {
    Err(NetError::Unsupported("an e1000e driver (not yet written)"))
}
