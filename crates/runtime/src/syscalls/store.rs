//! Object-store syscalls: `store_put`, `store_get`, `store_delete`,
//! `store_list`, `store_snapshot`, `store_rollback`. Each checks a
//! StoreNamespace handle covering the request's namespace, then the
//! policy, then waits for the agent's fair turn at the device.

use super::{SysResult, context, permit, require_view};
use crate::AgentCtx;
use crate::guard::Operation;
use crate::memory::{MAX_PAYLOAD, read, write_reply};
use crate::storage::{
    Mounted, REQUEST_COST, ensure_namespace, list_page, object_info, reserved, to_abi,
};
use aios_abi::Error;
use aios_abi::payload::{
    CapKind, STORE_CHUNK, SnapshotEntry, SnapshotList, SnapshotRequest, StoreData, StoreGet,
    StoreKey, StoreListRequest, StorePut, rights, snapshot_action,
};
use aios_cap::{CapView, Resource};
use aios_engine::wasmtime::Caller;
use aios_store::{ListQuery, PutMeta};
use alloc::vec;
use minicbor::Decode;

/// Namespace name meaning "the whole volume" (snapshots, rollback).
const VOLUME: &str = "*";

/// Reads and decodes a request payload.
fn request<T: for<'b> Decode<'b, ()>>(
    caller: &Caller<'_, AgentCtx>,
    ptr: i32,
    len: i32,
) -> Result<T, Error> {
    let bytes = read(caller, ptr, len, MAX_PAYLOAD)?;
    aios_abi::decode(&bytes)
}

/// The StoreNamespace capability `handle` with `needed` rights: checked
/// before the request is even read, as every syscall checks its handle
/// first.
fn holder(caller: &Caller<'_, AgentCtx>, handle: u32, needed: u32) -> Result<CapView, Error> {
    require_view(caller, handle, CapKind::StoreNamespace, needed)
}

/// Checks that `view` covers namespace `ns` (`aios.*` are the kernel's:
/// nothing covers them) and that the policy allows `op` on it. An
/// uncovered namespace is audited. Returns the capability's byte quota.
fn authorise(
    caller: &Caller<'_, AgentCtx>,
    view: &CapView,
    ns: &str,
    op: &'static str,
    size: u64,
) -> Result<Option<u64>, Error> {
    if reserved(ns) {
        return Err(Error::PermissionDenied);
    }
    let Resource::StoreNamespace(pattern) = &view.resource else {
        return Err(Error::WrongKind);
    };
    let covered = if ns == VOLUME {
        pattern == VOLUME
    } else {
        aios_ipc::pattern_matches(pattern, ns)
    };
    if !covered {
        let (rt, me) = context(caller)?;
        rt.inner.audit(
            aios_audit::Kind::Denial,
            me,
            &alloc::format!("{op}: handle for namespace {pattern} does not cover {ns}"),
        );
        return Err(Error::PermissionDenied);
    }
    permit(
        caller,
        Operation {
            name: op,
            resource: Some(ns),
            size,
            schema: None,
        },
    )?;
    Ok(view.quota)
}

pub(super) fn store_put(
    caller: &Caller<'_, AgentCtx>,
    handle: u32,
    ptr: i32,
    len: i32,
) -> SysResult {
    let view = holder(caller, handle, rights::WRITE)?;
    let put: StorePut = request(caller, ptr, len)?;
    if put.data.len() > STORE_CHUNK {
        return Err(Error::BadLength);
    }
    let size = put.data.len() as u64;
    let cap_quota = authorise(caller, &view, &put.ns, "store_put", size)?;
    let (rt, me) = context(caller)?;
    let agent_quota = rt
        .inner
        .state
        .lock()
        .agents
        .get(&me)
        .map_or(0, |a| a.quota.quotas().storage_bytes);
    let quota = cap_quota.map_or(agent_quota, |q| q.min(agent_quota));
    let now = rt.inner.platform.now_ns();
    let turn = rt.inner.storage.turn(me, size + REQUEST_COST, now)?;
    turn.with(|mounted| put_chunk(mounted, me, put, quota, now))??;
    Ok(0)
}

/// Writes one chunk: a whole object, or the first, a middle or the last
/// chunk of an upload.
fn put_chunk(
    mounted: &mut Mounted,
    agent: u64,
    put: StorePut,
    quota: u64,
    now: u64,
) -> Result<(), Error> {
    if put.offset == 0 {
        ensure_namespace(mounted, &put.ns, quota, now)?;
    }
    let Mounted { store, uploads } = mounted;
    let id = (agent, put.ns.clone(), put.key.clone());
    let meta = PutMeta {
        content_type: put.content_type,
        tags: put.tags,
        embedding: put.embedding,
    };
    if put.offset == 0 {
        if let Some(stale) = uploads.remove(&id) {
            store.abort(stale);
        }
        if put.last {
            return store
                .put(&put.ns, &put.key, &put.data, &meta, now)
                .map(|_| ())
                .map_err(|e| to_abi(&e));
        }
        let open = uploads.keys().filter(|k| k.0 == agent).count();
        if open >= crate::storage::MAX_UPLOADS {
            return Err(Error::QuotaExceeded);
        }
        let mut upload = store
            .begin(&put.ns, &put.key, &meta, now)
            .map_err(|e| to_abi(&e))?;
        if let Err(e) = store.write_chunk(&mut upload, &put.data) {
            store.abort(upload);
            return Err(to_abi(&e));
        }
        uploads.insert(id, upload);
        return Ok(());
    }
    let mut upload = uploads.remove(&id).ok_or(Error::InvalidArgument)?;
    if upload.written() != put.offset {
        // Out of order: the upload is abandoned, the agent starts again.
        store.abort(upload);
        return Err(Error::InvalidArgument);
    }
    if let Err(e) = store.write_chunk(&mut upload, &put.data) {
        store.abort(upload);
        return Err(to_abi(&e));
    }
    if put.last {
        store.finish(upload, now).map_err(|e| to_abi(&e))?;
    } else {
        uploads.insert(id, upload);
    }
    Ok(())
}

pub(super) fn store_get(
    caller: &mut Caller<'_, AgentCtx>,
    handle: u32,
    ptr: i32,
    len: i32,
    out: i32,
    cap: i32,
) -> SysResult {
    let view = holder(caller, handle, rights::READ)?;
    let get: StoreGet = request(caller, ptr, len)?;
    authorise(caller, &view, &get.ns, "store_get", 0)?;
    let max = match get.max {
        0 => STORE_CHUNK,
        n => (n as usize).min(STORE_CHUNK),
    };
    let (rt, me) = context(caller)?;
    let now = rt.inner.platform.now_ns();
    let turn = rt.inner.storage.turn(me, max as u64 + REQUEST_COST, now)?;
    let reply = turn.with(|mounted| read_range(mounted, &get, max))??;
    drop(turn);
    write_reply(caller, out, cap, &aios_abi::encode(&reply))
}

fn read_range(mounted: &mut Mounted, get: &StoreGet, max: usize) -> Result<StoreData, Error> {
    let at = get.snapshot.as_deref();
    let store = &mut mounted.store;
    let info = store.stat(&get.ns, &get.key, at).map_err(|e| to_abi(&e))?;
    let left = info.size.saturating_sub(get.offset);
    let mut data = vec![0u8; left.min(max as u64) as usize];
    let read = store
        .read(&get.ns, &get.key, at, get.offset, &mut data)
        .map_err(|e| to_abi(&e))?;
    data.truncate(read);
    let embedding = if get.offset == 0 && info.has_embedding {
        store
            .get(&get.ns, &get.key, at)
            .map_err(|e| to_abi(&e))?
            .embedding
    } else {
        None
    };
    Ok(StoreData {
        info: object_info(info),
        offset: get.offset,
        data,
        embedding,
    })
}

pub(super) fn store_delete(
    caller: &Caller<'_, AgentCtx>,
    handle: u32,
    ptr: i32,
    len: i32,
) -> SysResult {
    let view = holder(caller, handle, rights::WRITE)?;
    let key: StoreKey = request(caller, ptr, len)?;
    authorise(caller, &view, &key.ns, "store_delete", 0)?;
    let (rt, me) = context(caller)?;
    let now = rt.inner.platform.now_ns();
    let turn = rt.inner.storage.turn(me, REQUEST_COST, now)?;
    turn.with(|m| m.store.delete(&key.ns, &key.key, now))?
        .map_err(|e| to_abi(&e))?;
    Ok(0)
}

pub(super) fn store_list(
    caller: &mut Caller<'_, AgentCtx>,
    handle: u32,
    ptr: i32,
    len: i32,
    out: i32,
    cap: i32,
) -> SysResult {
    let view = holder(caller, handle, rights::READ)?;
    let list: StoreListRequest = request(caller, ptr, len)?;
    authorise(caller, &view, &list.ns, "store_list", 0)?;
    let query = ListQuery {
        prefix: list.prefix,
        tags: list.tags,
        after: list.after,
        limit: 0,
    };
    let (rt, me) = context(caller)?;
    let now = rt.inner.platform.now_ns();
    let turn = rt.inner.storage.turn(me, REQUEST_COST, now)?;
    let listing = turn
        .with(|m| list_page(m, &list.ns, query, list.snapshot.as_deref(), list.limit))?
        .map_err(|e| to_abi(&e))?;
    drop(turn);
    write_reply(caller, out, cap, &aios_abi::encode(&listing))
}

pub(super) fn store_snapshot(
    caller: &mut Caller<'_, AgentCtx>,
    handle: u32,
    ptr: i32,
    len: i32,
    out: i32,
    cap: i32,
) -> SysResult {
    // Listing needs READ, the rest CONTROL: the handle is checked for
    // READ first, then for what the request turns out to need.
    holder(caller, handle, rights::READ)?;
    let req: SnapshotRequest = request(caller, ptr, len)?;
    if req.action > snapshot_action::LIST {
        return Err(Error::InvalidArgument);
    }
    let needed = if req.action == snapshot_action::LIST {
        rights::READ
    } else {
        rights::CONTROL
    };
    let view = holder(caller, handle, needed)?;
    authorise(caller, &view, &req.ns, "store_snapshot", 0)?;
    let (rt, me) = context(caller)?;
    let now = rt.inner.platform.now_ns();
    let turn = rt.inner.storage.turn(me, REQUEST_COST, now)?;
    let volume = req.ns == VOLUME;
    let listing = turn.with(|m| -> Result<Option<SnapshotList>, aios_store::Error> {
        let store = &mut m.store;
        match (req.action, volume) {
            (snapshot_action::CREATE, false) => store.snapshot(&req.ns, &req.name, now)?,
            (snapshot_action::CREATE, true) => store.snapshot_volume(&req.name, now)?,
            (snapshot_action::DELETE, _) => store.delete_snapshot(&req.ns, &req.name)?,
            _ => {
                let snapshots = store
                    .snapshots(&req.ns)?
                    .into_iter()
                    .map(|s| SnapshotEntry {
                        name: s.name,
                        created_ns: s.created,
                    })
                    .collect();
                return Ok(Some(SnapshotList { snapshots }));
            }
        }
        Ok(None)
    })?;
    drop(turn);
    match listing.map_err(|e| to_abi(&e))? {
        Some(list) => write_reply(caller, out, cap, &aios_abi::encode(&list)),
        None => Ok(0),
    }
}

pub(super) fn store_rollback(
    caller: &Caller<'_, AgentCtx>,
    handle: u32,
    ptr: i32,
    len: i32,
) -> SysResult {
    let view = holder(caller, handle, rights::CONTROL)?;
    let req: SnapshotRequest = request(caller, ptr, len)?;
    authorise(caller, &view, &req.ns, "store_rollback", 0)?;
    let (rt, me) = context(caller)?;
    let now = rt.inner.platform.now_ns();
    let turn = rt.inner.storage.turn(me, REQUEST_COST, now)?;
    turn.with(|m| {
        if req.ns == VOLUME {
            m.store.rollback_volume(&req.name, now)
        } else {
            m.store.rollback(&req.ns, &req.name, now)
        }
    })?
    .map_err(|e| to_abi(&e))?;
    Ok(0)
}
