//! The FADT ("FACP"): power-management ports, reset register, DSDT pointer.

use crate::bytes::Bytes;
use crate::error::Error;
use crate::info::{PmTimer, ResetRegister};

/// Length of the ACPI 1.0 FADT, the shortest accepted.
const MIN_LEN: usize = 116;

const DSDT: usize = 40;
const SCI_INT: usize = 46;
const SMI_CMD: usize = 48;
const ACPI_ENABLE: usize = 52;
const PM1A_CNT_BLK: usize = 64;
const PM1B_CNT_BLK: usize = 68;
const PM_TMR_BLK: usize = 76;
const PM_TMR_LEN: usize = 91;
const CENTURY: usize = 108;
const FLAGS: usize = 112;
const RESET_REG: usize = 116;
const RESET_VALUE: usize = 128;
const X_DSDT: usize = 140;
const X_PM1A_CNT_BLK: usize = 172;
const X_PM1B_CNT_BLK: usize = 184;
const X_PM_TMR_BLK: usize = 208;

const TMR_VAL_EXT: u32 = 1 << 8;
const RESET_REG_SUP: u32 = 1 << 10;

/// Generic address space ID of system I/O.
const SYSTEM_IO: u8 = 1;

/// The parsed FADT fields AIOS uses.
#[derive(Debug, Default)]
pub(crate) struct Fadt {
    pub(crate) dsdt: Option<u64>,
    pub(crate) sci_irq: u16,
    pub(crate) smi_command_port: u32,
    pub(crate) acpi_enable: u8,
    pub(crate) pm1a_control: Option<u16>,
    pub(crate) pm1b_control: Option<u16>,
    pub(crate) pm_timer: Option<PmTimer>,
    pub(crate) century: u8,
    pub(crate) reset: Option<ResetRegister>,
}

/// A Generic Address Structure (12 bytes).
struct GenericAddress {
    space: u8,
    address: u64,
}

/// The generic address at `offset`, or `None` if the table ends before it
/// (older FADT revisions) or it is all zero.
fn generic_address(table: Bytes<'_>, offset: usize) -> Option<GenericAddress> {
    let gas = table.sub(offset, 12).ok()?;
    let address = gas.u64(4).ok()?;
    (address != 0).then_some(GenericAddress {
        space: gas.u8(0).ok()?,
        address,
    })
}

/// The port of an extended register block, if it is in I/O space.
fn extended_port(table: Bytes<'_>, offset: usize) -> Option<u16> {
    generic_address(table, offset)
        .filter(|gas| gas.space == SYSTEM_IO)
        .and_then(|gas| u16::try_from(gas.address).ok())
}

/// The port of a legacy 32-bit register block field, if it names one.
fn legacy_port(value: u32) -> Option<u16> {
    u16::try_from(value).ok().filter(|&port| port != 0)
}

/// Parses a whole FADT (header included).
pub(crate) fn parse_fadt(table: Bytes<'_>) -> Result<Fadt, Error> {
    if table.len() < MIN_LEN {
        return Err(table.truncated());
    }
    let flags = table.u32(FLAGS)?;
    let x_dsdt = table.u64(X_DSDT).ok().filter(|&address| address != 0);
    let dsdt = x_dsdt.or(Some(u64::from(table.u32(DSDT)?)).filter(|&address| address != 0));
    let timer_port = match extended_port(table, X_PM_TMR_BLK) {
        Some(port) => Some(port),
        None if table.u8(PM_TMR_LEN)? >= 4 => legacy_port(table.u32(PM_TMR_BLK)?),
        None => None,
    };
    let reset = if flags & RESET_REG_SUP != 0 {
        match (generic_address(table, RESET_REG), table.u8(RESET_VALUE)) {
            (Some(gas), Ok(value)) => Some(ResetRegister {
                address_space: gas.space,
                address: gas.address,
                value,
            }),
            _ => None,
        }
    } else {
        None
    };
    Ok(Fadt {
        dsdt,
        sci_irq: table.u16(SCI_INT)?,
        smi_command_port: table.u32(SMI_CMD)?,
        acpi_enable: table.u8(ACPI_ENABLE)?,
        pm1a_control: extended_port(table, X_PM1A_CNT_BLK)
            .or(legacy_port(table.u32(PM1A_CNT_BLK)?)),
        pm1b_control: extended_port(table, X_PM1B_CNT_BLK)
            .or(legacy_port(table.u32(PM1B_CNT_BLK)?)),
        pm_timer: timer_port.map(|port| PmTimer {
            port,
            extended_32bit: flags & TMR_VAL_EXT != 0,
        }),
        century: table.u8(CENTURY)?,
        reset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fadt(len: usize) -> alloc::vec::Vec<u8> {
        let mut table = alloc::vec![0u8; len];
        table[..4].copy_from_slice(b"FACP");
        table
    }

    #[test]
    fn acpi_1_fadt_uses_legacy_fields() {
        let mut table = fadt(MIN_LEN);
        table[DSDT..DSDT + 4].copy_from_slice(&0x1234_5000u32.to_le_bytes());
        table[PM1A_CNT_BLK..PM1A_CNT_BLK + 4].copy_from_slice(&0x604u32.to_le_bytes());
        table[PM_TMR_BLK..PM_TMR_BLK + 4].copy_from_slice(&0x608u32.to_le_bytes());
        table[PM_TMR_LEN] = 4;
        let parsed = parse_fadt(Bytes::new(*b"FACP", &table)).unwrap();
        assert_eq!(parsed.dsdt, Some(0x1234_5000));
        assert_eq!(parsed.pm1a_control, Some(0x604));
        assert_eq!(parsed.pm1b_control, None);
        assert_eq!(
            parsed.pm_timer,
            Some(PmTimer {
                port: 0x608,
                extended_32bit: false
            })
        );
        assert_eq!(parsed.reset, None);
    }

    #[test]
    fn timer_without_length_is_absent() {
        let mut table = fadt(MIN_LEN);
        table[PM_TMR_BLK..PM_TMR_BLK + 4].copy_from_slice(&0x608u32.to_le_bytes());
        let parsed = parse_fadt(Bytes::new(*b"FACP", &table)).unwrap();
        assert_eq!(parsed.pm_timer, None);
    }

    #[test]
    fn extended_block_in_memory_space_falls_back_to_legacy_port() {
        let mut table = fadt(244);
        table[PM1A_CNT_BLK..PM1A_CNT_BLK + 4].copy_from_slice(&0xB004u32.to_le_bytes());
        table[X_PM1A_CNT_BLK] = 0;
        table[X_PM1A_CNT_BLK + 4..X_PM1A_CNT_BLK + 12]
            .copy_from_slice(&0xFED0_0000u64.to_le_bytes());
        let parsed = parse_fadt(Bytes::new(*b"FACP", &table)).unwrap();
        assert_eq!(parsed.pm1a_control, Some(0xB004));
    }

    #[test]
    fn shorter_than_acpi_1_is_truncated() {
        let table = fadt(MIN_LEN - 1);
        let result = parse_fadt(Bytes::new(*b"FACP", &table));
        assert_eq!(
            result.err(),
            Some(Error::Truncated {
                signature: *b"FACP"
            })
        );
    }
}
