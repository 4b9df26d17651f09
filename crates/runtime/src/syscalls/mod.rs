//! The syscalls: host functions in module `aios`, one per entry of the
//! ABI's table, each the handler named after it (`register.rs` generates
//! the linker from the table). Each validates its arguments, checks the
//! caller's capability where the call touches anything beyond the caller
//! itself, and returns a non-negative result or a negative
//! `aios_abi::Error`.

mod agents;
mod ai;
mod audit;
mod caps;
mod guard;
mod ipc;
mod memory;
mod net;
mod register;
mod store;
mod system;
mod tokens;

pub(crate) use caps::cap_infos;
pub(crate) use net::{net_outcome, ping_outcome};
pub(crate) use register::linker;

/// Every handler, named after the syscall it carries out.
mod handlers {
    pub(super) use super::{
        agents::*, ai::*, audit::*, caps::*, guard::*, ipc::*, memory::*, net::*, store::*,
        system::*, tokens::*,
    };
}

use crate::guard::Operation;
use crate::{AgentCtx, Inner, Runtime};
use aios_abi::payload::CapKind;
use aios_abi::{Error, Handle};
use aios_engine::wasmtime::Caller;
use alloc::sync::Arc;

/// What most handlers return: the result, or the error whose code the
/// agent gets.
pub(crate) type SysResult = Result<i32, Error>;

/// The runtime and the calling agent's id.
pub(crate) fn context(caller: &Caller<'_, AgentCtx>) -> Result<(Runtime, u64), Error> {
    let inner: Arc<Inner> = caller.data().runtime.upgrade().ok_or(Error::NotSupported)?;
    Ok((Runtime { inner }, caller.data().id))
}

/// Checks that the caller holds `handle` as a capability of `kind` with
/// `needed` rights. A refusal is audited and counted against the caller.
pub(crate) fn require(
    caller: &Caller<'_, AgentCtx>,
    handle: u32,
    kind: CapKind,
    needed: u32,
) -> Result<(), Error> {
    require_view(caller, handle, kind, needed).map(|_| ())
}

/// Like [`require`], returning the capability.
pub(crate) fn require_view(
    caller: &Caller<'_, AgentCtx>,
    handle: u32,
    kind: CapKind,
    needed: u32,
) -> Result<aios_cap::CapView, Error> {
    let (rt, me) = context(caller)?;
    let now = rt.inner.platform.now_ns();
    let checked = rt
        .inner
        .state
        .lock()
        .caps
        .check(me, Handle(handle), kind, needed, now);
    checked.map_err(|error| {
        rt.inner
            .capability_denied(me, &caller.data().subject.name, kind, handle, error);
        Error::from(error)
    })
}

/// Runs the policy engine on the caller's operation (after its
/// capability check passed), or finds the allow in the caller's cache.
/// Inlined into each syscall so the cached allow costs no call.
#[inline(always)]
pub(crate) fn permit(caller: &Caller<'_, AgentCtx>, op: Operation<'_>) -> Result<(), Error> {
    if caller.data().decisions.allows(&op) {
        return Ok(());
    }
    decide(caller, op)
}

/// The policy engine's decision on what the cache did not know; kept out
/// of line so the cached path stays small.
#[cold]
#[inline(never)]
fn decide(caller: &Caller<'_, AgentCtx>, op: Operation<'_>) -> Result<(), Error> {
    let ctx = caller.data();
    let (rt, me) = context(caller)?;
    rt.inner.decide(me, &ctx.subject, op, &ctx.decisions)
}
