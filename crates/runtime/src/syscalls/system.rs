//! Device and system syscalls: console, system information, power.

use super::{SysResult, context, permit, require};
use crate::AgentCtx;
use crate::guard::Operation;
use crate::memory::{MAX_PAYLOAD, read, write_reply};
use crate::park::Park;
use crate::resume::Step;
use aios_abi::Error;
use aios_abi::payload::{CapKind, rights};
use aios_engine::wasmtime::Caller;

pub(super) fn console_write(
    caller: &Caller<'_, AgentCtx>,
    console: u32,
    ptr: i32,
    len: i32,
) -> SysResult {
    require(caller, console, CapKind::Console, rights::WRITE)?;
    let bytes = read(caller, ptr, len, MAX_PAYLOAD)?;
    permit(
        caller,
        Operation {
            size: bytes.len() as u64,
            ..Operation::plain("console_write")
        },
    )?;
    let (rt, _) = context(caller)?;
    rt.inner.platform.console_write(&bytes);
    i32::try_from(bytes.len()).map_err(|_| Error::BadLength)
}

pub(super) fn console_read(
    caller: &mut Caller<'_, AgentCtx>,
    (console, out, cap, timeout): (i32, i32, i32, i64),
) -> Step<i32> {
    let checked = require(caller, console as u32, CapKind::Console, rights::READ)
        .and_then(|()| permit(caller, Operation::plain("console_read")))
        .and_then(|()| u64::try_from(timeout).map_err(|_| Error::InvalidArgument))
        .and_then(|t| {
            let ptr = u32::try_from(out).map_err(|_| Error::BadPointer)?;
            let room = u32::try_from(cap).map_err(|_| Error::BadLength)?;
            Ok((t, ptr, room))
        });
    let (timeout, ptr, room) = match checked {
        Ok(v) => v,
        Err(e) => return Step::Done(e.code()),
    };
    let Ok((rt, _)) = context(caller) else {
        return Step::Done(Error::NotSupported.code());
    };
    let mut buf = alloc::vec![0u8; room.min(4096) as usize];
    let n = rt.inner.platform.console_read(&mut buf);
    if n > 0 {
        return Step::Done(write_reply(caller, out, cap, &buf[..n]).unwrap_or_else(Error::code));
    }
    if timeout == 0 {
        return Step::Done(Error::WouldBlock.code());
    }
    let deadline = rt.inner.platform.now_ns().saturating_add(timeout);
    Step::Park(Park::ConsoleRead {
        ptr,
        cap: room,
        deadline,
    })
}

pub(super) fn system_info(
    caller: &mut Caller<'_, AgentCtx>,
    system: u32,
    out: i32,
    cap: i32,
) -> SysResult {
    require(caller, system, CapKind::System, rights::INSPECT)?;
    permit(caller, Operation::plain("system_info"))?;
    let (rt, _) = context(caller)?;
    let info = rt.inner.platform.system_info();
    write_reply(caller, out, cap, &aios_abi::encode(&info))
}

pub(super) fn system_poweroff(caller: &Caller<'_, AgentCtx>, system: u32) -> SysResult {
    require(caller, system, CapKind::System, rights::CONTROL)?;
    permit(caller, Operation::plain("system_poweroff"))?;
    let (rt, _) = context(caller)?;
    // Acknowledged writes are durable already; a checkpoint spares the
    // next boot the journal replay. Failing it loses nothing, so the
    // machine still goes off.
    rt.inner.flush_audit();
    let _ = rt.inner.storage.sync();
    Err(rt.inner.platform.power_off())
}
