//! Corrupted blocks are reported with the object they hit and never
//! returned as data; a full disk gives `NoSpace` and loses nothing.

mod common;

use aios_store::testing::MemDevice;
use aios_store::{Error, ProblemKind, Store};
use common::{assert_clean, bytes, mem_store, meta};

/// The first block of `kind` (header byte 8) whose payload contains `needle`.
fn find_block(dev: &MemDevice, kind: u8, needle: &[u8]) -> u64 {
    (0..aios_store::BlockDevice::block_count(dev))
        .find(|&b| {
            let block = dev.block(b);
            block[8] == kind && block[32..].windows(needle.len()).any(|w| w == needle)
        })
        .expect("block found")
}

fn populated() -> (Store<MemDevice>, Vec<u8>) {
    let mut store = mem_store(16);
    for i in 0..400 {
        store
            .put(
                "ns",
                &format!("obj{i:04}"),
                &bytes(i, 200),
                &meta(&["t"]),
                1,
            )
            .unwrap();
    }
    let big = bytes(999, 50_000);
    store.put("ns", "big", &big, &meta(&[]), 1).unwrap();
    (store, big)
}

#[test]
fn flipped_data_bit_names_the_object_and_the_rest_reads() {
    let (store, big) = populated();
    let mut dev = store.unmount().unwrap();
    let block = find_block(&dev, 4, &big[10_000..10_032]);
    dev.flip_bit(block, 5000 * 8 + 3);
    let (mut store, _) = Store::mount(dev).unwrap();
    match store.get("ns", "big", None) {
        Err(Error::Corrupt { block: b, context }) => {
            assert_eq!(b, block);
            assert_eq!(
                (context.namespace.as_deref(), context.key.as_deref()),
                (Some("ns"), Some("big"))
            );
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    let mut head = vec![0u8; 4000];
    assert_eq!(
        store.read("ns", "big", None, 0, &mut head).unwrap(),
        4000,
        "blocks before the bad one read"
    );
    assert_eq!(head, big[..4000]);
    for i in 0..400 {
        assert_eq!(
            store.get("ns", &format!("obj{i:04}"), None).unwrap().value,
            bytes(i, 200)
        );
    }
    let report = store.fsck().unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    let p = &report.problems[0];
    assert_eq!(
        (p.block, p.kind, p.key.as_deref()),
        (block, ProblemKind::Corrupt, Some("big"))
    );
    let msg = store.get("ns", "big", None).unwrap_err().to_string();
    assert!(
        msg.contains("big") && msg.contains(&block.to_string()),
        "{msg}"
    );
}

#[test]
fn flipped_leaf_bit_names_the_object_and_other_leaves_read() {
    let (store, big) = populated();
    let mut dev = store.unmount().unwrap();
    let block = find_block(&dev, 3, b"oobj0200");
    dev.flip_bit(block, 100 * 8);
    let (mut store, _) = Store::mount(dev).unwrap();
    match store.get("ns", "obj0200", None) {
        Err(Error::Corrupt { block: b, context }) => {
            assert_eq!(b, block);
            assert_eq!(context.key.as_deref(), Some("obj0200"));
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    let mut readable = 0;
    for i in 0..400 {
        let key = format!("obj{i:04}");
        match store.get("ns", &key, None) {
            Ok(o) => {
                assert_eq!(o.value, bytes(i, 200));
                readable += 1;
            }
            Err(Error::Corrupt { block: b, context }) => {
                assert_eq!((b, context.key), (block, Some(key)))
            }
            Err(e) => panic!("{key}: {e}"),
        }
    }
    assert!(
        readable >= 350,
        "only objects with entries in the bad leaf are lost ({readable} of 400 read)"
    );
    assert_eq!(store.get("ns", "big", None).unwrap().value, big);
    let report = store.fsck().unwrap();
    assert!(report.problems.iter().any(|p| p.block == block
        && p.kind == ProblemKind::Corrupt
        && p.namespace.as_deref() == Some("ns")));
    store
        .put("ns", "new", b"still writable", &meta(&[]), 2)
        .unwrap();
    assert_eq!(
        store.get("ns", "new", None).unwrap().value,
        b"still writable"
    );
}

#[test]
fn full_disk_gives_no_space_and_loses_nothing() {
    let mut store = mem_store(8);
    let mut kept = Vec::new();
    let err = loop {
        let i = kept.len() as u64;
        match store.put("ns", &format!("f{i}"), &bytes(i, 100_000), &meta(&[]), i) {
            Ok(_) => kept.push(i),
            Err(e) => break e,
        }
        assert!(i < 1000, "disk never filled");
    };
    assert_eq!(err, Error::NoSpace);
    assert!(
        kept.len() > 40,
        "a 8 MiB disk holds dozens of 100 KB objects ({})",
        kept.len()
    );
    let mut up = store.begin("ns", "stream", &meta(&[]), 0).unwrap();
    let mut chunk_err = None;
    for _ in 0..100 {
        if let Err(e) = store.write_chunk(&mut up, &[7; 65536]) {
            chunk_err = Some(e);
            break;
        }
    }
    assert_eq!(chunk_err, Some(Error::NoSpace));
    store.abort(up);
    for &i in &kept {
        assert_eq!(
            store.get("ns", &format!("f{i}"), None).unwrap().value,
            bytes(i, 100_000)
        );
    }
    assert_clean(&mut store);
    store.delete("ns", "f0", 1).unwrap();
    store.delete("ns", "f1", 1).unwrap();
    store
        .put("ns", "after", &bytes(5, 100_000), &meta(&[]), 2)
        .unwrap();
    let dev = store.unmount().unwrap();
    let (mut store, _) = Store::mount(dev).unwrap();
    assert_eq!(
        store.get("ns", "after", None).unwrap().value,
        bytes(5, 100_000)
    );
    assert_eq!(
        store
            .get("ns", &format!("f{}", kept[2]), None)
            .unwrap()
            .value,
        bytes(kept[2], 100_000)
    );
    assert_clean(&mut store);
}

#[test]
fn newest_superblock_corrupt_falls_back_to_the_other() {
    let (store, _) = populated();
    let mut dev = store.unmount().unwrap();
    let generation = |b: u64| u64::from_le_bytes(dev.block(b)[16..24].try_into().unwrap());
    let newest = if generation(0) > generation(1) { 0 } else { 1 };
    dev.flip_bit(newest, 40 * 8);
    let (mut store, report) = Store::mount(dev.clone()).unwrap();
    assert_eq!(report.superblock, 1 - newest);
    assert_eq!(
        store.get("ns", "obj0399", None).unwrap().value,
        bytes(399, 200),
        "journal since the older checkpoint replayed"
    );
    assert_clean(&mut store);
    dev.flip_bit(1 - newest, 40 * 8);
    assert_eq!(Store::mount(dev).err(), Some(Error::NotFormatted));
}
