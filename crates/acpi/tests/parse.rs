//! Full parses of synthetic firmware tables.

mod support;

use aios_acpi::{Cpu, Ecam, InterruptOverride, IoApic, PmTimer, ResetRegister, SleepType, parse};
use support::*;

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
