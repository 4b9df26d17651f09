//! Block-device glue: probes the PCI disk controllers once, from the
//! ECAM windows ACPI found, and keeps the disks for the rest of the kernel.

use aios_hal::blk::Disk;
use aios_hal::pci::EcamWindow;
use alloc::vec::Vec;
use spin::Once;

static DISKS: Once<Vec<Disk>> = Once::new();

/// Probes every supported disk (once) and logs what was found.
pub fn init() {
    DISKS.call_once(|| {
        let windows = ecam_windows();
        if windows.is_empty() {
            crate::warn!("blk: no PCI ECAM window (no MCFG); no disks");
            return Vec::new();
        }
        aios_hal::blk::probe(&windows)
    });
    for disk in disks() {
        crate::info!(
            "blk: {}, {} sectors of {} bytes{}",
            disk.name(),
            disk.sectors(),
            disk.sector_size(),
            if disk.uses_interrupts() {
                ""
            } else {
                " (polled)"
            }
        );
    }
}

/// The PCI ECAM windows ACPI's MCFG table names (empty without one).
pub fn ecam_windows() -> Vec<EcamWindow> {
    crate::acpi::get()
        .map(|info| {
            info.pci_ecam
                .iter()
                .map(|w| EcamWindow {
                    base: w.base,
                    segment: w.segment,
                    bus_start: w.bus_start,
                    bus_end: w.bus_end,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The disks found at boot (empty before `init`).
pub fn disks() -> &'static [Disk] {
    DISKS.get().map_or(&[], Vec::as_slice)
}
