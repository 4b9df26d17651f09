//! Locating the RSDP in the EBDA and the BIOS area.

mod support;

use aios_acpi::find_rsdp;
use support::*;

const EBDA_SEGMENT: u16 = 0x9FC0;
const EBDA: u64 = 0x9_FC00;

fn with_ebda() -> FakeMemory {
    let mut mem = FakeMemory::new();
    mem.put(0x40E, &EBDA_SEGMENT.to_le_bytes());
    mem
}

#[test]
fn found_in_ebda() {
    let mut mem = with_ebda();
    mem.put(EBDA + 0x40, &rsdp_v2(0x1000, 0x2000));
    assert_eq!(find_rsdp(&mem), Some(EBDA + 0x40));
}

#[test]
fn found_in_bios_area_and_ebda_wins() {
    let mut mem = with_ebda();
    mem.put(0xF_5A20, &rsdp_v1(0x1000));
    assert_eq!(find_rsdp(&mem), Some(0xF_5A20));
    mem.put(EBDA + 0x3F0, &rsdp_v1(0x1000));
    assert_eq!(find_rsdp(&mem), Some(EBDA + 0x3F0));
}

#[test]
fn last_slot_of_the_bios_area() {
    let mut mem = FakeMemory::new();
    mem.put(0xF_FFF0, &rsdp_v1(0x1000));
    assert_eq!(find_rsdp(&mem), Some(0xF_FFF0));
}

#[test]
fn invalid_and_misaligned_candidates_are_ignored() {
    let mut mem = with_ebda();
    let mut bad = rsdp_v1(0x1000);
    bad[8] ^= 1;
    mem.put(0xE_0000, &bad);
    let mut bad_extended = rsdp_v2(0x1000, 0x2000);
    bad_extended[32] ^= 1;
    mem.put(0xE_1000, &bad_extended);
    mem.put(0xE_2008, &rsdp_v1(0x1000));
    mem.put(EBDA + 0x400, &rsdp_v1(0x1000));
    assert_eq!(find_rsdp(&mem), None);
    mem.put(0xF_0000, &rsdp_v1(0x1000));
    assert_eq!(find_rsdp(&mem), Some(0xF_0000));
}

#[test]
fn memory_smaller_than_the_bios_area() {
    let mem = FakeMemory {
        bytes: vec![0; 0x1000],
    };
    assert_eq!(find_rsdp(&mem), None);
}
