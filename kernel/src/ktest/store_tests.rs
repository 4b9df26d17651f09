//! The object store on the real drivers: formatted on each scratch disk
//! (after the block tests), objects small and chunked survive an unmount
//! and a new mount, a snapshot and rollback round-trip, and the check
//! finds the disk clean. Runs after `block_tests`, whose data it erases.

use super::{ensure, ktests};
use crate::storage::DiskBlocks;
use aios_store::{FormatOptions, PutMeta, Store};
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

ktests!(
    objects_survive_a_remount_on_every_controller,
    snapshot_and_rollback_round_trip,
);

fn meta() -> PutMeta {
    PutMeta {
        content_type: String::from("application/octet-stream"),
        tags: alloc::vec![String::from("ktest")],
        embedding: None,
    }
}

/// 3 MiB that differ per disk: streamed in 256 KiB chunks.
fn big(seed: u8) -> Vec<u8> {
    (0..3 << 20)
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 13) as u8 ^ seed)
        .collect()
}

/// Formats `disk` with a store holding the empty namespace `ns`.
fn format_disk(disk: &aios_hal::blk::Disk, ns: &str) -> Result<Store<DiskBlocks>, String> {
    let blocks = DiskBlocks::new(disk.clone()).ok_or("sector size unusable")?;
    let mut store = Store::format(blocks, FormatOptions::default())
        .map_err(|e| format!("{}: format: {e}", disk.name()))?;
    store
        .create_namespace(ns, None, aios_hal::clock::now_ns())
        .map_err(|e| format!("{}: namespace: {e}", disk.name()))?;
    Ok(store)
}

fn objects_survive_a_remount_on_every_controller() -> Result<(), String> {
    let disks = crate::blk::disks();
    ensure!(
        disks.len() >= 3,
        "{} disks attached, 3 expected",
        disks.len()
    );
    for (n, disk) in disks.iter().enumerate() {
        let name = disk.name();
        let mut store = format_disk(disk, "ktest")?;
        let now = aios_hal::clock::now_ns();
        store
            .put("ktest", "small", name.as_bytes(), &meta(), now)
            .map_err(|e| format!("{name}: put: {e}"))?;
        let value = big(n as u8);
        let mut upload = store
            .begin("ktest", "big", &meta(), now)
            .map_err(|e| format!("{name}: begin: {e}"))?;
        for chunk in value.chunks(256 << 10) {
            store
                .write_chunk(&mut upload, chunk)
                .map_err(|e| format!("{name}: chunk: {e}"))?;
        }
        store
            .finish(upload, now)
            .map_err(|e| format!("{name}: finish: {e}"))?;
        let blocks = store
            .unmount()
            .map_err(|e| format!("{name}: unmount: {e}"))?;
        let (mut store, _) = Store::mount(blocks).map_err(|e| format!("{name}: mount: {e}"))?;
        let small = store
            .get("ktest", "small", None)
            .map_err(|e| format!("{name}: get: {e}"))?;
        ensure!(
            small.value == name.as_bytes(),
            "{name}: small object differs"
        );
        let read = store
            .get("ktest", "big", None)
            .map_err(|e| format!("{name}: get big: {e}"))?;
        ensure!(read.value == value, "{name}: the 3 MiB object differs");
        let report = store.fsck().map_err(|e| format!("{name}: fsck: {e}"))?;
        ensure!(report.is_clean(), "{name}: fsck: {:?}", report.problems);
    }
    Ok(())
}

fn snapshot_and_rollback_round_trip() -> Result<(), String> {
    let disk = crate::blk::disks().first().ok_or("no disk")?;
    let mut store = format_disk(disk, "notes")?;
    let now = aios_hal::clock::now_ns();
    let put = |store: &mut Store<DiskBlocks>, value: &[u8]| {
        store
            .put("notes", "todo", value, &meta(), now)
            .map(drop)
            .map_err(|e| format!("put: {e}"))
    };
    put(&mut store, b"buy milk")?;
    store
        .snapshot("notes", "before", now)
        .map_err(|e| format!("snapshot: {e}"))?;
    put(&mut store, b"sell the cow")?;
    let at = store
        .get("notes", "todo", Some("before"))
        .map_err(|e| format!("read at snapshot: {e}"))?;
    ensure!(at.value == b"buy milk", "the snapshot sees the new value");
    store
        .rollback("notes", "before", now)
        .map_err(|e| format!("rollback: {e}"))?;
    let now_value = store
        .get("notes", "todo", None)
        .map_err(|e| format!("get: {e}"))?;
    ensure!(
        now_value.value == b"buy milk",
        "rollback kept the new value"
    );
    let report = store.fsck().map_err(|e| format!("fsck: {e}"))?;
    ensure!(report.is_clean(), "fsck: {:?}", report.problems);
    Ok(())
}
