//! Finds the supported network controllers on PCI, routes their
//! interrupts and initialises a driver for each.

use super::driver::Driver;
use super::nic::{Nic, NicKind};
use super::{NetError, e1000e, virtio};
use crate::pci::{COMMAND_BUS_MASTER, COMMAND_MEMORY, EcamWindow, Interrupt, PciDevice};
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
        let (interrupt, irq_cpu) = interrupts(&device, &name);
        let driver: Result<Box<dyn Driver>, NetError> = match kind {
            NicKind::Virtio => virtio::init(&device, interrupt),
            NicKind::E1000e => e1000e::init(&device, interrupt),
        };
        match driver {
            Ok(driver) => {
                let route = interrupt.zip(irq_cpu).map(|(i, cpu)| (i.vector(), cpu));
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

/// Routes the device's interrupt to this CPU; `None` means polling.
fn interrupts(device: &PciDevice, name: &str) -> (Option<Interrupt>, Option<usize>) {
    let cpu = crate::percpu::try_current();
    let (Some(cpu), Some(vector)) = (cpu, crate::pci::allocate_vector()) else {
        log(format_args!("net: {}: no interrupt vector; polling", name));
        return (None, None);
    };
    let apic_id = cpu.apic_id.load(core::sync::atomic::Ordering::Relaxed);
    match device.enable_msi(vector, apic_id) {
        Ok(interrupt) => (Some(interrupt), Some(cpu.index)),
        Err(e) => {
            log(format_args!(
                "net: {}: no MSI/MSI-X ({:?}); polling",
                name, e
            ));
            (None, None)
        }
    }
}

fn log(args: core::fmt::Arguments<'_>) {
    let _ = writeln!(crate::serial::SerialWriter, "{}", args);
}
