//! `bench-storage`: throughput and commit measurements on the disks the
//! benchmark harness attached (blank scratch disks, one per controller),
//! printed as `bench: storage-<controller> key=value …`, then the cost of
//! a snapshot with 1,000 and with 100,000 objects (`bench: snapshot …`),
//! taken after a checkpoint so that it is the snapshot alone.
//! Under `-icount shift=0` a nanosecond is one guest instruction.

use crate::storage::DiskBlocks;
use aios_hal::blk::{Disk, DiskKind};
use aios_store::{FormatOptions, PutMeta, Store};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// Bytes moved per sequential run (raw and through the store).
const SEQUENTIAL: usize = 256 << 20;
/// Size of each request and chunk.
const CHUNK: usize = 1 << 20;
/// 4 KiB puts timed, each its own commit.
const PUTS: usize = 200;
/// Objects per group commit while filling the store for snapshots.
const BATCH: usize = 500;

fn now() -> u64 {
    aios_hal::clock::now_ns()
}

fn controller(disk: &Disk) -> &'static str {
    match disk.kind() {
        DiskKind::Virtio => "virtio",
        DiskKind::Nvme => "nvme",
        DiskKind::Ahci => "ahci",
    }
}

fn meta() -> PutMeta {
    PutMeta {
        content_type: String::from("application/octet-stream"),
        tags: Vec::new(),
        embedding: None,
    }
}

/// Formats `blocks` with a store holding the empty namespace `ns`.
fn fresh_store(blocks: DiskBlocks, ns: &str) -> Result<Store<DiskBlocks>, String> {
    let mut store =
        Store::format(blocks, FormatOptions::default()).map_err(|e| format!("format: {e}"))?;
    store
        .create_namespace(ns, None, now())
        .map_err(|e| format!("namespace: {e}"))?;
    Ok(store)
}

/// Runs every measurement; prints `bench: storage done` or `failed`.
///
/// Interrupts stay off meanwhile, so the drivers poll for completions
/// instead of halting: under `-icount` with `sleep=off` a halted CPU's
/// clock jumps to the next timer tick (up to 10 ms), which would turn
/// every wait for the device into a tick and swamp what is measured.
pub fn run() {
    aios_hal::cpu::disable_interrupts();
    let result = crate::blk::disks()
        .iter()
        .try_for_each(disk)
        .and_then(|()| snapshots(crate::blk::disks().first().ok_or("no disk")?));
    aios_hal::cpu::enable_interrupts();
    match result {
        Ok(()) => crate::println!("bench: storage done"),
        Err(why) => crate::println!("bench: storage failed: {why}"),
    }
}

fn disk(disk: &Disk) -> Result<(), String> {
    let sector = u64::from(disk.sector_size());
    let mut buf = vec![0x5Au8; CHUNK];
    let start = now();
    for i in 0..(SEQUENTIAL / CHUNK) as u64 {
        disk.write(i * CHUNK as u64 / sector, &buf)
            .map_err(|e| format!("raw write: {e}"))?;
    }
    disk.flush().map_err(|e| format!("flush: {e}"))?;
    let raw_write = now() - start;
    let start = now();
    for i in 0..(SEQUENTIAL / CHUNK) as u64 {
        disk.read(i * CHUNK as u64 / sector, &mut buf)
            .map_err(|e| format!("raw read: {e}"))?;
    }
    let raw_read = now() - start;

    let blocks = DiskBlocks::new(disk.clone()).ok_or("sector size unusable")?;
    let mut store = fresh_store(blocks, "bench")?;
    let start = now();
    let mut upload = store
        .begin("bench", "big", &meta(), start)
        .map_err(|e| format!("begin: {e}"))?;
    for _ in 0..SEQUENTIAL / CHUNK {
        store
            .write_chunk(&mut upload, &buf)
            .map_err(|e| format!("chunk: {e}"))?;
    }
    store
        .finish(upload, now())
        .map_err(|e| format!("finish: {e}"))?;
    let store_write = now() - start;
    let start = now();
    for i in 0..(SEQUENTIAL / CHUNK) as u64 {
        let got = store
            .read("bench", "big", None, i * CHUNK as u64, &mut buf)
            .map_err(|e| format!("read: {e}"))?;
        if got != CHUNK {
            return Err(format!("short read of {got} bytes"));
        }
    }
    let store_read = now() - start;

    let small = vec![0xA5u8; 4096];
    let start = now();
    for i in 0..PUTS {
        store
            .put("bench", &format!("p{i}"), &small, &meta(), now())
            .map_err(|e| format!("put: {e}"))?;
    }
    let puts = now() - start;
    crate::println!(
        "bench: storage-{} raw_bytes={SEQUENTIAL} raw_write_ns={raw_write} raw_read_ns={raw_read} \
         store_bytes={SEQUENTIAL} store_write_ns={store_write} store_read_ns={store_read} \
         puts={PUTS} puts_ns={puts}",
        controller(disk)
    );
    Ok(())
}

/// Fills a fresh store to 1,000 then 100,000 objects, timing a snapshot
/// at each size.
fn snapshots(disk: &Disk) -> Result<(), String> {
    let blocks = DiskBlocks::new(disk.clone()).ok_or("sector size unusable")?;
    let mut store = fresh_store(blocks, "snap")?;
    let value = [0x33u8; 64];
    let meta = meta();
    let mut stored = 0usize;
    for (target, name) in [(1_000usize, "s1k"), (100_000, "s100k")] {
        while stored < target {
            let keys: Vec<String> = (stored..(stored + BATCH).min(target))
                .map(|i| format!("o{i:07}"))
                .collect();
            let items: Vec<(&str, &[u8], &PutMeta)> = keys
                .iter()
                .map(|k| (k.as_str(), &value[..], &meta))
                .collect();
            store
                .put_many("snap", &items, now())
                .map_err(|e| format!("fill: {e}"))?;
            stored += keys.len();
        }
        // Apply the journal to the tree first: the snapshot's own cost is
        // what is measured, not the checkpoint the fill left pending.
        store.sync().map_err(|e| format!("sync: {e}"))?;
        let writes = store.stats().device_writes;
        let start = now();
        store
            .snapshot("snap", name, start)
            .map_err(|e| format!("snapshot: {e}"))?;
        let took = now() - start;
        crate::println!(
            "bench: snapshot objects={target} snapshot_ns={took} device_writes={}",
            store.stats().device_writes - writes
        );
    }
    Ok(())
}
