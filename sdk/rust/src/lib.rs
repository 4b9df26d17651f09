//! The Rust SDK for AIOS agents: safe, typed wrappers for every syscall of
//! `aios_abi`, logging macros and the [`entry!`] convention.
//!
//! An agent is a `cdylib` crate built for `wasm32-unknown-unknown`:
//!
//! ```ignore
//! fn main() -> Result<(), aios_sdk::Error> {
//!     let id = aios_sdk::my_id()?;
//!     aios_sdk::info!("hello from agent {id}");
//!     Ok(())
//! }
//! aios_sdk::entry!(main);
//! ```
//!
//! The syscall wrappers exist only on wasm32; on other targets the crate
//! offers just its pure helpers (result mapping, reply buffers, exit codes),
//! which is what its host tests cover. This is the one guest crate with
//! `unsafe`: the foreign imports in `sys`.
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod entry;
mod log;
pub mod reply;
pub mod status;
mod sys;

#[cfg(target_arch = "wasm32")]
mod agent;
#[cfg(target_arch = "wasm32")]
mod cap;
#[cfg(target_arch = "wasm32")]
mod system;

pub use aios_abi::payload::rights;
pub use aios_abi::payload::{
    AgentInfo, AgentState, CapInfo, CapKind, GrantRequest, ImageInfo, SystemInfo, restart_mode,
};
pub use aios_abi::{Error, Handle};
#[doc(hidden)]
pub use entry::__start;
pub use entry::ExitCode;
pub use log::Level;

#[cfg(target_arch = "wasm32")]
pub use agent::{
    SELF, agent_handle, agent_info, agent_list, exit, image_list, kill, mem_alloc, memory_pages,
    my_id, respawn, spawn,
};
#[cfg(target_arch = "wasm32")]
pub use cap::{cap_grant, cap_list, cap_revoke, find_cap};
#[cfg(target_arch = "wasm32")]
pub use log::log;
#[cfg(target_arch = "wasm32")]
pub use system::{
    clock_ns, console_read, console_write, null, sleep, sleep_ns, system_info, system_poweroff,
    yield_now,
};
