//! The syscalls: host functions in module `aios`, one per entry of
//! `aios_abi::SYSCALLS`. Each validates its arguments, checks the caller's
//! capability where the call touches anything beyond the caller itself,
//! and returns a non-negative result or a negative `aios_abi::Error`.

mod agents;
mod ai;
mod audit;
mod caps;
mod guard;
mod ipc;
mod memory;
mod store;
mod system;

pub(crate) use caps::cap_infos;

use crate::guard::Operation;
use crate::{AgentCtx, Inner, Runtime};
use aios_abi::payload::CapKind;
use aios_abi::{Error, Handle, MODULE};
use aios_engine::wasmtime::{self, Caller, Engine, Linker};
use alloc::sync::Arc;

/// Result of a syscall as the agent sees it.
pub(crate) type SysResult = Result<i32, Error>;

/// Builds the linker with every syscall.
pub(crate) fn linker(engine: &Engine) -> Linker<AgentCtx> {
    let mut linker = Linker::new(engine);
    let registered = agents::register(&mut linker)
        .and_then(|()| caps::register(&mut linker))
        .and_then(|()| system::register(&mut linker))
        .and_then(|()| ipc::register(&mut linker))
        .and_then(|()| guard::register(&mut linker))
        .and_then(|()| audit::register(&mut linker))
        .and_then(|()| store::register(&mut linker))
        .and_then(|()| ai::register(&mut linker))
        .and_then(|()| memory::register(&mut linker));
    // Registration fails only on a duplicate name, a programming error that
    // would leave agents unable to link (each spawn then reports the missing
    // import); the test `every_abi_syscall_is_defined_for_agents` links a
    // module importing every ABI syscall.
    let _ = registered;
    linker
}

/// The runtime and the calling agent's id.
pub(crate) fn context(caller: &Caller<'_, AgentCtx>) -> Result<(Runtime, u64), Error> {
    let inner: Arc<Inner> = caller.data().runtime.upgrade().ok_or(Error::NotSupported)?;
    Ok((Runtime { inner }, caller.data().id))
}

/// Turns a syscall result into the `i32` returned to Wasm.
pub(crate) fn code(result: SysResult) -> wasmtime::Result<i32> {
    Ok(result.unwrap_or_else(Error::code))
}

/// Registers a host function in module `aios`.
pub(crate) fn wrap<Params, Results>(
    linker: &mut Linker<AgentCtx>,
    name: &str,
    func: impl wasmtime::IntoFunc<AgentCtx, Params, Results>,
) -> wasmtime::Result<()> {
    linker.func_wrap(MODULE, name, func).map(|_| ())
}

/// Registers a syscall that may suspend the agent: `first` does the work
/// and either returns the value or a [`Park`](crate::park::Park); a park
/// suspends the agent's fiber until it resolves (see `resume::finish`).
pub(crate) fn wrap_parking<Params, R>(
    linker: &mut Linker<AgentCtx>,
    name: &str,
    first: fn(&mut Caller<'_, AgentCtx>, Params) -> crate::resume::Step<R>,
) -> wasmtime::Result<()>
where
    Params: wasmtime::WasmTyList + Send + 'static,
    R: wasmtime::WasmTy + crate::resume::Resumed + Send + 'static,
{
    linker
        .func_wrap_async(
            MODULE,
            name,
            move |mut caller: Caller<'_, AgentCtx>, params: Params| {
                alloc::boxed::Box::new(async move {
                    let step = first(&mut caller, params);
                    crate::resume::finish(&mut caller, step).await
                })
            },
        )
        .map(|_| ())
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
pub(crate) fn permit(caller: &Caller<'_, AgentCtx>, op: Operation<'_>) -> Result<(), Error> {
    let ctx = caller.data();
    if ctx.decisions.allows(&op) {
        return Ok(());
    }
    let (rt, me) = context(caller)?;
    rt.inner.decide(me, &ctx.subject, op, &ctx.decisions)
}
