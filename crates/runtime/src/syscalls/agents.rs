//! Syscalls about the caller and other agents: null, log, clock, yield,
//! sleep, exit, spawn, kill, info, list, memory.

use super::{SysResult, context, permit, require, require_view};
use crate::AgentCtx;
use crate::guard::Operation;
use crate::memory::{MAX_PAYLOAD, read, write_reply};
use crate::park::Park;
use crate::resume::{Step, end_slice};
use aios_abi::payload::{AgentList, CapKind, SpawnRequest, rights};
use aios_abi::{Error, Handle, SELF};
use aios_cap::Resource;
use aios_engine::wasmtime::{self, Caller};

/// Longest log line accepted.
const MAX_LOG: usize = 4096;

/// `null`: nothing, for measuring the syscall path.
pub(super) fn null(caller: &Caller<'_, AgentCtx>) -> SysResult {
    permit(caller, Operation::plain("null")).map(|()| 0)
}

/// `clock`: nanoseconds since boot.
pub(super) fn clock(caller: &Caller<'_, AgentCtx>) -> Result<i64, Error> {
    permit(caller, Operation::plain("clock"))?;
    Ok(context(caller).map_or(0, |(rt, _)| rt.inner.platform.now_ns() as i64))
}

/// `yield`: ends the caller's slice. (It takes the caller as `&mut`
/// because the future holds it and must be `Send`.)
pub(super) async fn yield_now(caller: &mut Caller<'_, AgentCtx>) -> SysResult {
    permit(caller, Operation::plain("yield"))?;
    Ok(end_slice().await)
}

/// `agent_exit`: stops the caller by trapping with its exit status.
pub(super) fn agent_exit(caller: &Caller<'_, AgentCtx>, status: i32) -> wasmtime::Result<i32> {
    if let Err(error) = permit(caller, Operation::plain("agent_exit")) {
        return Ok(error.code());
    }
    Err(wasmtime::Error::new(Park::Exit(status)))
}

/// An Agent capability for agent `id`, derived from the caller's System
/// capability: only its INSPECT and KILL rights carry over.
pub(super) fn agent_handle(caller: &Caller<'_, AgentCtx>, system: u32, id: i64) -> SysResult {
    let id = u64::try_from(id).map_err(|_| Error::InvalidArgument)?;
    let view = require_view(caller, system, CapKind::System, 0)?;
    permit(caller, Operation::plain("agent_handle"))?;
    let (rt, me) = context(caller)?;
    let mut state = rt.inner.state.lock();
    let granted = view.rights & (rights::INSPECT | rights::KILL);
    if granted == 0 {
        return Err(Error::PermissionDenied);
    }
    if !state.agents.contains_key(&id) {
        return Err(Error::NotFound);
    }
    let handle = state
        .caps
        .mint(me, Resource::Agent(id), granted, None, None)?;
    Ok(handle.raw() as i32)
}

pub(super) fn image_list(
    caller: &mut Caller<'_, AgentCtx>,
    system: u32,
    out: i32,
    cap: i32,
) -> SysResult {
    require(caller, system, CapKind::System, rights::INSPECT)?;
    permit(caller, Operation::plain("image_list"))?;
    let (rt, _) = context(caller)?;
    let reply = aios_abi::payload::ImageList {
        images: rt.image_infos(),
    };
    write_reply(caller, out, cap, &aios_abi::encode(&reply))
}

/// `sleep`: parks the caller until `ns` nanoseconds from now.
pub(super) fn sleep(caller: &mut Caller<'_, AgentCtx>, (ns,): (i64,)) -> Step<i32> {
    let Ok(ns) = u64::try_from(ns) else {
        return Step::Done(Error::InvalidArgument.code());
    };
    if let Err(error) = permit(caller, Operation::plain("sleep")) {
        return Step::Done(error.code());
    }
    let now = context(caller).map_or(0, |(rt, _)| rt.inner.platform.now_ns());
    Step::Park(Park::Sleep {
        until: now.saturating_add(ns),
    })
}

pub(super) fn log(caller: &Caller<'_, AgentCtx>, level: i32, ptr: i32, len: i32) -> SysResult {
    if !(aios_abi::log_level::ERROR..=aios_abi::log_level::DEBUG).contains(&level) {
        return Err(Error::InvalidArgument);
    }
    let bytes = read(caller, ptr, len, MAX_LOG)?;
    permit(
        caller,
        Operation {
            size: bytes.len() as u64,
            ..Operation::plain("log")
        },
    )?;
    let text = core::str::from_utf8(&bytes).map_err(|_| Error::InvalidArgument)?;
    let (rt, me) = context(caller)?;
    let name = &caller.data().subject.name;
    rt.inner.platform.log(me, name, level, text);
    Ok(0)
}

/// The agent id a handle designates (SELF = the caller), if the caller
/// holds it with `needed` rights.
pub(super) fn target(
    caller: &Caller<'_, AgentCtx>,
    handle: u32,
    needed: u32,
) -> Result<u64, Error> {
    let (_, me) = context(caller)?;
    if handle == SELF {
        return Ok(me);
    }
    match require_view(caller, handle, CapKind::Agent, needed)?.resource {
        Resource::Agent(id) => Ok(id),
        _ => Err(Error::WrongKind),
    }
}

pub(super) fn agent_spawn(caller: &Caller<'_, AgentCtx>, ptr: i32, len: i32) -> SysResult {
    let request: SpawnRequest = aios_abi::decode(&read(caller, ptr, len, MAX_PAYLOAD)?)?;
    let (rt, me) = context(caller)?;
    let now = rt.inner.platform.now_ns();
    let budget = Handle(request.budget);
    let view = require_view(caller, request.budget, CapKind::SpawnBudget, rights::SPAWN)?;
    if view.quota == Some(0) {
        return Err(Error::QuotaExceeded);
    }
    permit(caller, Operation::on("agent_spawn", &request.name))?;
    let child = rt
        .spawn_replacing(&request.name, Some(me), request.restart_of)
        .map_err(|e| e.code())?;
    let mut state = rt.inner.state.lock();
    if let Err(e) = state.caps.consume(me, budget, 1, now) {
        drop(state);
        rt.kill(child);
        return Err(e.into());
    }
    let handle = state.caps.mint(
        me,
        Resource::Agent(child),
        rights::KILL | rights::INSPECT | rights::GRANT,
        None,
        None,
    );
    match handle {
        Ok(h) => Ok(h.raw() as i32),
        Err(e) => {
            drop(state);
            rt.kill(child);
            Err(e.into())
        }
    }
}

pub(super) fn agent_kill(caller: &Caller<'_, AgentCtx>, handle: u32) -> SysResult {
    let id = target(caller, handle, rights::KILL)?;
    permit(caller, Operation::plain("agent_kill"))?;
    let (rt, _) = context(caller)?;
    // The handle proved the agent existed; if it has already stopped (and
    // perhaps been forgotten), killing it is not an error.
    rt.kill(id);
    Ok(0)
}

pub(super) fn agent_info(
    caller: &mut Caller<'_, AgentCtx>,
    handle: u32,
    out: i32,
    cap: i32,
) -> SysResult {
    let id = target(caller, handle, rights::INSPECT)?;
    permit(caller, Operation::plain("agent_info"))?;
    let (rt, _) = context(caller)?;
    let info = rt.info(id).ok_or(Error::NotFound)?;
    write_reply(caller, out, cap, &aios_abi::encode(&info))
}

pub(super) fn agent_list(
    caller: &mut Caller<'_, AgentCtx>,
    system: u32,
    out: i32,
    cap: i32,
) -> SysResult {
    require(caller, system, CapKind::System, rights::INSPECT)?;
    permit(caller, Operation::plain("agent_list"))?;
    let (rt, _) = context(caller)?;
    let reply = AgentList { agents: rt.list() };
    write_reply(caller, out, cap, &aios_abi::encode(&reply))
}

pub(super) fn agent_mem_alloc(caller: &mut Caller<'_, AgentCtx>, pages: i32) -> SysResult {
    let pages = u64::try_from(pages).map_err(|_| Error::InvalidArgument)?;
    permit(
        caller,
        Operation {
            size: pages.saturating_mul(aios_abi::WASM_PAGE),
            ..Operation::plain("agent_mem_alloc")
        },
    )?;
    let memory = caller.data().memory.ok_or(Error::NotSupported)?;
    let previous = memory
        .grow(&mut *caller, pages)
        .map_err(|_| Error::QuotaExceeded)?;
    i32::try_from(previous).map_err(|_| Error::BadLength)
}
