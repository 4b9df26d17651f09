//! The syscalls: host functions in module `aios`, one per entry of
//! `aios_abi::SYSCALLS`. Each validates its arguments, checks the caller's
//! capability where the call touches anything beyond the caller itself,
//! and returns a non-negative result or a negative `aios_abi::Error`.

mod agents;
mod caps;
mod system;

pub(crate) use caps::cap_infos;

use crate::{AgentCtx, Inner, Runtime};
use aios_abi::payload::CapKind;
use aios_abi::{Error, Handle, MODULE};
use alloc::sync::Arc;
use wasmi::{Caller, Engine, Linker};

/// Result of a syscall as the agent sees it.
pub(crate) type SysResult = Result<i32, Error>;

/// Builds the linker with every syscall.
pub(crate) fn linker(engine: &Engine) -> Linker<AgentCtx> {
    let mut linker = Linker::new(engine);
    let registered = agents::register(&mut linker)
        .and_then(|()| caps::register(&mut linker))
        .and_then(|()| system::register(&mut linker));
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
pub(crate) fn code(result: SysResult) -> Result<i32, wasmi::Error> {
    Ok(result.unwrap_or_else(Error::code))
}

/// Registers a host function in module `aios`.
pub(crate) fn wrap<Params, Results>(
    linker: &mut Linker<AgentCtx>,
    name: &str,
    func: impl wasmi::IntoFunc<AgentCtx, Params, Results>,
) -> Result<(), wasmi::errors::LinkerError> {
    linker.func_wrap(MODULE, name, func).map(|_| ())
}

/// Checks that the caller holds `handle` as a capability of `kind` with
/// `needed` rights.
pub(crate) fn require(
    caller: &Caller<'_, AgentCtx>,
    handle: u32,
    kind: CapKind,
    needed: u32,
) -> Result<(), Error> {
    let (rt, me) = context(caller)?;
    let now = rt.inner.platform.now_ns();
    rt.inner
        .state
        .lock()
        .caps
        .check(me, Handle(handle), kind, needed, now)?;
    Ok(())
}
