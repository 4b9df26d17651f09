//! Walking the root table and dispatching each table to its parser.

use alloc::vec::Vec;

use crate::aml::find_s5;
use crate::error::Error;
use crate::fadt::parse_fadt;
use crate::hpet::parse_hpet;
use crate::info::{AcpiInfo, SkippedTable};
use crate::madt::parse_madt;
use crate::mcfg::parse_mcfg;
use crate::memory::PhysMemory;
use crate::rsdp::read_rsdp;
use crate::table::{HEADER_LEN, Table};

/// Most tables a root table may list; real firmware lists a few dozen.
const MAX_TABLES: usize = 1024;

/// Which single-instance tables have been used already (the first one wins).
#[derive(Default)]
struct Seen {
    madt: bool,
    fadt: bool,
    mcfg: bool,
    hpet: bool,
}

/// Parses the tables reachable from the RSDP at `rsdp`.
///
/// Fails only if the RSDP or the root table (XSDT, or RSDT for revision 0
/// or a zero XSDT address) is unusable; any other bad table is skipped and
/// recorded in [`AcpiInfo::skipped`].
pub fn parse(mem: &impl PhysMemory, rsdp: u64) -> Result<AcpiInfo, Error> {
    let rsdp = read_rsdp(mem, rsdp)?;
    let mut info = AcpiInfo {
        oem_id: rsdp.oem_id,
        revision: rsdp.revision,
        ..AcpiInfo::default()
    };
    let (root_phys, signature, entry_len) = match rsdp.xsdt {
        Some(xsdt) => (xsdt, *b"XSDT", 8),
        None => (u64::from(rsdp.rsdt), *b"RSDT", 4),
    };
    let entries = root_entries(mem, root_phys, signature, entry_len, &mut info)?;
    let mut seen = Seen::default();
    let mut ssdt_s5 = None;
    for phys in entries.into_iter().filter(|&phys| phys != 0) {
        let result = load_verified(mem, phys, &mut info).and_then(|table| {
            let bytes = table.bytes();
            match &table.signature() {
                b"APIC" if !seen.madt => {
                    let madt = parse_madt(bytes)?;
                    seen.madt = true;
                    info.local_apic_address = Some(madt.local_apic_address);
                    info.legacy_pics = madt.legacy_pics;
                    info.cpus = madt.cpus;
                    info.io_apics = madt.io_apics;
                    info.overrides = madt.overrides;
                }
                b"FACP" if !seen.fadt => {
                    let fadt = parse_fadt(bytes)?;
                    seen.fadt = true;
                    info.dsdt = fadt.dsdt;
                    info.sci_irq = fadt.sci_irq;
                    info.smi_command_port = fadt.smi_command_port;
                    info.acpi_enable = fadt.acpi_enable;
                    info.pm1a_control = fadt.pm1a_control;
                    info.pm1b_control = fadt.pm1b_control;
                    info.pm_timer = fadt.pm_timer;
                    info.century = fadt.century;
                    info.reset = fadt.reset;
                }
                b"MCFG" if !seen.mcfg => {
                    info.pci_ecam = parse_mcfg(bytes)?;
                    seen.mcfg = true;
                }
                b"HPET" if !seen.hpet => {
                    info.hpet_address = Some(parse_hpet(bytes)?);
                    seen.hpet = true;
                }
                b"SSDT" if ssdt_s5.is_none() => ssdt_s5 = find_s5(bytes.tail(HEADER_LEN)?),
                _ => {}
            }
            Ok(())
        });
        if let Err(error) = result {
            info.skipped.push(SkippedTable { phys, error });
        }
    }
    let dsdt_s5 = info.dsdt.and_then(|phys| {
        let result = load_verified(mem, phys, &mut info).and_then(|table| {
            let bytes = table.bytes();
            if &table.signature() != b"DSDT" {
                return Err(bytes.malformed("the FADT's DSDT pointer names another table"));
            }
            Ok(find_s5(bytes.tail(HEADER_LEN)?))
        });
        result.unwrap_or_else(|error| {
            info.skipped.push(SkippedTable { phys, error });
            None
        })
    });
    info.s5 = dsdt_s5.or(ssdt_s5);
    Ok(info)
}

/// Loads and checks the root table and returns the table addresses it lists.
fn root_entries(
    mem: &impl PhysMemory,
    phys: u64,
    signature: [u8; 4],
    entry_len: usize,
    info: &mut AcpiInfo,
) -> Result<Vec<u64>, Error> {
    if phys == 0 {
        return Err(Error::BadRootTable);
    }
    let mut found = [0; 4];
    mem.read(phys, &mut found)?;
    if found != signature {
        return Err(Error::BadRootTable);
    }
    let root = Table::load(mem, phys)?;
    info.tables.push(root.info());
    root.verify()?;
    let bytes = root.bytes();
    let body = bytes.tail(HEADER_LEN)?;
    if body.len() % entry_len != 0 {
        return Err(bytes.truncated());
    }
    let count = body.len() / entry_len;
    if count > MAX_TABLES {
        return Err(Error::TooManyTables { count });
    }
    let mut entries = Vec::with_capacity(count);
    for index in 0..count {
        let offset = HEADER_LEN + index * entry_len;
        entries.push(if entry_len == 8 {
            bytes.u64(offset)?
        } else {
            u64::from(bytes.u32(offset)?)
        });
    }
    Ok(entries)
}

/// Loads the table at `phys`, records it in `info.tables` and checks its checksum.
fn load_verified(mem: &impl PhysMemory, phys: u64, info: &mut AcpiInfo) -> Result<Table, Error> {
    let table = Table::load(mem, phys)?;
    info.tables.push(table.info());
    table.verify()?;
    Ok(table)
}
