//! The object store: putting, reading, listing and deleting objects in a
//! namespace, snapshots and rollback. Every call takes the StoreNamespace
//! capability that covers the namespace (see [`crate::find_cap`]).
//!
//! Large objects move in chunks of [`STORE_CHUNK`] bytes: [`put`] and
//! [`get`] do the chunking, so callers see whole objects. When the
//! agent's I/O quota is spent the kernel answers `WouldBlock`; these
//! wrappers then sleep until it refills.

use crate::reply::query;
use crate::status::check;
use aios_abi::Error;
use aios_abi::payload::{
    STORE_CHUNK, SnapshotEntry, SnapshotList, SnapshotRequest, StoreData, StoreGet, StoreKey,
    StoreListRequest, StoreListing, StoreObjectInfo, StorePut, snapshot_action,
};
use std::string::{String, ToString};
use std::vec::Vec;

/// How long to wait before retrying a throttled request.
const THROTTLE_WAIT_NS: u64 = 10_000_000;
/// Reply buffer for one chunk read: the data plus its description.
const GET_REPLY: usize = STORE_CHUNK + 8 * 1024;

/// What to store with an object besides its bytes.
#[derive(Debug, Clone, Default)]
pub struct ObjectMeta {
    /// Content type, e.g. `text/plain`.
    pub content_type: String,
    /// Tags to list it by.
    pub tags: Vec<String>,
    /// An embedding kept with it.
    pub embedding: Option<Vec<f32>>,
}

/// Runs `call`, sleeping and retrying while the I/O quota is spent.
fn throttled(mut call: impl FnMut() -> i32) -> Result<u32, Error> {
    loop {
        match check(call()) {
            Err(Error::WouldBlock) => crate::sleep_ns(THROTTLE_WAIT_NS)?,
            other => return other,
        }
    }
}

fn send_put(cap: u32, put: &StorePut) -> Result<(), Error> {
    let bytes = aios_abi::encode(put);
    throttled(|| {
        // SAFETY: `bytes` is a live buffer of `bytes.len()` bytes that the
        // kernel only reads during the call.
        unsafe { crate::sys::store_put(cap, bytes.as_ptr(), bytes.len()) }
    })
    .map(drop)
}

/// Stores `value` under `key` in namespace `ns`, replacing any previous
/// version; durable when this returns.
pub fn put(cap: u32, ns: &str, key: &str, value: &[u8], meta: &ObjectMeta) -> Result<(), Error> {
    let mut chunks = value.chunks(STORE_CHUNK).peekable();
    let mut offset = 0u64;
    let mut put = StorePut {
        ns: ns.to_string(),
        key: key.to_string(),
        content_type: meta.content_type.clone(),
        tags: meta.tags.clone(),
        embedding: meta.embedding.clone(),
        ..StorePut::default()
    };
    if value.is_empty() {
        put.last = true;
        return send_put(cap, &put);
    }
    while let Some(chunk) = chunks.next() {
        put.offset = offset;
        put.data = chunk.to_vec();
        put.last = chunks.peek().is_none();
        send_put(cap, &put)?;
        offset += chunk.len() as u64;
    }
    Ok(())
}

/// Reads one chunk of `key` from `offset` (now, or at `snapshot`).
pub fn get_range(
    cap: u32,
    ns: &str,
    key: &str,
    offset: u64,
    snapshot: Option<&str>,
) -> Result<StoreData, Error> {
    let request = aios_abi::encode(&StoreGet {
        ns: ns.to_string(),
        key: key.to_string(),
        offset,
        max: STORE_CHUNK as u32,
        snapshot: snapshot.map(str::to_string),
    });
    let mut out = vec![0u8; GET_REPLY];
    let len = throttled(|| {
        // SAFETY: `request` is a live buffer the kernel only reads; `out` a
        // live, writable one of `out.len()` bytes it writes at most that
        // many of.
        unsafe {
            crate::sys::store_get(
                cap,
                request.as_ptr(),
                request.len(),
                out.as_mut_ptr(),
                out.len(),
            )
        }
    })?;
    aios_abi::decode(&out[..len as usize])
}

/// Reads the whole object `key` (now, or at `snapshot`).
pub fn get(
    cap: u32,
    ns: &str,
    key: &str,
    snapshot: Option<&str>,
) -> Result<(StoreObjectInfo, Vec<u8>), Error> {
    let first = get_range(cap, ns, key, 0, snapshot)?;
    let info = first.info;
    let mut value = first.data;
    while (value.len() as u64) < info.size {
        let next = get_range(cap, ns, key, value.len() as u64, snapshot)?;
        if next.data.is_empty() {
            // The object changed size between chunks: read it again.
            return Err(Error::WouldBlock);
        }
        value.extend_from_slice(&next.data);
    }
    Ok((info, value))
}

/// Deletes `key`; durable when this returns.
pub fn delete(cap: u32, ns: &str, key: &str) -> Result<(), Error> {
    let request = aios_abi::encode(&StoreKey {
        ns: ns.to_string(),
        key: key.to_string(),
    });
    throttled(|| {
        // SAFETY: a live buffer of `request.len()` bytes, only read.
        unsafe { crate::sys::store_delete(cap, request.as_ptr(), request.len()) }
    })
    .map(drop)
}

/// Lists objects of `ns` whose keys start with `prefix` and that carry
/// every tag in `tags`, in key order, one page at a time.
pub fn list(cap: u32, request: &StoreListRequest) -> Result<StoreListing, Error> {
    let bytes = aios_abi::encode(request);
    query(16 * 1024, |out| {
        // SAFETY: `bytes` is only read; `out` is a live, writable buffer of
        // `out.len()` bytes.
        unsafe {
            crate::sys::store_list(
                cap,
                bytes.as_ptr(),
                bytes.len(),
                out.as_mut_ptr(),
                out.len(),
            )
        }
    })
}

fn snapshot_call(cap: u32, ns: &str, name: &str, action: u8) -> Result<Vec<SnapshotEntry>, Error> {
    let bytes = aios_abi::encode(&SnapshotRequest {
        ns: ns.to_string(),
        name: name.to_string(),
        action,
    });
    if action != snapshot_action::LIST {
        let mut none = [0u8; 0];
        // SAFETY: `bytes` is only read; `none` is an empty buffer the
        // kernel does not write for these actions.
        let ret = unsafe {
            crate::sys::store_snapshot(cap, bytes.as_ptr(), bytes.len(), none.as_mut_ptr(), 0)
        };
        return check(ret).map(|_| Vec::new());
    }
    let list: SnapshotList = query(4096, |out| {
        // SAFETY: as above; `out` is a live, writable buffer of `out.len()`
        // bytes.
        unsafe {
            crate::sys::store_snapshot(
                cap,
                bytes.as_ptr(),
                bytes.len(),
                out.as_mut_ptr(),
                out.len(),
            )
        }
    })?;
    Ok(list.snapshots)
}

/// Takes a snapshot of `ns` (`*`: the whole volume) named `name`.
pub fn snapshot(cap: u32, ns: &str, name: &str) -> Result<(), Error> {
    snapshot_call(cap, ns, name, snapshot_action::CREATE).map(drop)
}

/// Deletes the snapshot `name` of `ns`, freeing what only it held.
pub fn delete_snapshot(cap: u32, ns: &str, name: &str) -> Result<(), Error> {
    snapshot_call(cap, ns, name, snapshot_action::DELETE).map(drop)
}

/// The snapshots of `ns`, oldest first.
pub fn snapshots(cap: u32, ns: &str) -> Result<Vec<SnapshotEntry>, Error> {
    snapshot_call(cap, ns, "", snapshot_action::LIST)
}

/// Rolls `ns` (`*`: the whole volume) back to the snapshot `name`.
pub fn rollback(cap: u32, ns: &str, name: &str) -> Result<(), Error> {
    let bytes = aios_abi::encode(&SnapshotRequest {
        ns: ns.to_string(),
        name: name.to_string(),
        action: 0,
    });
    // SAFETY: a live buffer of `bytes.len()` bytes, only read.
    check(unsafe { crate::sys::store_rollback(cap, bytes.as_ptr(), bytes.len()) }).map(drop)
}
