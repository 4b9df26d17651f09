//! Helpers shared by the store's integration tests.
#![allow(dead_code)]

use aios_store::testing::{FaultyDevice, MemDevice};
use aios_store::{BlockDevice, FormatOptions, PutMeta, Store};

/// Metadata with a content type and tags.
pub fn meta(tags: &[&str]) -> PutMeta {
    PutMeta {
        content_type: "application/octet-stream".into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        embedding: None,
    }
}

/// A formatted store on a RAM disk of `mib` MiB with namespace "ns".
pub fn mem_store(mib: u64) -> Store<MemDevice> {
    let mut store = Store::format(MemDevice::new(mib * 256), FormatOptions::default()).unwrap();
    store.create_namespace("ns", None, 1).unwrap();
    store
}

/// A formatted store on a faulty disk of `mib` MiB with namespace "ns".
pub fn faulty_store(mib: u64, options: FormatOptions) -> Store<FaultyDevice> {
    let mut store = Store::format(FaultyDevice::new(mib * 256), options).unwrap();
    store.create_namespace("ns", None, 1).unwrap();
    store
}

/// Deterministic bytes for `key` of `len` bytes.
pub fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Asserts fsck is clean.
#[track_caller]
pub fn assert_clean<D: BlockDevice>(store: &mut Store<D>) {
    let report = store.fsck().unwrap();
    assert!(report.is_clean(), "fsck: {:?}", report.problems);
}
