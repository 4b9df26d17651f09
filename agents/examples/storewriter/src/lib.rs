//! Example agent: a write workload for the crash-consistency tests. It
//! puts, overwrites and deletes objects of namespace `crash` in a fixed
//! sequence and logs `acked N` after operation N is durable, so a test
//! that kills the machine at any moment knows which writes must survive.
//!
//! Operation `n` works on key `k{n % KEYS}`: every 50th deletes it, the
//! others put [`value`]`(n)`. `cargo xtask test` recomputes the same
//! sequence to check a crashed disk.

use aios_sdk::store::{self, ObjectMeta};
use aios_sdk::{CapKind, Error};

/// Distinct keys the workload cycles through.
const KEYS: u64 = 300;
/// Operations before the agent stops by itself.
const OPERATIONS: u64 = 100_000;

/// The value operation `n` writes: `n` as 8 digits and a bar, repeated to
/// a length between 64 bytes and 8 KiB.
fn value(n: u64) -> Vec<u8> {
    let len = 64 + (n * 7919) % 8192;
    let unit = format!("{n:08}|");
    unit.bytes().cycle().take(len as usize).collect()
}

fn main() -> Result<(), Error> {
    let cap = aios_sdk::find_cap(CapKind::StoreNamespace)
        .ok_or(Error::NotFound)?
        .handle;
    let meta = ObjectMeta {
        content_type: "application/octet-stream".into(),
        tags: vec!["crash".into()],
        embedding: None,
    };
    aios_sdk::info!("storewriter: start");
    for n in 0..OPERATIONS {
        let key = format!("k{}", n % KEYS);
        if n % 50 == 49 {
            match store::delete(cap, "crash", &key) {
                Ok(()) | Err(Error::NotFound) => {}
                Err(error) => return Err(error),
            }
        } else {
            store::put(cap, "crash", &key, &value(n), &meta)?;
        }
        aios_sdk::info!("acked {n}");
    }
    aios_sdk::info!("storewriter: done");
    Ok(())
}

aios_sdk::entry!(main);
