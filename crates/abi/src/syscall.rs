//! The syscall table: every import an agent may use, with its signature.

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

macro_rules! syscalls {
    ($($konst:ident = $name:literal ($($p:ident),*) -> $r:ident, $summary:literal;)*) => {
        impl Syscall {
            $(
                #[doc = $summary]
                pub const $konst: Syscall = Syscall {
                    name: $name,
                    params: &[$($p),*],
                    result: $r,
                    summary: $summary,
                };
            )*
        }

        /// Every syscall this ABI defines, in documentation order.
        pub const SYSCALLS: &[Syscall] = &[$(Syscall::$konst),*];
    };
}

syscalls! {
    NULL = "null"() -> I32, "Does nothing and returns 0: measures the syscall path.";
    LOG = "log"(I32, I32, I32) -> I32, "log(level, ptr, len): writes a UTF-8 line to the kernel log, tagged with the agent.";
    CLOCK = "clock"() -> I64, "Nanoseconds since boot, monotonic.";
    YIELD = "yield"() -> I32, "Gives up the rest of the time slice.";
    SLEEP = "sleep"(I64) -> I32, "sleep(ns): parks the agent for at least ns nanoseconds.";
    AGENT_EXIT = "agent_exit"(I32) -> I32, "agent_exit(code): ends the calling agent; never returns.";
    AGENT_SPAWN = "agent_spawn"(I32, I32) -> I32, "agent_spawn(req_ptr, req_len): starts an agent from a SpawnRequest; returns an Agent handle.";
    AGENT_KILL = "agent_kill"(I32) -> I32, "agent_kill(agent): stops an agent (needs KILL on its handle).";
    AGENT_INFO = "agent_info"(I32, I32, I32) -> I32, "agent_info(agent, out_ptr, out_cap): writes AgentInfo as CBOR; returns its length.";
    AGENT_LIST = "agent_list"(I32, I32, I32) -> I32, "agent_list(system, out_ptr, out_cap): writes AgentList as CBOR (needs INSPECT on a System handle).";
    AGENT_MEM_ALLOC = "agent_mem_alloc"(I32) -> I32, "agent_mem_alloc(pages): grows linear memory by pages within quota; returns the previous size in pages.";
    AGENT_HANDLE = "agent_handle"(I32, I64) -> I32, "agent_handle(system, id): an Agent handle for any agent id, with the System handle's INSPECT and KILL rights (for consoles and supervisors).";
    IMAGE_LIST = "image_list"(I32, I32, I32) -> I32, "image_list(system, out_ptr, out_cap): writes ImageList as CBOR: the bundle's images, boot flags, dependencies and restart policies.";
    CAP_LIST = "cap_list"(I32, I32, I32) -> I32, "cap_list(agent, out_ptr, out_cap): writes CapList as CBOR for the caller (SELF) or an agent it may inspect.";
    CAP_GRANT = "cap_grant"(I32, I32) -> I32, "cap_grant(req_ptr, req_len): derives an attenuated capability into another agent; returns its handle there.";
    CAP_REVOKE = "cap_revoke"(I32) -> I32, "cap_revoke(cap): revokes a capability and everything derived from it.";
    CONSOLE_WRITE = "console_write"(I32, I32, I32) -> I32, "console_write(console, ptr, len): writes bytes to the serial console.";
    CONSOLE_READ = "console_read"(I32, I32, I32, I64) -> I32, "console_read(console, out_ptr, out_cap, timeout_ns): reads available bytes, waiting up to timeout_ns.";
    SYSTEM_INFO = "system_info"(I32, I32, I32) -> I32, "system_info(system, out_ptr, out_cap): writes SystemInfo as CBOR.";
    SYSTEM_POWEROFF = "system_poweroff"(I32) -> I32, "system_poweroff(system): switches the machine off (needs CONTROL).";
}

/// Names reserved for syscalls that later subsystems add; an agent
/// importing one from this kernel fails to link with a clear reason.
pub const RESERVED: &[&str] = &[
    "semantic_send",
    "semantic_recv",
    "memory_store",
    "memory_query",
    "store_put",
    "store_get",
    "store_delete",
    "store_list",
    "store_snapshot",
    "store_rollback",
    "event_subscribe",
    "event_next",
    "embed",
    "infer",
    "net_connect",
    "net_send",
    "net_recv",
];

/// The handle value that means "the calling agent itself".
pub const SELF: u32 = u32::MAX;

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
