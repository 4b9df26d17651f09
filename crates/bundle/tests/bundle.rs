//! Round trips, malformed bundles and random input against the parser.

use aios_bundle::{Bundle, BundleBuilder, Error, MAX_NAME_LEN};
use proptest::prelude::*;

fn sample() -> Vec<u8> {
    let mut b = BundleBuilder::new();
    b.add("agents/supervisor.wasm", b"\0asm\x01\0\0\0")
        .unwrap()
        .add("policy.cbor", &[0xa0])
        .unwrap()
        .add("empty", b"")
        .unwrap();
    b.finish()
}

#[test]
fn round_trip_keeps_names_data_and_order() {
    let bytes = sample();
    let bundle = Bundle::parse(&bytes).unwrap();
    assert_eq!(bundle.len(), 3);
    let names: Vec<&str> = bundle.iter().map(|e| e.name).collect();
    assert_eq!(names, ["agents/supervisor.wasm", "policy.cbor", "empty"]);
    assert_eq!(bundle.get("policy.cbor"), Some(&[0xa0][..]));
    assert_eq!(bundle.get("empty"), Some(&[][..]));
    assert_eq!(bundle.get("missing"), None);
}

#[test]
fn data_is_eight_byte_aligned_within_the_bundle() {
    let bytes = sample();
    let bundle = Bundle::parse(&bytes).unwrap();
    for entry in bundle.iter() {
        let offset = entry.data.as_ptr() as usize - bytes.as_ptr() as usize;
        assert_eq!(offset % 8, 0, "{}", entry.name);
    }
}

#[test]
fn empty_bundle_parses() {
    let bytes = BundleBuilder::new().finish();
    assert_eq!(bytes.len(), 16);
    let bundle = Bundle::parse(&bytes).unwrap();
    assert!(bundle.is_empty());
}

#[test]
fn every_truncation_is_an_error() {
    let bytes = sample();
    for len in 0..bytes.len() {
        assert!(Bundle::parse(&bytes[..len]).is_err(), "length {len}");
    }
}

#[test]
fn trailing_bytes_are_rejected() {
    let mut bytes = sample();
    bytes.extend_from_slice(&[0; 8]);
    assert_eq!(Bundle::parse(&bytes).unwrap_err(), Error::TrailingBytes);
}

#[test]
fn bad_magic_and_version_are_rejected() {
    let mut bytes = sample();
    bytes[0] = b'X';
    assert_eq!(Bundle::parse(&bytes).unwrap_err(), Error::BadMagic);
    let mut bytes = sample();
    bytes[8] = 2;
    assert_eq!(
        Bundle::parse(&bytes).unwrap_err(),
        Error::UnsupportedVersion(2)
    );
}

#[test]
fn duplicate_names_are_rejected_by_builder_and_parser() {
    let mut b = BundleBuilder::new();
    b.add("a", b"1").unwrap();
    assert_eq!(b.add("a", b"2").unwrap_err(), Error::DuplicateName);
    // Forge a bundle with two entries named "a" by renaming the second one.
    let mut b = BundleBuilder::new();
    b.add("a", b"1").unwrap().add("b", b"2").unwrap();
    let mut bytes = b.finish();
    let second_name = 16 + 8 + 8 + 8 + 2;
    assert_eq!(bytes[second_name], b'b');
    bytes[second_name] = b'a';
    assert_eq!(Bundle::parse(&bytes).unwrap_err(), Error::DuplicateName);
}

#[test]
fn bad_names_are_rejected() {
    let mut b = BundleBuilder::new();
    assert_eq!(b.add("", b"").unwrap_err(), Error::BadNameLength(0));
    let long = "n".repeat(MAX_NAME_LEN + 1);
    assert_eq!(
        b.add(&long, b"").unwrap_err(),
        Error::BadNameLength(MAX_NAME_LEN + 1)
    );
    let mut bytes = sample();
    bytes[18] = 0xff;
    assert_eq!(Bundle::parse(&bytes).unwrap_err(), Error::NameNotUtf8);
}

#[test]
fn non_zero_padding_is_rejected() {
    let mut bytes = sample();
    // "empty" (5 bytes) + 2-byte length leaves one padding byte at 16 + 7.
    let mut b = BundleBuilder::new();
    b.add("empty", b"").unwrap();
    let mut one = b.finish();
    one[16 + 7] = 1;
    assert_eq!(Bundle::parse(&one).unwrap_err(), Error::NonZeroPadding);
    // The supervisor's 8-byte data needs no padding; its name (22 + 2 bytes) none either,
    // so change the padding after "policy.cbor"'s one data byte instead.
    let policy_data = Bundle::parse(&bytes)
        .unwrap()
        .get("policy.cbor")
        .unwrap()
        .as_ptr() as usize
        - bytes.as_ptr() as usize;
    bytes[policy_data + 1] = 7;
    assert_eq!(Bundle::parse(&bytes).unwrap_err(), Error::NonZeroPadding);
}

#[test]
fn huge_counts_and_lengths_are_errors() {
    let mut bytes = BundleBuilder::new().finish();
    bytes[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(Bundle::parse(&bytes).unwrap_err(), Error::TooManyEntries);
    let mut b = BundleBuilder::new();
    b.add("x", b"").unwrap();
    let mut bytes = b.finish();
    bytes[24..32].copy_from_slice(&u64::MAX.to_le_bytes());
    assert!(matches!(
        Bundle::parse(&bytes).unwrap_err(),
        Error::LengthOverflow | Error::Truncated
    ));
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = Bundle::parse(&bytes);
    }

    #[test]
    fn random_bytes_after_a_valid_header_never_panic(
        count in 0u32..8,
        tail in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut bytes = BundleBuilder::new().finish();
        bytes[12..16].copy_from_slice(&count.to_le_bytes());
        bytes.extend_from_slice(&tail);
        let _ = Bundle::parse(&bytes);
    }

    #[test]
    fn built_bundles_round_trip(
        files in proptest::collection::btree_map("[a-z/._]{1,40}", proptest::collection::vec(any::<u8>(), 0..64), 0..8),
    ) {
        let mut b = BundleBuilder::new();
        for (name, data) in &files {
            b.add(name, data).unwrap();
        }
        let bytes = b.finish();
        let bundle = Bundle::parse(&bytes).unwrap();
        prop_assert_eq!(bundle.len(), files.len());
        for (name, data) in &files {
            prop_assert_eq!(bundle.get(name), Some(&data[..]));
        }
    }
}
