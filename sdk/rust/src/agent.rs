//! Agent lifecycle syscalls: spawn, kill, exit, inspection and memory.

use crate::reply::query;
use crate::status::check;
use aios_abi::payload::{AgentInfo, AgentList, ImageInfo, ImageList, SpawnRequest};
use aios_abi::{Error, Handle};
use std::string::ToString;
use std::vec::Vec;

/// The handle that means "the calling agent itself".
pub const SELF: Handle = Handle(aios_abi::SELF);

/// First guess at the size of one encoded `AgentInfo`.
const INFO_REPLY: usize = 256;
/// First guess at the size of an encoded `AgentList`.
const LIST_REPLY: usize = 8192;

/// Starts the agent image `name` from the boot bundle, charging one spawn
/// to the `budget` capability (kind spawn-budget, right spawn). Returns a
/// handle to the new agent.
pub fn spawn(name: &str, budget: Handle) -> Result<Handle, Error> {
    spawn_request(&SpawnRequest {
        name: name.to_string(),
        budget: budget.raw(),
        restart_of: None,
    })
}

/// Restarts `name` in place of the finished agent `replaces` (its id): as
/// [`spawn`], and the new agent's restart count continues from the old
/// one's. For supervisors.
pub fn respawn(name: &str, budget: Handle, replaces: u64) -> Result<Handle, Error> {
    spawn_request(&SpawnRequest {
        name: name.to_string(),
        budget: budget.raw(),
        restart_of: Some(replaces),
    })
}

fn spawn_request(request: &SpawnRequest) -> Result<Handle, Error> {
    let request = aios_abi::encode(request);
    // SAFETY: `request` is a live buffer of `request.len()` bytes for the
    // whole call; the kernel only reads it.
    let ret = unsafe { crate::sys::agent_spawn(request.as_ptr(), request.len()) };
    check(ret).map(Handle)
}

/// Stops the agent behind `agent` (needs the kill right).
pub fn kill(agent: Handle) -> Result<(), Error> {
    check(crate::sys::agent_kill(agent.raw())).map(drop)
}

/// Ends the calling agent with `code`.
pub fn exit(code: i32) -> ! {
    crate::sys::agent_exit(code);
    // The kernel never returns from agent_exit; should it ever, trapping is
    // the only way to stop that still ends the agent.
    std::process::abort()
}

/// Facts about the agent behind `agent`, or about the caller for [`SELF`].
pub fn agent_info(agent: Handle) -> Result<AgentInfo, Error> {
    query(INFO_REPLY, |out| {
        // SAFETY: `out` is a live, writable buffer of `out.len()` bytes for
        // the whole call; the kernel writes at most that many.
        unsafe { crate::sys::agent_info(agent.raw(), out.as_mut_ptr(), out.len()) }
    })
}

/// This agent's system-wide id.
pub fn my_id() -> Result<u64, Error> {
    agent_info(SELF).map(|info| info.id)
}

/// Every agent the kernel tracks (needs inspect on a system capability).
pub fn agent_list(system: Handle) -> Result<Vec<AgentInfo>, Error> {
    let list: AgentList = query(LIST_REPLY, |out| {
        // SAFETY: as in `agent_info`: a live, writable buffer of `out.len()`
        // bytes.
        unsafe { crate::sys::agent_list(system.raw(), out.as_mut_ptr(), out.len()) }
    })?;
    Ok(list.agents)
}

/// A handle to any agent by id, derived from a system capability (its
/// inspect and kill rights carry over): how consoles and supervisors reach
/// agents they did not spawn.
pub fn agent_handle(system: Handle, id: u64) -> Result<Handle, Error> {
    check(crate::sys::agent_handle(system.raw(), id)).map(Handle)
}

/// The bundle's agent images: boot flags, dependencies, restart policies.
pub fn image_list(system: Handle) -> Result<Vec<ImageInfo>, Error> {
    let list: ImageList = query(LIST_REPLY, |out| {
        // SAFETY: as in `agent_info`: a live, writable buffer of `out.len()`
        // bytes.
        unsafe { crate::sys::image_list(system.raw(), out.as_mut_ptr(), out.len()) }
    })?;
    Ok(list.images)
}

/// Grows this agent's linear memory by `pages` 64 KiB pages within its
/// memory quota; returns the previous size in pages (the new pages start at
/// byte `previous * 65536`). Refused with [`Error::QuotaExceeded`] past the
/// quota.
pub fn mem_alloc(pages: u32) -> Result<u32, Error> {
    check(crate::sys::agent_mem_alloc(pages))
}

/// The current size of this agent's linear memory, in 64 KiB pages.
pub fn memory_pages() -> u32 {
    let pages = core::arch::wasm32::memory_size::<0>();
    u32::try_from(pages).unwrap_or(u32::MAX)
}
