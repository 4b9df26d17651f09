//! Finds the supported network controllers on PCI, routes their
//! interrupts and initialises a driver for each.

use super::driver::Driver;
use super::nic::{Nic, NicKind};
use super::{NetError, e1000e, virtio};
use crate::pci::{COMMAND_BUS_MASTER, COMMAND_MEMORY, EcamWindow, PciDevice};
use alloc::boxed::Box;
use alloc::format;
use alloc::vec::Vec;
use core::fmt::Write;

/// Finds and initialises every supported interface behind `windows`.
/// Devices that fail to initialise are logged and skipped.
pub fn probe(windows: &[EcamWindow]) -> Vec<Nic> {
    let mut nics = Vec::new();
    for device in crate::pci::enumerate(windows) {
        let Some(kind) = kind_of(&device) else {
            continue;
        };
        let name = format!("{} {}", kind.label(), device.address);
        device.enable(COMMAND_MEMORY | COMMAND_BUS_MASTER);
        let routed = crate::pci::route_to_this_cpu(&device, &format!("net: {}", name));
        let interrupt = routed.map(|(interrupt, _)| interrupt);
        let driver: Result<Box<dyn Driver>, NetError> = match kind {
            NicKind::Virtio => virtio::init(&device, interrupt),
            NicKind::E1000e => e1000e::init(&device, interrupt),
        };
        match driver {
            Ok(driver) => {
                let route = routed.map(|(interrupt, cpu)| (interrupt.vector(), cpu));
                nics.push(Nic::new(name, kind, driver, device, route));
            }
            Err(e) => {
                device.disable(COMMAND_BUS_MASTER);
                log(format_args!("net: {}: {}; skipped", name, e));
            }
        }
    }
    nics
}

fn kind_of(device: &PciDevice) -> Option<NicKind> {
    match (device.vendor, device.device) {
        (0x1AF4, 0x1000 | 0x1041) => Some(NicKind::Virtio),
        (0x8086, 0x10D3) => Some(NicKind::E1000e),
        _ => None,
    }
}

fn log(args: core::fmt::Arguments<'_>) {
    let _ = writeln!(crate::serial::SerialWriter, "{}", args);
}
