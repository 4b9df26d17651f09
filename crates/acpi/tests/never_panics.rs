//! Property tests: arbitrary firmware bytes never panic the parser.

mod support;

use aios_acpi::{find_rsdp, parse};
use proptest::prelude::*;
use support::*;

const RSDP: u64 = 0xE_0000;
const ROOT: u64 = 0x10_0000;
const TABLES: [u64; 3] = [0x10_1000, 0x10_8000, 0x1F_F000];

/// A signature the parser dispatches on, or random bytes.
fn signature() -> impl Strategy<Value = [u8; 4]> {
    prop_oneof![
        Just(*b"APIC"),
        Just(*b"FACP"),
        Just(*b"MCFG"),
        Just(*b"HPET"),
        Just(*b"SSDT"),
        Just(*b"DSDT"),
        any::<[u8; 4]>(),
    ]
}

/// A table with a random body: either a consistent header and checksum
/// (so the table reaches its parser) or a random length field.
fn random_table() -> impl Strategy<Value = Vec<u8>> {
    (
        signature(),
        proptest::collection::vec(any::<u8>(), 0..400),
        any::<bool>(),
        any::<u32>(),
    )
        .prop_map(|(signature, body, consistent, raw_length)| {
            let mut data = table(&signature, 1, &body);
            if !consistent {
                data[4..8].copy_from_slice(&raw_length.to_le_bytes());
            }
            data
        })
}

/// A checksummed MADT of random entries whose length bytes are consistent,
/// so parsing gets past the framing into the entry decoders.
fn random_madt() -> impl Strategy<Value = Vec<u8>> {
    let kind = prop_oneof![Just(0u8), Just(1), Just(2), Just(5), Just(9), any::<u8>()];
    let entry = (kind, proptest::collection::vec(any::<u8>(), 0..18));
    (
        any::<u32>(),
        any::<u32>(),
        proptest::collection::vec(entry, 0..12),
    )
        .prop_map(|(local_apic, flags, entries)| {
            let entries: Vec<Vec<u8>> = entries
                .into_iter()
                .map(|(kind, payload)| {
                    let mut entry = vec![kind, u8::try_from(payload.len() + 2).unwrap()];
                    entry.extend_from_slice(&payload);
                    entry
                })
                .collect();
            madt(local_apic, flags, &entries)
        })
}

/// An SSDT holding a `_S5_` package with random integer encodings and a
/// PkgLength that is right, or random.
fn random_s5_ssdt() -> impl Strategy<Value = Vec<u8>> {
    let element = prop_oneof![
        Just(vec![0x00]),
        Just(vec![0x01]),
        Just(vec![0xFF]),
        any::<u8>().prop_map(|b| vec![0x0A, b]),
        any::<[u8; 2]>().prop_map(|w| vec![0x0B, w[0], w[1]]),
        any::<[u8; 4]>().prop_map(|d| [&[0x0C][..], &d].concat()),
        any::<[u8; 8]>().prop_map(|q| [&[0x0E][..], &q].concat()),
        any::<u8>().prop_map(|b| vec![b]),
    ];
    let elements = proptest::collection::vec(element, 0..5);
    (elements, any::<u8>(), proptest::option::of(any::<u8>())).prop_map(
        |(elements, count, length)| {
            let contents: Vec<u8> = elements.concat();
            let length = length.unwrap_or(u8::try_from((2 + contents.len()).min(63)).unwrap());
            let mut aml = vec![0x08, b'_', b'S', b'5', b'_', 0x12, length, count];
            aml.extend_from_slice(&contents);
            table(b"SSDT", 2, &aml)
        },
    )
}

fn any_table() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![random_table(), random_madt(), random_s5_ssdt()]
}

fn memory_with(tables: &[Vec<u8>], fadt_dsdt: Option<u32>) -> FakeMemory {
    let mut mem = FakeMemory::new();
    for (phys, data) in TABLES.iter().zip(tables) {
        mem.put(*phys, data);
    }
    if let Some(dsdt) = fadt_dsdt {
        mem.put(
            0x1F_0000,
            &fadt(&FadtFields {
                dsdt,
                ..FadtFields::default()
            }),
        );
    }
    mem.put(ROOT, &xsdt(&[TABLES[0], TABLES[1], TABLES[2], 0x1F_0000]));
    mem.put(RSDP, &rsdp_v2(0, ROOT));
    mem
}

proptest! {
    #[test]
    fn random_tables_never_panic(tables in proptest::collection::vec(any_table(), 1..=3)) {
        let mem = memory_with(&tables, None);
        let info = parse(&mem, RSDP).unwrap();
        prop_assert_eq!(info.tables[0].signature, *b"XSDT");
        prop_assert!(info.tables.len() <= 1 + 4 + 1);
    }

    #[test]
    fn random_dsdt_never_panics(aml in proptest::collection::vec(any::<u8>(), 0..300), at in 0usize..300) {
        let mut body = aml;
        let at = at.min(body.len());
        body.splice(at..at, [0x08, b'_', b'S', b'5', b'_', 0x12]);
        let dsdt = table(b"DSDT", 2, &body);
        let mut mem = memory_with(&[], Some(TABLES[0] as u32));
        mem.put(TABLES[0], &dsdt);
        let info = parse(&mem, RSDP).unwrap();
        prop_assert_eq!(info.dsdt, Some(TABLES[0]));
    }

    #[test]
    fn random_fadt_dsdt_pointer_never_panics(dsdt in any::<u32>()) {
        let mem = memory_with(&[], Some(dsdt));
        prop_assert!(parse(&mem, RSDP).is_ok());
    }

    #[test]
    fn random_rsdp_and_root_never_panic(
        rsdp in proptest::collection::vec(any::<u8>(), 36),
        root in proptest::collection::vec(any::<u8>(), 0..200),
        at in any::<u64>(),
    ) {
        let mut mem = FakeMemory::new();
        let mut rsdp = rsdp;
        rsdp[..8].copy_from_slice(b"RSD PTR ");
        fix_checksum(&mut rsdp[..20], 8);
        mem.put(0xF_0000, &rsdp);
        mem.put(ROOT, &root);
        let found = find_rsdp(&mem);
        let _ = parse(&mem, 0xF_0000);
        let _ = parse(&mem, at);
        if let Some(phys) = found {
            prop_assert_eq!(phys, 0xF_0000);
        }
    }
}
