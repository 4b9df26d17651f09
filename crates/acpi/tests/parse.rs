//! Full parses of synthetic firmware tables, good and bad.

mod support;

use aios_acpi::{
    Cpu, Ecam, Error, InterruptOverride, IoApic, PmTimer, ResetRegister, SkippedTable, SleepType,
    parse,
};
use support::*;

const RSDP: u64 = 0xE_0010;
const ROOT: u64 = 0x10_0000;
const MADT: u64 = 0x10_1000;
const FADT: u64 = 0x10_2000;
const DSDT: u64 = 0x10_3000;
const MCFG: u64 = 0x10_4000;
const HPET: u64 = 0x10_5000;
const SSDT: u64 = 0x10_6000;
const SPARE: u64 = 0x10_7000;

/// `Name(_S5, Package(4){0,0,0,0})` as QEMU q35 emits it.
const Q35_S5: [u8; 12] = [
    0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
];
/// `Name(_S5, Package(4){5,5,0,0})` in the PIIX form.
const PIIX_S5: [u8; 14] = [
    0x08, 0x5F, 0x53, 0x35, 0x5F, 0x12, 0x08, 0x04, 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00,
];

fn q35_madt() -> Vec<u8> {
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
fn machine(root: &[u8]) -> FakeMemory {
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

fn assert_full_machine(info: &aios_acpi::AcpiInfo) {
    assert_eq!(info.local_apic_address, Some(0xFEE0_0000));
    assert!(info.legacy_pics);
    assert_eq!(info.cpus.len(), 5);
    assert_eq!(
        info.enabled_cpus()
            .map(|cpu| cpu.apic_id)
            .collect::<Vec<_>>(),
        [0, 1, 0x1_0000]
    );
    assert_eq!(
        info.io_apics,
        [IoApic {
            id: 0,
            address: 0xFEC0_0000,
            gsi_base: 0
        }]
    );
    assert_eq!(
        info.overrides[1],
        InterruptOverride {
            bus_irq: 9,
            gsi: 9,
            flags: 0x000D
        }
    );
    assert_eq!(info.pm1a_control, Some(0x604));
    assert_eq!(info.pm1b_control, None);
    assert_eq!(
        info.pm_timer,
        Some(PmTimer {
            port: 0x608,
            extended_32bit: true
        })
    );
    assert_eq!(
        info.reset,
        Some(ResetRegister {
            address_space: 1,
            address: 0xCF9,
            value: 0x06
        })
    );
    assert_eq!(info.century, 0x32);
    assert_eq!(info.dsdt, Some(DSDT));
    assert_eq!(info.sci_irq, 9);
    assert_eq!(info.smi_command_port, 0xB2);
    assert_eq!(info.acpi_enable, 0xF1);
    assert_eq!(
        info.s5,
        Some(SleepType {
            slp_typ_a: 0,
            slp_typ_b: 0
        })
    );
    assert_eq!(
        info.pci_ecam,
        [Ecam {
            base: 0xB000_0000,
            segment: 0,
            bus_start: 0,
            bus_end: 255
        }]
    );
    assert_eq!(info.hpet_address, Some(0xFED0_0000));
    assert!(info.skipped.is_empty(), "{:?}", info.skipped);
    assert!(info.tables.iter().all(|table| table.checksum_ok));
}

fn signatures(info: &aios_acpi::AcpiInfo) -> Vec<[u8; 4]> {
    info.tables.iter().map(|table| table.signature).collect()
}

#[test]
fn rsdp_v1_through_rsdt() {
    let entries = [MADT, FADT, MCFG, HPET].map(|phys| phys as u32);
    let mut mem = machine(&rsdt(&entries));
    mem.put(RSDP, &rsdp_v1(ROOT as u32));
    let info = parse(&mem, RSDP).unwrap();
    assert_eq!(info.revision, 0);
    assert_eq!(&info.oem_id, b"AIOSV1");
    assert_eq!(
        signatures(&info),
        [*b"RSDT", *b"APIC", *b"FACP", *b"MCFG", *b"HPET", *b"DSDT"]
    );
    assert_eq!(info.tables[5].phys, DSDT);
    assert_full_machine(&info);
}

#[test]
fn rsdp_v2_prefers_xsdt_over_rsdt() {
    let mut mem = machine(&xsdt(&[MADT, FADT, MCFG, HPET]));
    mem.put(SPARE, &rsdt(&[]));
    mem.put(RSDP, &rsdp_v2(SPARE as u32, ROOT));
    let info = parse(&mem, RSDP).unwrap();
    assert_eq!(info.revision, 2);
    assert_eq!(&info.oem_id, b"AIOSV2");
    assert_eq!(info.tables[0].signature, *b"XSDT");
    assert_full_machine(&info);
}

#[test]
fn rsdp_v2_with_zero_xsdt_uses_rsdt() {
    let mut mem = machine(&rsdt(&[MADT as u32]));
    mem.put(RSDP, &rsdp_v2(ROOT as u32, 0));
    let info = parse(&mem, RSDP).unwrap();
    assert_eq!(signatures(&info), [*b"RSDT", *b"APIC"]);
    assert_eq!(info.cpus.len(), 5);
}

#[test]
fn madt_cpus_flags_and_64_bit_apic_override() {
    let mut mem = FakeMemory::new();
    mem.put(ROOT, &xsdt(&[MADT]));
    let entries = [
        local_apic(0, 0, 1),
        local_apic(1, 4, 0),
        local_apic(2, 8, 2),
        x2apic(7, 0x200, 1),
        x2apic(8, 0x201, 0),
        local_apic_override(0x1_FEE0_0000),
        io_apic(1, 0xFEC0_0000, 0),
        io_apic(2, 0xFEC1_0000, 24),
    ];
    mem.put(MADT, &madt(0xFEE0_0000, 0, &entries));
    mem.put(RSDP, &rsdp_v2(0, ROOT));
    let info = parse(&mem, RSDP).unwrap();
    assert_eq!(info.local_apic_address, Some(0x1_FEE0_0000));
    assert!(!info.legacy_pics);
    assert_eq!(
        info.cpus,
        [
            Cpu {
                uid: 0,
                apic_id: 0,
                enabled: true,
                online_capable: false
            },
            Cpu {
                uid: 1,
                apic_id: 4,
                enabled: false,
                online_capable: false
            },
            Cpu {
                uid: 2,
                apic_id: 8,
                enabled: false,
                online_capable: true
            },
            Cpu {
                uid: 7,
                apic_id: 0x200,
                enabled: true,
                online_capable: false
            },
            Cpu {
                uid: 8,
                apic_id: 0x201,
                enabled: false,
                online_capable: false
            },
        ]
    );
    assert_eq!(
        info.enabled_cpus().map(|cpu| cpu.uid).collect::<Vec<_>>(),
        [0, 7]
    );
    assert_eq!(
        info.io_apics[1],
        IoApic {
            id: 2,
            address: 0xFEC1_0000,
            gsi_base: 24
        }
    );
}

#[test]
fn fadt_prefers_extended_fields() {
    let mut mem = FakeMemory::new();
    let fields = FadtFields {
        length: 276,
        dsdt: DSDT as u32,
        x_dsdt: SPARE,
        pm1a_control: 0x1004,
        x_pm1a_control: Some((1, 0x604)),
        pm_timer: 0x1008,
        x_pm_timer: Some((1, 0x608)),
        ..FadtFields::default()
    };
    mem.put(FADT, &fadt(&fields));
    mem.put(DSDT, &dsdt(&Q35_S5));
    mem.put(SPARE, &dsdt(&PIIX_S5));
    mem.put(ROOT, &xsdt(&[FADT]));
    mem.put(RSDP, &rsdp_v2(0, ROOT));
    let info = parse(&mem, RSDP).unwrap();
    assert_eq!(info.dsdt, Some(SPARE));
    assert_eq!(
        info.s5,
        Some(SleepType {
            slp_typ_a: 5,
            slp_typ_b: 5
        })
    );
    assert_eq!(info.pm1a_control, Some(0x604));
    assert_eq!(
        info.pm_timer,
        Some(PmTimer {
            port: 0x608,
            extended_32bit: false
        })
    );
    assert_eq!(info.reset, None, "RESET_REG_SUP is clear");
}

#[test]
fn acpi_1_fadt_without_extended_fields() {
    let mut mem = FakeMemory::new();
    let fields = FadtFields {
        length: 116,
        dsdt: DSDT as u32,
        ..FadtFields::default()
    };
    mem.put(FADT, &fadt(&fields));
    mem.put(DSDT, &dsdt(&PIIX_S5));
    mem.put(ROOT, &rsdt(&[FADT as u32]));
    mem.put(RSDP, &rsdp_v1(ROOT as u32));
    let info = parse(&mem, RSDP).unwrap();
    assert_eq!(info.dsdt, Some(DSDT));
    assert_eq!(info.pm1a_control, Some(0x604));
    assert_eq!(
        info.s5,
        Some(SleepType {
            slp_typ_a: 5,
            slp_typ_b: 5
        })
    );
}

/// Parses a machine whose DSDT holds `aml` and returns the S5 sleep type.
fn s5_of(aml: &[u8]) -> Option<SleepType> {
    let mut mem = FakeMemory::new();
    let fields = FadtFields {
        dsdt: DSDT as u32,
        ..FadtFields::default()
    };
    mem.put(FADT, &fadt(&fields));
    mem.put(DSDT, &dsdt(aml));
    mem.put(ROOT, &xsdt(&[FADT]));
    mem.put(RSDP, &rsdp_v2(0, ROOT));
    let info = parse(&mem, RSDP).unwrap();
    assert!(info.skipped.is_empty());
    info.s5
}

fn sleep(a: u8, b: u8) -> Option<SleepType> {
    Some(SleepType {
        slp_typ_a: a,
        slp_typ_b: b,
    })
}

#[test]
fn s5_in_every_integer_encoding() {
    assert_eq!(s5_of(&Q35_S5), sleep(0, 0));
    assert_eq!(s5_of(&PIIX_S5), sleep(5, 5));
    let one_zero = [0x08, b'_', b'S', b'5', b'_', 0x12, 0x04, 0x02, 0x01, 0x00];
    assert_eq!(s5_of(&one_zero), sleep(1, 0));
    let words = [
        0x08, b'_', b'S', b'5', b'_', 0x12, 0x08, 0x02, 0x0B, 0x07, 0x00, 0x0B, 0x06, 0x00,
    ];
    assert_eq!(s5_of(&words), sleep(7, 6));
    let dwords = [
        0x08, b'_', b'S', b'5', b'_', 0x12, 0x0C, 0x02, 0x0C, 0x03, 0, 0, 0, 0x0C, 0x04, 0, 0, 0,
    ];
    assert_eq!(s5_of(&dwords), sleep(3, 4));
    let mixed = [
        0x08, b'_', b'S', b'5', b'_', 0x12, 0x07, 0x02, 0x0A, 0x02, 0x0B, 0x01, 0x00,
    ];
    assert_eq!(s5_of(&mixed), sleep(2, 1));
}

#[test]
fn s5_with_root_prefix_and_long_package_length() {
    let rooted = [
        0x08, b'\\', b'_', b'S', b'5', b'_', 0x12, 0x06, 0x04, 0x0A, 0x07, 0x01, 0, 0,
    ];
    assert_eq!(s5_of(&rooted), sleep(7, 1));
    // A package padded past 63 bytes needs a two-byte PkgLength.
    let mut elements = vec![0x0A, 0x05, 0x0A, 0x06];
    elements.extend(std::iter::repeat_n(0x00, 0x40));
    elements.extend_from_slice(&[0x0C, 0, 0, 0, 0]);
    let length = 2 + 1 + elements.len();
    let mut long = vec![0x08, b'_', b'S', b'5', b'_', 0x12];
    long.extend_from_slice(&[
        0x40 | (length & 0x0F) as u8,
        (length >> 4) as u8,
        2 + 0x40 + 1,
    ]);
    long.extend_from_slice(&elements);
    assert_eq!(s5_of(&long), sleep(5, 6));
}

#[test]
fn s5_missing_or_not_a_package() {
    assert_eq!(
        s5_of(&[0x08, b'_', b'S', b'4', b'_', 0x12, 0x04, 0x02, 0x00, 0x00]),
        None
    );
    assert_eq!(s5_of(&[0x08, b'_', b'S', b'5', b'_', 0x0A, 0x05]), None);
}

#[test]
fn s5_from_ssdt_when_dsdt_has_none_and_dsdt_wins_otherwise() {
    let mut mem = FakeMemory::new();
    let fields = FadtFields {
        dsdt: DSDT as u32,
        ..FadtFields::default()
    };
    mem.put(FADT, &fadt(&fields));
    mem.put(DSDT, &dsdt(&[]));
    mem.put(SSDT, &table(b"SSDT", 2, &PIIX_S5));
    mem.put(ROOT, &xsdt(&[FADT, SSDT]));
    mem.put(RSDP, &rsdp_v2(0, ROOT));
    assert_eq!(parse(&mem, RSDP).unwrap().s5, sleep(5, 5));
    mem.put(DSDT, &dsdt(&Q35_S5));
    assert_eq!(parse(&mem, RSDP).unwrap().s5, sleep(0, 0));
}

#[test]
fn mcfg_with_several_segments() {
    let mut mem = FakeMemory::new();
    mem.put(
        MCFG,
        &mcfg(&[(0xB000_0000, 0, 0, 63), (0x40_0000_0000, 1, 16, 31)]),
    );
    mem.put(ROOT, &xsdt(&[MCFG]));
    mem.put(RSDP, &rsdp_v2(0, ROOT));
    let info = parse(&mem, RSDP).unwrap();
    assert_eq!(
        info.pci_ecam,
        [
            Ecam {
                base: 0xB000_0000,
                segment: 0,
                bus_start: 0,
                bus_end: 63
            },
            Ecam {
                base: 0x40_0000_0000,
                segment: 1,
                bus_start: 16,
                bus_end: 31
            },
        ]
    );
}

#[test]
fn table_with_bad_checksum_is_skipped_and_recorded() {
    let mut mem = machine(&xsdt(&[MADT, FADT, MCFG, HPET]));
    let mut bad = q35_madt();
    bad[40] ^= 0x01;
    mem.put(MADT, &bad);
    mem.put(RSDP, &rsdp_v2(0, ROOT));
    let info = parse(&mem, RSDP).unwrap();
    assert_eq!(info.local_apic_address, None);
    assert!(info.cpus.is_empty());
    assert_eq!(
        info.skipped,
        [SkippedTable {
            phys: MADT,
            error: Error::BadChecksum {
                signature: *b"APIC"
            }
        }]
    );
    let madt = info
        .tables
        .iter()
        .find(|table| table.signature == *b"APIC")
        .unwrap();
    assert!(!madt.checksum_ok);
    assert_eq!(madt.phys, MADT);
    assert_eq!(
        info.hpet_address,
        Some(0xFED0_0000),
        "other tables still parsed"
    );
    assert_eq!(info.s5, sleep(0, 0));
}

#[test]
fn truncated_and_oversized_tables_are_skipped() {
    let mut mem = FakeMemory::new();
    let mut short_madt = table(b"APIC", 4, &[0, 0, 0xE0, 0xFE, 1, 0, 0, 0, 0, 8, 0, 0]);
    fix_checksum(&mut short_madt, 9);
    mem.put(MADT, &short_madt);
    mem.put(FADT, &table(b"FACP", 1, &[0; 60]));
    let mut huge = table(b"SSDT", 1, &[]);
    set(&mut huge, 4, &(2u32 << 20).to_le_bytes());
    mem.put(SSDT, &huge);
    let mut tiny = table(b"HPET", 1, &[]);
    set(&mut tiny, 4, &20u32.to_le_bytes());
    mem.put(HPET, &tiny);
    let beyond = (MEMORY_SIZE as u64) - 16;
    mem.put(ROOT, &xsdt(&[MADT, FADT, SSDT, HPET, beyond]));
    mem.put(RSDP, &rsdp_v2(0, ROOT));
    let info = parse(&mem, RSDP).unwrap();
    let errors: Vec<Error> = info.skipped.iter().map(|skipped| skipped.error).collect();
    assert_eq!(
        errors,
        [
            Error::Truncated {
                signature: *b"APIC"
            },
            Error::Truncated {
                signature: *b"FACP"
            },
            Error::TooLarge {
                signature: *b"SSDT",
                length: 2 << 20
            },
            Error::Truncated {
                signature: *b"HPET"
            },
            Error::OutOfRange {
                phys: beyond,
                len: 36
            },
        ]
    );
    assert!(info.cpus.is_empty());
    assert_eq!(info.pm1a_control, None);
}

#[test]
fn unusable_root_table_is_fatal() {
    let mut mem = FakeMemory::new();
    mem.put(RSDP, &rsdp_v2(0, ROOT));
    assert_eq!(
        parse(&mem, RSDP),
        Err(Error::BadRootTable),
        "nothing at the XSDT address"
    );

    let mut root = xsdt(&[MADT]);
    root[20] ^= 0xFF;
    mem.put(ROOT, &root);
    assert_eq!(
        parse(&mem, RSDP),
        Err(Error::BadChecksum {
            signature: *b"XSDT"
        })
    );

    let mut root = xsdt(&[MADT]);
    set(&mut root, 4, &40u32.to_le_bytes());
    fix_checksum(&mut root[..40], 9);
    mem.put(ROOT, &root);
    assert_eq!(
        parse(&mem, RSDP),
        Err(Error::Truncated {
            signature: *b"XSDT"
        }),
        "half an entry"
    );

    let mut root = xsdt(&[]);
    set(&mut root, 4, &20u32.to_le_bytes());
    mem.put(ROOT, &root);
    assert_eq!(
        parse(&mem, RSDP),
        Err(Error::Truncated {
            signature: *b"XSDT"
        }),
        "shorter than a header"
    );

    mem.put(RSDP, &rsdp_v1(0));
    assert_eq!(parse(&mem, RSDP), Err(Error::BadRootTable), "null RSDT");
}

#[test]
fn bad_rsdp_is_fatal() {
    let mut mem = FakeMemory::new();
    mem.put(ROOT, &xsdt(&[]));
    assert_eq!(parse(&mem, RSDP), Err(Error::BadRsdp), "no signature");
    let mut rsdp = rsdp_v2(0, ROOT);
    rsdp[30] ^= 0x10;
    mem.put(RSDP, &rsdp);
    assert_eq!(parse(&mem, RSDP), Err(Error::BadRsdp), "extended checksum");
    let mut rsdp = rsdp_v1(ROOT as u32);
    rsdp[8] ^= 0x01;
    mem.put(RSDP, &rsdp);
    assert_eq!(parse(&mem, RSDP), Err(Error::BadRsdp), "checksum");
    assert_eq!(
        parse(&mem, u64::MAX - 4),
        Err(Error::OutOfRange {
            phys: u64::MAX - 4,
            len: 20
        })
    );
}

#[test]
fn errors_display_the_signature() {
    let error = Error::BadChecksum {
        signature: *b"AP\x01C",
    };
    assert_eq!(error.to_string(), "table AP\\x01C has a bad checksum");
    let error = Error::TooLarge {
        signature: *b"DSDT",
        length: 1 << 21,
    };
    assert_eq!(
        error.to_string(),
        "table DSDT claims 2097152 bytes, above the 1 MiB cap"
    );
}
