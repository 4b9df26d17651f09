//! What the `store_*` syscalls and the API's store routes share: the
//! kernel's reserved namespaces, a namespace made on first write, a page
//! of a listing, and an object's metadata as the ABI carries it.

use super::{Mounted, to_abi};
use aios_abi::Error;
use aios_abi::payload::{StoreListing, StoreObjectInfo};
use aios_store::ListQuery;

/// What a request costs at the device beyond its data: a metadata block.
pub(crate) const REQUEST_COST: u64 = 4096;
/// Most objects one listing returns.
pub(crate) const MAX_LIST: u32 = 256;

/// Whether `ns` is one of the kernel's (`aios.*`: the audit log, models,
/// persistent memory), which no agent or token reaches.
pub(crate) fn reserved(ns: &str) -> bool {
    ns.starts_with("aios.")
}

/// Creates `ns` on first use, with `quota` bytes.
pub(crate) fn ensure_namespace(
    mounted: &mut Mounted,
    ns: &str,
    quota: u64,
    now: u64,
) -> Result<(), Error> {
    let exists = mounted
        .store
        .namespaces()
        .map_err(|e| to_abi(&e))?
        .iter()
        .any(|n| n.name == ns);
    if exists {
        return Ok(());
    }
    if quota == 0 {
        return Err(Error::NoSpace);
    }
    mounted
        .store
        .create_namespace(ns, Some(quota), now)
        .map_err(|e| to_abi(&e))
}

/// At most `limit` (capped at [`MAX_LIST`]; 0 for the cap) objects of
/// `ns` that `query` selects, as of `snapshot`, and whether more follow.
pub(crate) fn list_page(
    mounted: &mut Mounted,
    ns: &str,
    mut query: ListQuery,
    snapshot: Option<&str>,
    limit: u32,
) -> Result<StoreListing, aios_store::Error> {
    let limit = match limit {
        0 => MAX_LIST,
        n => n.min(MAX_LIST),
    } as usize;
    // One more than asked tells whether more follow.
    query.limit = limit + 1;
    let mut found = mounted.store.list(ns, &query, snapshot)?;
    let more = found.len() > limit;
    found.truncate(limit);
    Ok(StoreListing {
        objects: found.into_iter().map(object_info).collect(),
        more,
    })
}

/// An object's metadata as the ABI carries it.
pub(crate) fn object_info(info: aios_store::ObjectInfo) -> StoreObjectInfo {
    StoreObjectInfo {
        key: info.key,
        size: info.size,
        version: info.version,
        created_ns: info.created,
        modified_ns: info.modified,
        content_type: info.content_type,
        tags: info.tags,
        has_embedding: info.has_embedding,
    }
}
