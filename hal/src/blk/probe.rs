//! Finds the supported disk controllers on PCI, sets up their interrupts
//! and initialises a driver for each disk.

use super::disk::{Disk, DiskKind, Shared};
use super::driver::Driver;
use super::{ahci, nvme, route, virtio};
use crate::pci::{COMMAND_BUS_MASTER, COMMAND_MEMORY, EcamWindow, PciDevice};
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt::Write;

/// A disk a driver brought up: name suffix, (sector size, sectors), driver.
pub(crate) type Found = (String, (u32, u64), Box<dyn Driver>);

/// Finds and initialises every supported disk behind `windows`. Devices
/// that fail to initialise are logged and skipped.
pub fn probe(windows: &[EcamWindow]) -> Vec<Disk> {
    let mut disks = Vec::new();
    for device in crate::pci::enumerate(windows) {
        let Some(kind) = kind_of(&device) else {
            continue;
        };
        let label = match kind {
            DiskKind::Virtio => "virtio-blk",
            DiskKind::Nvme => "nvme",
            DiskKind::Ahci => "ahci",
        };
        let name = format!("{} {}", label, device.address);
        device.enable(COMMAND_MEMORY | COMMAND_BUS_MASTER);
        let routed = crate::pci::route_to_this_cpu(&device, &format!("blk: {}", name));
        let (interrupt, irq_cpu) = (routed.map(|(i, _)| i), routed.map(|(_, cpu)| cpu));
        let found = match kind {
            DiskKind::Virtio => virtio::init(&device, interrupt),
            DiskKind::Nvme => nvme::init(&device, interrupt),
            DiskKind::Ahci => ahci::init(&device, interrupt),
        };
        match found {
            Ok(found) => {
                for (suffix, geometry, driver) in found {
                    let shared = Arc::new(Shared::new(
                        format!("{}{}", name, suffix),
                        kind,
                        geometry,
                        driver,
                        device,
                        irq_cpu,
                    ));
                    if let Some(interrupt) = interrupt {
                        route::add(interrupt.vector(), shared.clone());
                    }
                    disks.push(Disk { shared });
                }
            }
            Err(e) => log(format_args!("blk: {}: {}; skipped", name, e)),
        }
    }
    disks
}

fn kind_of(device: &PciDevice) -> Option<DiskKind> {
    match (
        device.vendor,
        device.device,
        device.class,
        device.subclass,
        device.prog_if,
    ) {
        (0x1AF4, 0x1001 | 0x1042, ..) => Some(DiskKind::Virtio),
        (_, _, 0x01, 0x08, 0x02) => Some(DiskKind::Nvme),
        (_, _, 0x01, 0x06, 0x01) => Some(DiskKind::Ahci),
        _ => None,
    }
}

fn log(args: core::fmt::Arguments<'_>) {
    let _ = writeln!(crate::serial::SerialWriter, "{}", args);
}
