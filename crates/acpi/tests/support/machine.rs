//! Addresses and a complete synthetic q35-like machine shared by the tests.

use super::*;

pub const RSDP: u64 = 0xE_0010;
pub const ROOT: u64 = 0x10_0000;
pub const MADT: u64 = 0x10_1000;
pub const FADT: u64 = 0x10_2000;
pub const DSDT: u64 = 0x10_3000;
pub const MCFG: u64 = 0x10_4000;
pub const HPET: u64 = 0x10_5000;
pub const SSDT: u64 = 0x10_6000;
pub const SPARE: u64 = 0x10_7000;

/// `Name(_S5, Package(4){0,0,0,0})` as QEMU q35 emits it.
pub const Q35_S5: [u8; 12] = [
    0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
];
/// `Name(_S5, Package(4){5,5,0,0})` in the PIIX form.
pub const PIIX_S5: [u8; 14] = [
    0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x08, 0x04, 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00,
];
pub fn q35_madt() -> Vec<u8> {
    madt(
        0xFEE0_0000,
        1,
        &[
            local_apic(0, 0, 1),
            local_apic(1, 1, 1),
            local_apic(2, 2, 0),
            local_apic(3, 3, 2),
            x2apic(300, 0x1_0000, 1),
            io_apic(0, 0xFEC0_0000, 0),
            source_override(0, 2, 0),
            source_override(9, 9, 0x000D),
        ],
    )
}

/// A machine with every table the parser understands, reached through `root`.
pub fn machine(root: &[u8]) -> FakeMemory {
    let mut mem = FakeMemory::new();
    mem.put(ROOT, root);
    mem.put(MADT, &q35_madt());
    let fields = FadtFields {
        dsdt: DSDT as u32,
        flags: (1 << 8) | (1 << 10),
        reset: Some((1, 0xCF9, 0x06)),
        ..FadtFields::default()
    };
    mem.put(FADT, &fadt(&fields));
    mem.put(DSDT, &dsdt(&Q35_S5));
    mem.put(MCFG, &mcfg(&[(0xB000_0000, 0, 0, 255)]));
    mem.put(HPET, &hpet(0xFED0_0000));
    mem
}
