//! Host benchmark: sequential write and read of a 256 MiB object through the
//! store against the raw RAM disk, 4 KiB puts with a commit each, and
//! snapshot time with 100,000 objects.
//!
//! `cargo run --release -p aios-store --example bench`

use std::time::Instant;

use aios_store::testing::MemDevice;
use aios_store::{BLOCK_SIZE, BlockDevice, FormatOptions, PutMeta, Store};

const OBJECT: usize = 256 << 20;
const CHUNK: usize = 1 << 20;

fn mib_per_s(bytes: usize, seconds: f64) -> f64 {
    bytes as f64 / (1 << 20) as f64 / seconds
}

fn main() {
    let blocks = (640u64 << 20) / BLOCK_SIZE as u64;
    let chunk: Vec<u8> = (0..CHUNK).map(|i| (i * 31 % 251) as u8).collect();

    let mut raw = MemDevice::new(blocks);
    let t = Instant::now();
    for i in 0..OBJECT / CHUNK {
        raw.write_blocks((i * CHUNK / BLOCK_SIZE) as u64, &chunk)
            .unwrap();
    }
    raw.flush().unwrap();
    let raw_write = t.elapsed().as_secs_f64();
    let mut buf = vec![0u8; CHUNK];
    let t = Instant::now();
    for i in 0..OBJECT / CHUNK {
        raw.read_blocks((i * CHUNK / BLOCK_SIZE) as u64, &mut buf)
            .unwrap();
    }
    let raw_read = t.elapsed().as_secs_f64();

    let mut store = Store::format(MemDevice::new(blocks), FormatOptions::default()).unwrap();
    store.create_namespace("bench", None, 0).unwrap();
    let meta = PutMeta::default();
    let t = Instant::now();
    let mut up = store.begin("bench", "big", &meta, 1).unwrap();
    for _ in 0..OBJECT / CHUNK {
        store.write_chunk(&mut up, &chunk).unwrap();
    }
    store.finish(up, 2).unwrap();
    let store_write = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for i in 0..OBJECT / CHUNK {
        let n = store
            .read("bench", "big", None, (i * CHUNK) as u64, &mut buf)
            .unwrap();
        assert_eq!(n, CHUNK);
    }
    let store_read = t.elapsed().as_secs_f64();
    assert_eq!(buf, chunk);

    let value = vec![7u8; 4096];
    let puts = 20_000;
    let t = Instant::now();
    for i in 0..puts {
        store
            .put("bench", &format!("small/{i:06}"), &value, &meta, 3)
            .unwrap();
    }
    let put_secs = t.elapsed().as_secs_f64();

    let mut snap = Store::format(MemDevice::new(blocks), FormatOptions::default()).unwrap();
    snap.create_namespace("s", None, 0).unwrap();
    let keys: Vec<String> = (0..100_000).map(|i| format!("o/{i:06}")).collect();
    for group in keys.chunks(1000) {
        let items: Vec<(&str, &[u8], &PutMeta)> = group
            .iter()
            .map(|k| (k.as_str(), &b"x"[..], &meta))
            .collect();
        snap.put_many("s", &items, 4).unwrap();
    }
    snap.sync().unwrap();
    let t = Instant::now();
    snap.snapshot("s", "one", 5).unwrap();
    let snap_secs = t.elapsed().as_secs_f64();

    println!(
        "raw MemDevice   write {:8.0} MiB/s  read {:8.0} MiB/s",
        mib_per_s(OBJECT, raw_write),
        mib_per_s(OBJECT, raw_read)
    );
    println!(
        "store 256 MiB   write {:8.0} MiB/s  read {:8.0} MiB/s",
        mib_per_s(OBJECT, store_write),
        mib_per_s(OBJECT, store_read)
    );
    println!(
        "store/raw       write {:7.1}%  read {:7.1}%",
        100.0 * raw_write / store_write,
        100.0 * raw_read / store_read
    );
    println!(
        "4 KiB puts      {:8.0} commits/s ({} puts)",
        puts as f64 / put_secs,
        puts
    );
    println!(
        "snapshot        {:8.3} ms with 100,000 objects",
        snap_secs * 1000.0
    );
}
