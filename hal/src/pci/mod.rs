//! PCI Express: configuration space through ECAM, enumeration, BARs,
//! capabilities and message-signalled interrupts.

mod bar;
mod capability;
mod config;
mod device;
mod enumerate;
mod mmio;
mod msi;

pub use bar::Bar;
pub use capability::Capability;
pub use config::EcamWindow;
pub use device::{Address, PciDevice};
pub use enumerate::enumerate;
pub use mmio::Mmio;
pub(crate) use msi::route_to_this_cpu;
pub use msi::{Interrupt, InterruptError, allocate_vector};

/// Command register bit: respond to I/O space accesses.
pub const COMMAND_IO: u16 = 1 << 0;
/// Command register bit: respond to memory space accesses.
pub const COMMAND_MEMORY: u16 = 1 << 1;
/// Command register bit: the device may master the bus (DMA).
pub const COMMAND_BUS_MASTER: u16 = 1 << 2;
/// Command register bit: legacy INTx interrupts disabled.
pub const COMMAND_INTX_DISABLE: u16 = 1 << 10;
