//! The AIOS syscall ABI, defined once for the kernel and every SDK.
//!
//! Agents are WebAssembly modules. Syscalls are functions they import from
//! the module [`MODULE`] (`"aios"`). Arguments are integers, handles
//! (`u32`) and `(pointer, length)` pairs into the agent's own linear memory;
//! structured requests and replies are CBOR ([`payload`]). Every syscall
//! returns an `i32` or `i64` where a negative value is an [`Error`] code and
//! a non-negative one is the result. `docs/abi.md` describes each call.
//!
//! Each syscall is declared once, in the table [`for_each_syscall!`]: it
//! generates [`Syscall`] and [`SYSCALLS`] here, the kernel's host
//! functions and the Rust SDK's imports, so that they cannot disagree.
#![no_std]

extern crate alloc;

mod error;
mod handle;
pub mod listing;
pub mod payload;
mod syscall;
mod table;

pub use error::Error;
pub use handle::Handle;
pub use syscall::{
    API_OPERATIONS, CLUSTER_OPERATIONS, RESERVED, SELF, SYSCALLS, Syscall, ValType, send_flags,
};

/// The Wasm import module every syscall lives in.
pub const MODULE: &str = "aios";

/// The function an agent exports as its entry point: `fn() -> i32`, the
/// return value being the exit code.
pub const ENTRY_POINT: &str = "aios_main";

/// Wasm page size (64 KiB): the unit of agent memory and its quota.
pub const WASM_PAGE: u64 = 65_536;

/// Log levels accepted by [`Syscall::LOG`].
pub mod log_level {
    /// Errors.
    pub const ERROR: i32 = 1;
    /// Warnings.
    pub const WARN: i32 = 2;
    /// Information.
    pub const INFO: i32 = 3;
    /// Debug detail.
    pub const DEBUG: i32 = 4;
}

/// Encodes a value as CBOR.
pub fn encode<T: minicbor::Encode<()>>(value: &T) -> alloc::vec::Vec<u8> {
    // Encoding into a Vec cannot fail: the writer is infallible.
    minicbor::to_vec(value).unwrap_or_default()
}

/// Decodes CBOR, mapping any failure to [`Error::MalformedPayload`].
pub fn decode<'b, T: minicbor::Decode<'b, ()>>(bytes: &'b [u8]) -> Result<T, Error> {
    minicbor::decode(bytes).map_err(|_| Error::MalformedPayload)
}
