//! ACPI glue: reads the firmware tables through the direct map and keeps
//! what the kernel needs (CPUs, power-off registers).

use aios_acpi::{AcpiInfo, PhysMemory};
use aios_hal::BootInfo;
use spin::Once;

static INFO: Once<AcpiInfo> = Once::new();

/// Physical memory as the direct map exposes it.
struct DirectMap;

impl PhysMemory for DirectMap {
    fn read(&self, phys: u64, buf: &mut [u8]) -> Result<(), aios_acpi::Error> {
        aios_hal::memory::read_phys(phys, buf).map_err(|_| aios_acpi::Error::OutOfRange {
            phys,
            len: buf.len(),
        })
    }
}

/// Finds and parses the ACPI tables (once).
pub fn init(info: &BootInfo) -> Result<&'static AcpiInfo, aios_acpi::Error> {
    if let Some(parsed) = INFO.get() {
        return Ok(parsed);
    }
    let rsdp = match info.rsdp {
        0 => aios_acpi::find_rsdp(&DirectMap).ok_or(aios_acpi::Error::BadRsdp)?,
        phys => phys,
    };
    let parsed = aios_acpi::parse(&DirectMap, rsdp)?;
    Ok(INFO.call_once(|| parsed))
}

/// The parsed tables, if `init` succeeded.
pub fn get() -> Option<&'static AcpiInfo> {
    INFO.get()
}
