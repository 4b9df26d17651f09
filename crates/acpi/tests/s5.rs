//! Finding the `\_S5` sleep package in the DSDT and SSDTs.

mod support;

use aios_acpi::{SleepType, parse};
use support::*;

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
