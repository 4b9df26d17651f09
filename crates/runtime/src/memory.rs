//! Checked access to an agent's linear memory from syscalls: every
//! pointer and length an agent passes is validated here.

use crate::AgentCtx;
use aios_abi::Error;
use aios_engine::wasmtime::{self, Caller};
use alloc::vec;
use alloc::vec::Vec;

/// Largest single payload a syscall copies in (1 MiB).
pub(crate) const MAX_PAYLOAD: usize = 1 << 20;

/// The caller's exported linear memory (looked up once, at instantiation).
fn memory(caller: &Caller<'_, AgentCtx>) -> Result<wasmtime::Memory, Error> {
    caller.data().memory.ok_or(Error::BadPointer)
}

/// Validates `(ptr, len)` as a range of at most `max` bytes.
fn range(ptr: i32, len: i32, max: usize) -> Result<(usize, usize), Error> {
    let ptr = usize::try_from(ptr).map_err(|_| Error::BadPointer)?;
    let len = usize::try_from(len).map_err(|_| Error::BadLength)?;
    if len > max {
        return Err(Error::BadLength);
    }
    Ok((ptr, len))
}

/// Copies `len` bytes at `ptr` out of the caller's memory.
pub(crate) fn read(
    caller: &Caller<'_, AgentCtx>,
    ptr: i32,
    len: i32,
    max: usize,
) -> Result<Vec<u8>, Error> {
    let (ptr, len) = range(ptr, len, max)?;
    let memory = memory(caller)?;
    let mut buf = vec![0u8; len];
    memory
        .read(caller, ptr, &mut buf)
        .map_err(|_| Error::BadPointer)?;
    Ok(buf)
}

/// Writes a reply into the caller's buffer `(ptr, cap)`; returns the
/// length written. Nothing is written if it does not fit.
pub(crate) fn write_reply(
    caller: &mut Caller<'_, AgentCtx>,
    ptr: i32,
    cap: i32,
    reply: &[u8],
) -> Result<i32, Error> {
    let (ptr, cap) = range(ptr, cap, i32::MAX as usize)?;
    if reply.len() > cap {
        return Err(Error::BufferTooSmall);
    }
    let memory = memory(caller)?;
    memory
        .write(&mut *caller, ptr, reply)
        .map_err(|_| Error::BadPointer)?;
    i32::try_from(reply.len()).map_err(|_| Error::BadLength)
}

/// Writes bytes at `ptr` in the caller's memory: how a parked syscall
/// delivers what it waited for, into the buffer validated when it parked.
pub(crate) fn write_at(
    caller: &mut Caller<'_, AgentCtx>,
    ptr: u32,
    bytes: &[u8],
) -> Result<(), Error> {
    let memory = memory(caller)?;
    memory
        .write(&mut *caller, ptr as usize, bytes)
        .map_err(|_| Error::BadPointer)
}

/// Validates an input buffer `(ptr, len)` that a parked syscall will read
/// later (at most [`MAX_PAYLOAD`] bytes), as [`out_buffer`] does.
pub(crate) fn in_buffer(
    caller: &Caller<'_, AgentCtx>,
    ptr: i32,
    len: i32,
) -> Result<(u32, u32), Error> {
    let (start, len) = range(ptr, len, MAX_PAYLOAD)?;
    let size = memory(caller)?.data_size(caller);
    let end = start.checked_add(len).ok_or(Error::BadPointer)?;
    if end > size {
        return Err(Error::BadPointer);
    }
    Ok((start as u32, len as u32))
}

/// Reads `buf.len()` bytes at `ptr` of the caller's memory.
pub(crate) fn read_into(
    caller: &Caller<'_, AgentCtx>,
    ptr: u32,
    buf: &mut [u8],
) -> Result<(), Error> {
    memory(caller)?
        .read(caller, ptr as usize, buf)
        .map_err(|_| Error::BadPointer)
}

/// Validates an output buffer `(ptr, cap)` that a parked syscall will fill
/// later: it must lie wholly inside the caller's memory now (memory never
/// shrinks, so it still will).
pub(crate) fn out_buffer(
    caller: &Caller<'_, AgentCtx>,
    ptr: i32,
    cap: i32,
) -> Result<(u32, u32), Error> {
    let (start, len) = range(ptr, cap, i32::MAX as usize)?;
    let size = memory(caller)?.data_size(caller);
    let end = start.checked_add(len).ok_or(Error::BadPointer)?;
    if end > size {
        return Err(Error::BadPointer);
    }
    Ok((start as u32, len as u32))
}
