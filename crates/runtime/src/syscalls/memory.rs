//! Memory-fabric syscalls: `memory_store`, `memory_query`. The handle is
//! a MemoryRegion capability naming the region (WRITE to store, READ to
//! query); a text to embed needs a Model capability too.

use super::{SysResult, context, permit, require_view};
use crate::AgentCtx;
use crate::ai::{Memory, actor, hit, to_abi};
use crate::guard::Operation;
use crate::memory::{MAX_PAYLOAD, read, write_reply};
use aios_abi::Error;
use aios_abi::payload::{CapKind, MemoryHits, MemoryQueryRequest, MemoryStoreRequest, rights};
use aios_cap::Resource;
use aios_engine::wasmtime::Caller;
use aios_fabric::{Query, RegionKind, StoreRequest};
use alloc::string::String;
use alloc::vec::Vec;

/// Most hits one query returns.
const MAX_HITS: u32 = 100;

/// The region name of a MemoryRegion handle with `needed` (checked
/// before the request is read, as every syscall checks its handle first).
fn region_name(caller: &Caller<'_, AgentCtx>, handle: u32, needed: u32) -> Result<String, Error> {
    let view = require_view(caller, handle, CapKind::MemoryRegion, needed)?;
    let Resource::MemoryRegion(name) = view.resource else {
        return Err(Error::WrongKind);
    };
    if name.is_empty() {
        return Err(Error::InvalidArgument);
    }
    Ok(name)
}

/// Asks the policy about `op` on region `name`.
fn allowed(
    caller: &Caller<'_, AgentCtx>,
    op: &'static str,
    name: &str,
    size: u64,
) -> Result<(), Error> {
    permit(
        caller,
        Operation {
            name: op,
            resource: Some(name),
            size,
            schema: None,
        },
    )
}

/// The kernel model's embedding of `text`, for an agent holding a Model
/// capability (charged to none: memory embeddings are part of the
/// fabric's service).
fn embed_for(caller: &Caller<'_, AgentCtx>, text: &str) -> Result<Vec<f32>, Error> {
    let (rt, me) = context(caller)?;
    let now = rt.inner.platform.now_ns();
    if !rt
        .inner
        .state
        .lock()
        .caps
        .holds_kind(me, CapKind::Model, now)
    {
        return Err(Error::PermissionDenied);
    }
    rt.inner.embed(text, |_| Ok(()))
}

fn with_memory<R>(
    caller: &Caller<'_, AgentCtx>,
    f: impl FnOnce(&mut Memory, u64) -> Result<R, Error>,
) -> Result<R, Error> {
    let (rt, me) = context(caller)?;
    rt.inner.with_memory(me, f)
}

pub(super) fn memory_store(
    caller: &Caller<'_, AgentCtx>,
    handle: u32,
    ptr: i32,
    len: i32,
) -> Result<i64, Error> {
    let name = region_name(caller, handle, rights::WRITE)?;
    let bytes = read(caller, ptr, len, MAX_PAYLOAD)?;
    let request: MemoryStoreRequest = aios_abi::decode(&bytes)?;
    allowed(caller, "memory_store", &name, bytes.len() as u64)?;
    // Persistent entries never expire.
    if request.persistent && request.lease_ns.is_some() {
        return Err(Error::InvalidArgument);
    }
    let kind = match request.persistent {
        true => RegionKind::Persistent,
        false => RegionKind::Ephemeral,
    };
    let embedding = match (&request.embedding, &request.embed_text) {
        (Some(given), _) => Some(given.clone()),
        (None, Some(text)) => Some(embed_for(caller, text)?),
        (None, None) => None,
    };
    let me = actor(&caller.data().subject.name);
    with_memory(caller, |memory, now| {
        let region = memory
            .region(&name, me, Some(kind))?
            .ok_or(Error::NotFound)?;
        let tags: Vec<&str> = request.tags.iter().map(String::as_str).collect();
        let mut store = StoreRequest::new(&request.key, &request.value).tags(&tags);
        if let Some(vector) = &embedding {
            store = store.embedding(vector);
        }
        if let Some(lease) = request.lease_ns {
            store = store.lease(lease);
        }
        let stored = memory.fabric.store(me, region, store, now);
        let version = stored.map_err(|e| memory.error(&e))?;
        i64::try_from(version).map_err(|_| Error::InvalidArgument)
    })
}

pub(super) fn memory_query(
    caller: &mut Caller<'_, AgentCtx>,
    handle: u32,
    ptr: i32,
    len: i32,
    out: i32,
    cap: i32,
) -> SysResult {
    let name = region_name(caller, handle, rights::READ)?;
    let bytes = read(caller, ptr, len, MAX_PAYLOAD)?;
    let request: MemoryQueryRequest = aios_abi::decode(&bytes)?;
    allowed(caller, "memory_query", &name, 0)?;
    let text_vector = match &request.text {
        Some(text) => Some(embed_for(caller, text)?),
        None => None,
    };
    let me = actor(&caller.data().subject.name);
    let hits = with_memory(caller, |memory, _| {
        let region = memory.region(&name, me, None)?;
        let Some(region) = region else {
            // Nobody has stored into this region yet: it holds nothing.
            return match request.key {
                Some(_) => Err(Error::NotFound),
                None => Ok(Vec::new()),
            };
        };
        if let Some(key) = &request.key {
            let entry = memory
                .fabric
                .get(me, region, key, request.version)
                .map_err(|e| to_abi(&e))?;
            return Ok(alloc::vec![hit(entry, 1.0)]);
        }
        let query = Query {
            tags: request.tags.clone(),
            vector: request.vector.clone(),
            text_vector,
            k: match request.k {
                0 => 10,
                k => k.min(MAX_HITS),
            } as usize,
            min_score: request.min_score_permille as f32 / 1000.0,
        };
        let found = memory
            .fabric
            .query(me, &[region], &query)
            .map_err(|e| to_abi(&e))?;
        Ok(found.iter().map(|h| hit(h.entry, h.score)).collect())
    })?;
    write_reply(caller, out, cap, &aios_abi::encode(&MemoryHits { hits }))
}
