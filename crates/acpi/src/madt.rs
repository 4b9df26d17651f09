//! The MADT ("APIC"): processors, I/O APICs and interrupt source overrides.

use alloc::vec::Vec;

use crate::bytes::Bytes;
use crate::error::Error;
use crate::info::{Cpu, InterruptOverride, IoApic};

/// Offset of the first interrupt controller structure.
const ENTRIES: usize = 44;

const LOCAL_APIC: u8 = 0;
const IO_APIC: u8 = 1;
const SOURCE_OVERRIDE: u8 = 2;
const LOCAL_APIC_ADDRESS_OVERRIDE: u8 = 5;
const LOCAL_X2APIC: u8 = 9;

const ENABLED: u32 = 1 << 0;
const ONLINE_CAPABLE: u32 = 1 << 1;
const PCAT_COMPAT: u32 = 1 << 0;

/// The parsed MADT.
#[derive(Debug, Default)]
pub(crate) struct Madt {
    pub(crate) local_apic_address: u64,
    pub(crate) legacy_pics: bool,
    pub(crate) cpus: Vec<Cpu>,
    pub(crate) io_apics: Vec<IoApic>,
    pub(crate) overrides: Vec<InterruptOverride>,
}

fn cpu(uid: u32, apic_id: u32, flags: u32) -> Cpu {
    Cpu {
        uid,
        apic_id,
        enabled: flags & ENABLED != 0,
        online_capable: flags & ONLINE_CAPABLE != 0,
    }
}

/// Parses a whole MADT (header included); any malformed entry fails the table.
pub(crate) fn parse_madt(table: Bytes<'_>) -> Result<Madt, Error> {
    let mut madt = Madt {
        local_apic_address: u64::from(table.u32(36)?),
        legacy_pics: table.u32(40)? & PCAT_COMPAT != 0,
        ..Madt::default()
    };
    let mut address_override = None;
    let mut offset = ENTRIES;
    while offset < table.len() {
        let kind = table.u8(offset)?;
        let length = usize::from(table.u8(offset + 1)?);
        if length < 2 {
            return Err(table.malformed("interrupt controller entry shorter than its header"));
        }
        let entry = table.sub(offset, length)?;
        match kind {
            LOCAL_APIC => madt.cpus.push(cpu(
                u32::from(entry.u8(2)?),
                u32::from(entry.u8(3)?),
                entry.u32(4)?,
            )),
            IO_APIC => madt.io_apics.push(IoApic {
                id: entry.u8(2)?,
                address: entry.u32(4)?,
                gsi_base: entry.u32(8)?,
            }),
            SOURCE_OVERRIDE => madt.overrides.push(InterruptOverride {
                bus_irq: entry.u8(3)?,
                gsi: entry.u32(4)?,
                flags: entry.u16(8)?,
            }),
            LOCAL_APIC_ADDRESS_OVERRIDE => {
                let address = entry.u64(4)?;
                address_override.get_or_insert(address);
            }
            LOCAL_X2APIC => madt
                .cpus
                .push(cpu(entry.u32(12)?, entry.u32(4)?, entry.u32(8)?)),
            _ => {}
        }
        offset += length;
    }
    if let Some(address) = address_override {
        madt.local_apic_address = address;
    }
    Ok(madt)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn madt(entries: &[u8]) -> Vec<u8> {
        let mut table = alloc::vec![0u8; ENTRIES];
        table[..4].copy_from_slice(b"APIC");
        table[36..40].copy_from_slice(&0xFEE0_0000u32.to_le_bytes());
        table[40..44].copy_from_slice(&1u32.to_le_bytes());
        table.extend_from_slice(entries);
        table
    }

    #[test]
    fn entry_with_zero_length_is_malformed_not_an_endless_loop() {
        let table = madt(&[0x7F, 0]);
        let result = parse_madt(Bytes::new(*b"APIC", &table));
        assert!(matches!(result, Err(Error::Malformed { signature, .. }) if &signature == b"APIC"));
    }

    #[test]
    fn known_entry_shorter_than_its_fields_is_truncated() {
        let table = madt(&[IO_APIC, 6, 1, 0, 0, 0]);
        let result = parse_madt(Bytes::new(*b"APIC", &table));
        assert_eq!(
            result.err(),
            Some(Error::Truncated {
                signature: *b"APIC"
            })
        );
    }

    #[test]
    fn entry_running_past_the_table_is_truncated() {
        let table = madt(&[LOCAL_APIC, 8, 0, 0]);
        let result = parse_madt(Bytes::new(*b"APIC", &table));
        assert_eq!(
            result.err(),
            Some(Error::Truncated {
                signature: *b"APIC"
            })
        );
    }

    #[test]
    fn unknown_entries_are_skipped_by_length() {
        let table = madt(&[0x42, 4, 0xFF, 0xFF, LOCAL_APIC, 8, 3, 7, 1, 0, 0, 0]);
        let parsed = parse_madt(Bytes::new(*b"APIC", &table)).unwrap();
        assert_eq!(
            parsed.cpus,
            [Cpu {
                uid: 3,
                apic_id: 7,
                enabled: true,
                online_capable: false
            }]
        );
        assert_eq!(parsed.local_apic_address, 0xFEE0_0000);
        assert!(parsed.legacy_pics);
    }
}
