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
//! offers just its pure helpers (result mapping, reply buffers, exit codes,
//! message envelopes, policy refusals), which is what its host tests cover.
//! This is the one guest crate with `unsafe`: the foreign imports in `sys`.
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod entry;
pub mod envelope;
mod log;
mod refusal;
pub mod reply;
pub mod status;
mod sys;

#[cfg(target_arch = "wasm32")]
mod agent;
#[cfg(target_arch = "wasm32")]
mod ai;
#[cfg(target_arch = "wasm32")]
mod cap;
#[cfg(target_arch = "wasm32")]
mod governance;
#[cfg(target_arch = "wasm32")]
pub mod infer;
#[cfg(target_arch = "wasm32")]
mod messaging;
#[cfg(target_arch = "wasm32")]
mod net;
#[cfg(target_arch = "wasm32")]
mod observe;
#[cfg(target_arch = "wasm32")]
pub mod store;
#[cfg(target_arch = "wasm32")]
mod system;
#[cfg(target_arch = "wasm32")]
mod tokens;

pub use aios_abi::payload::rights;
pub use aios_abi::payload::{
    AgentInfo, AgentState, CapInfo, CapKind, GrantRequest, ImageInfo, SystemInfo, restart_mode,
};
pub use aios_abi::payload::{
    AuditEntry, AuditRecords, AuditVerdict, EventFilter, IpcCounters, IpcStats, LATENCY_BOUNDS_NS,
    RecvFilter, TraceEntry, TraceList,
};
pub use aios_abi::payload::{ChatMessage, InferRequest, InferToken, finish};
pub use aios_abi::payload::{Datagram, NetEndpointInfo, NetInfo, PingReply};
pub use aios_abi::payload::{MemoryHit, MemoryHits, MemoryQueryRequest, MemoryStoreRequest};
pub use aios_abi::payload::{
    STORE_CHUNK, SnapshotEntry, StoreData, StoreListRequest, StoreListing, StoreObjectInfo,
};
pub use aios_abi::payload::{TokenInfo, TokenList, TokenMinted, TokenOrigin, TokenRequest};
pub use aios_abi::{Error, Handle, send_flags};
pub use aios_events::Event;
pub use aios_ipc::{Context, Destination, Message};
#[doc(hidden)]
pub use entry::__start;
pub use entry::ExitCode;
pub use log::Level;
pub use minicbor;
pub use refusal::{PolicyRefusal, TokenRefusal};

#[cfg(target_arch = "wasm32")]
pub use agent::{
    SELF, agent_handle, agent_info, agent_list, exit, image_list, kill, mem_alloc, memory_pages,
    my_id, respawn, spawn,
};
#[cfg(target_arch = "wasm32")]
pub use ai::{embed, memory_query, memory_store};
#[cfg(target_arch = "wasm32")]
pub use cap::{cap_grant, cap_list, cap_revoke, find_cap};
#[cfg(target_arch = "wasm32")]
pub use governance::{MAX_EXPORT, audit_export, audit_tail, audit_verify, policy_set};
#[cfg(target_arch = "wasm32")]
pub use infer::{Generation, infer};
#[cfg(target_arch = "wasm32")]
pub use log::log;
#[cfg(target_arch = "wasm32")]
pub use messaging::{APPROVAL_WAIT_NS, intent_cap, recv, reply, request, request_with, send};
#[cfg(target_arch = "wasm32")]
pub use net::{TcpListener, TcpStream, UdpSocket, endpoint_info, net_cap, net_info, ping};
#[cfg(target_arch = "wasm32")]
pub use observe::{event_next, event_subscribe, ipc_stats, ipc_trace};
#[cfg(target_arch = "wasm32")]
pub use system::{
    clock_ns, console_read, console_write, null, sleep, sleep_ns, system_info, system_poweroff,
    yield_now,
};
#[cfg(target_arch = "wasm32")]
pub use tokens::{token_list, token_new, token_revoke};
