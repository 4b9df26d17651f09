//! Bad tables: skipped and recorded, or fatal for the RSDP and root table.

mod support;

use aios_acpi::{Error, SkippedTable, parse};
use support::*;

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
    assert_eq!(
        info.s5,
        Some(aios_acpi::SleepType {
            slp_typ_a: 0,
            slp_typ_b: 0
        })
    );
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
