//! Fake physical memory and builders for synthetic ACPI tables with valid checksums.
#![allow(dead_code)]

use aios_acpi::{Error, PhysMemory};

mod machine;
#[allow(unused_imports)]
pub use machine::*;

/// Size of the fake physical memory: everything below 2 MiB.
pub const MEMORY_SIZE: usize = 2 << 20;

/// Physical memory backed by a vector.
pub struct FakeMemory {
    pub bytes: Vec<u8>,
}

impl FakeMemory {
    pub fn new() -> FakeMemory {
        FakeMemory {
            bytes: vec![0; MEMORY_SIZE],
        }
    }

    /// Copies `data` to physical address `phys`.
    pub fn put(&mut self, phys: u64, data: &[u8]) {
        let start = usize::try_from(phys).unwrap();
        self.bytes[start..start + data.len()].copy_from_slice(data);
    }
}

impl PhysMemory for FakeMemory {
    fn read(&self, phys: u64, buf: &mut [u8]) -> Result<(), Error> {
        let out_of_range = Error::OutOfRange {
            phys,
            len: buf.len(),
        };
        let start = usize::try_from(phys).map_err(|_| out_of_range)?;
        let end = start.checked_add(buf.len()).ok_or(out_of_range)?;
        buf.copy_from_slice(self.bytes.get(start..end).ok_or(out_of_range)?);
        Ok(())
    }
}

/// Sets byte `at` so that all of `data` sums to zero.
pub fn fix_checksum(data: &mut [u8], at: usize) {
    data[at] = 0;
    let sum = data.iter().fold(0u8, |sum, &b| sum.wrapping_add(b));
    data[at] = 0u8.wrapping_sub(sum);
}

/// A table with a standard header around `body` and a valid checksum.
pub fn table(signature: &[u8; 4], revision: u8, body: &[u8]) -> Vec<u8> {
    let mut data = vec![0u8; 36];
    data[..4].copy_from_slice(signature);
    data[4..8].copy_from_slice(&u32::try_from(36 + body.len()).unwrap().to_le_bytes());
    data[8] = revision;
    data[10..16].copy_from_slice(b"AIOSTS");
    data[16..24].copy_from_slice(b"SYNTHETC");
    data.extend_from_slice(body);
    fix_checksum(&mut data, 9);
    data
}

/// An ACPI 1.0 RSDP.
pub fn rsdp_v1(rsdt: u32) -> Vec<u8> {
    let mut data = vec![0u8; 20];
    data[..8].copy_from_slice(b"RSD PTR ");
    data[9..15].copy_from_slice(b"AIOSV1");
    data[16..20].copy_from_slice(&rsdt.to_le_bytes());
    fix_checksum(&mut data, 8);
    data
}

/// An ACPI 2.0+ RSDP with both checksums valid.
pub fn rsdp_v2(rsdt: u32, xsdt: u64) -> Vec<u8> {
    let mut data = vec![0u8; 36];
    data[..8].copy_from_slice(b"RSD PTR ");
    data[9..15].copy_from_slice(b"AIOSV2");
    data[15] = 2;
    data[16..20].copy_from_slice(&rsdt.to_le_bytes());
    data[20..24].copy_from_slice(&36u32.to_le_bytes());
    data[24..32].copy_from_slice(&xsdt.to_le_bytes());
    fix_checksum(&mut data[..20], 8);
    fix_checksum(&mut data, 32);
    data
}

pub fn rsdt(entries: &[u32]) -> Vec<u8> {
    let body: Vec<u8> = entries.iter().flat_map(|e| e.to_le_bytes()).collect();
    table(b"RSDT", 1, &body)
}

pub fn xsdt(entries: &[u64]) -> Vec<u8> {
    let body: Vec<u8> = entries.iter().flat_map(|e| e.to_le_bytes()).collect();
    table(b"XSDT", 1, &body)
}

/// A MADT with the given local APIC address, flags and entries.
pub fn madt(local_apic: u32, flags: u32, entries: &[Vec<u8>]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&local_apic.to_le_bytes());
    body.extend_from_slice(&flags.to_le_bytes());
    for entry in entries {
        body.extend_from_slice(entry);
    }
    table(b"APIC", 4, &body)
}

pub fn local_apic(uid: u8, apic_id: u8, flags: u32) -> Vec<u8> {
    let mut entry = vec![0, 8, uid, apic_id];
    entry.extend_from_slice(&flags.to_le_bytes());
    entry
}

pub fn io_apic(id: u8, address: u32, gsi_base: u32) -> Vec<u8> {
    let mut entry = vec![1, 12, id, 0];
    entry.extend_from_slice(&address.to_le_bytes());
    entry.extend_from_slice(&gsi_base.to_le_bytes());
    entry
}

pub fn source_override(bus_irq: u8, gsi: u32, flags: u16) -> Vec<u8> {
    let mut entry = vec![2, 10, 0, bus_irq];
    entry.extend_from_slice(&gsi.to_le_bytes());
    entry.extend_from_slice(&flags.to_le_bytes());
    entry
}

pub fn local_apic_override(address: u64) -> Vec<u8> {
    let mut entry = vec![5, 12, 0, 0];
    entry.extend_from_slice(&address.to_le_bytes());
    entry
}

pub fn x2apic(uid: u32, x2apic_id: u32, flags: u32) -> Vec<u8> {
    let mut entry = vec![9, 16, 0, 0];
    entry.extend_from_slice(&x2apic_id.to_le_bytes());
    entry.extend_from_slice(&flags.to_le_bytes());
    entry.extend_from_slice(&uid.to_le_bytes());
    entry
}

/// Writes a little-endian value into `data` at `offset`.
pub fn set(data: &mut [u8], offset: usize, value: &[u8]) {
    data[offset..offset + value.len()].copy_from_slice(value);
}

/// Writes a Generic Address Structure at `offset`.
pub fn set_gas(data: &mut [u8], offset: usize, space: u8, width: u8, address: u64) {
    data[offset] = space;
    data[offset + 1] = width;
    data[offset + 4..offset + 12].copy_from_slice(&address.to_le_bytes());
}

/// Fields of a synthetic FADT.
pub struct FadtFields {
    pub length: usize,
    pub dsdt: u32,
    pub x_dsdt: u64,
    pub sci_irq: u16,
    pub smi_command: u32,
    pub acpi_enable: u8,
    pub pm1a_control: u32,
    pub pm1b_control: u32,
    pub x_pm1a_control: Option<(u8, u64)>,
    pub pm_timer: u32,
    pub x_pm_timer: Option<(u8, u64)>,
    pub century: u8,
    pub flags: u32,
    pub reset: Option<(u8, u64, u8)>,
}

impl Default for FadtFields {
    fn default() -> Self {
        FadtFields {
            length: 244,
            dsdt: 0,
            x_dsdt: 0,
            sci_irq: 9,
            smi_command: 0xB2,
            acpi_enable: 0xF1,
            pm1a_control: 0x604,
            pm1b_control: 0,
            x_pm1a_control: None,
            pm_timer: 0x608,
            x_pm_timer: None,
            century: 0x32,
            flags: 0,
            reset: None,
        }
    }
}

/// A FADT (the whole table, checksummed) with the given fields.
pub fn fadt(fields: &FadtFields) -> Vec<u8> {
    let mut data = vec![0u8; fields.length - 36];
    let mut put = |offset: usize, value: &[u8]| set(&mut data, offset - 36, value);
    put(40, &fields.dsdt.to_le_bytes());
    put(46, &fields.sci_irq.to_le_bytes());
    put(48, &fields.smi_command.to_le_bytes());
    put(52, &[fields.acpi_enable]);
    put(64, &fields.pm1a_control.to_le_bytes());
    put(68, &fields.pm1b_control.to_le_bytes());
    put(76, &fields.pm_timer.to_le_bytes());
    put(91, &[4]);
    put(108, &[fields.century]);
    put(112, &fields.flags.to_le_bytes());
    if let Some((space, address, value)) = fields.reset {
        set_gas(&mut data, 116 - 36, space, 8, address);
        data[128 - 36] = value;
    }
    if fields.length >= 148 {
        set(&mut data, 140 - 36, &fields.x_dsdt.to_le_bytes());
    }
    if let Some((space, address)) = fields.x_pm1a_control {
        set_gas(&mut data, 172 - 36, space, 16, address);
    }
    if let Some((space, address)) = fields.x_pm_timer {
        set_gas(&mut data, 208 - 36, space, 32, address);
    }
    table(b"FACP", 6, &data)
}

pub fn mcfg(windows: &[(u64, u16, u8, u8)]) -> Vec<u8> {
    let mut body = vec![0u8; 8];
    for &(base, segment, start, end) in windows {
        body.extend_from_slice(&base.to_le_bytes());
        body.extend_from_slice(&segment.to_le_bytes());
        body.extend_from_slice(&[start, end, 0, 0, 0, 0]);
    }
    table(b"MCFG", 1, &body)
}

pub fn hpet(address: u64) -> Vec<u8> {
    let mut body = vec![0u8; 20];
    body[..4].copy_from_slice(&0x8086_A201u32.to_le_bytes());
    set_gas(&mut body, 4, 0, 64, address);
    table(b"HPET", 1, &body)
}

/// A DSDT whose AML is `aml` surrounded by unrelated bytes.
pub fn dsdt(aml: &[u8]) -> Vec<u8> {
    let mut body = vec![
        0x10, 0x0A, b'\\', b'_', b'S', b'B', b'_', 0x5B, 0x80, 0x00, 0x01,
    ];
    body.extend_from_slice(aml);
    body.extend_from_slice(&[0x14, 0x08, b'_', b'P', b'T', b'S', 0x01, 0x70, 0x00, 0x60]);
    table(b"DSDT", 2, &body)
}
