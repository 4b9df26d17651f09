//! The syscalls as data: every import an agent may use, with its
//! signature, generated from the table (`table.rs`).

/// A Wasm value type in a syscall signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValType {
    /// 32-bit integer (also pointers, lengths and handles).
    I32,
    /// 64-bit integer (nanoseconds, sizes).
    I64,
}

use ValType::{I32, I64};

/// One syscall: its import name and Wasm signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Syscall {
    /// Import name in module `aios`.
    pub name: &'static str,
    /// Parameter types.
    pub params: &'static [ValType],
    /// Result type (negative = error code).
    pub result: ValType,
    /// One line on what it does.
    pub summary: &'static str,
}

/// The Wasm value type of an integer a host function takes.
trait WasmValue {
    const TYPE: ValType;
}

impl WasmValue for i32 {
    const TYPE: ValType = I32;
}

impl WasmValue for i64 {
    const TYPE: ValType = I64;
}

/// `safe` or `unsafe` in the table, as "callable without `unsafe`".
macro_rules! is_safe {
    (safe) => {
        true
    };
    (unsafe) => {
        false
    };
}

macro_rules! syscalls {
    ($(
        #[doc = $summary:literal]
        $(#[$how:ident])?
        $konst:ident = $name:literal: $safety:ident fn $function:ident($($param:ident: $kind:ident),*) -> $result:ident;
    )*) => {
        impl Syscall {
            $(
                #[doc = $summary]
                pub const $konst: Syscall = Syscall {
                    name: $name,
                    params: &[$(<crate::abi_type!(wasm $kind) as WasmValue>::TYPE),*],
                    result: <crate::abi_type!(wasm $result) as WasmValue>::TYPE,
                    summary: $summary.trim_ascii_start(),
                };
            )*
        }

        /// Every syscall this ABI defines, in documentation order.
        pub const SYSCALLS: &[Syscall] = &[$(Syscall::$konst),*];

        // The SDK may call a syscall without `unsafe` only if the kernel
        // touches none of its memory: `safe` exactly when no parameter is a
        // pointer.
        $(
            const _: () = assert!(
                is_safe!($safety) != (false $(|| crate::abi_type!(pointer $kind))*),
                concat!("syscall ", $name, ": `unsafe` exactly when it takes a pointer"),
            );
        )*

        // On wasm32 each type the SDK passes is as wide as the Wasm value it
        // lowers to, so its imports have the table's signatures.
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            $($(
                assert!(
                    size_of::<crate::abi_type!(sdk $kind)>() == size_of::<crate::abi_type!(wasm $kind)>()
                );
            )*)*
        };
    };
}

crate::for_each_syscall!(syscalls);

/// Names reserved for syscalls that later subsystems add; an agent
/// importing one from this kernel fails to link with a clear reason.
pub const RESERVED: &[&str] = &[];

/// The operations of messages between nodes: a local agent's message
/// leaving for another node (decided with the agent as subject) and one
/// arriving from another node (the subject `node:NAME`, label `node`),
/// each on the intent's name.
pub const CLUSTER_OPERATIONS: &[&str] = &["cluster_send", "cluster_receive"];

/// The operations of the node's HTTPS API. The policy decides each
/// request as an operation of the token's subject (`api:NAME`, label
/// `api`), so rules name them as they name syscalls.
pub const API_OPERATIONS: &[&str] = &[
    "api_metrics",
    "api_agents_list",
    "api_agents_spawn",
    "api_agents_kill",
    "api_images_list",
    "api_images_deploy",
    "api_intents_send",
    "api_ask",
    "api_events",
    "api_store_list",
    "api_store_get",
    "api_store_put",
    "api_audit_export",
    "api_audit_verify",
    "api_memory_remember",
    "api_memory_recall",
];

/// The handle value that means "the calling agent itself".
pub const SELF: u32 = u32::MAX;

/// Flags of `semantic_send`.
pub mod send_flags {
    /// Return `WouldBlock` when the receiver's mailbox is full instead of
    /// parking the sender until there is room.
    pub const NONBLOCK: i32 = 1;
    /// Every flag this kernel knows; others are `InvalidArgument`.
    pub const ALL: i32 = NONBLOCK;
}

impl Syscall {
    /// Looks a syscall up by import name.
    pub fn by_name(name: &str) -> Option<Syscall> {
        SYSCALLS.iter().copied().find(|s| s.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_not_reserved() {
        for (i, s) in SYSCALLS.iter().enumerate() {
            assert!(
                SYSCALLS[i + 1..].iter().all(|o| o.name != s.name),
                "{}",
                s.name
            );
            assert!(!RESERVED.contains(&s.name));
        }
        assert_eq!(Syscall::by_name("null"), Some(Syscall::NULL));
        assert_eq!(Syscall::by_name("fork"), None);
    }
}
