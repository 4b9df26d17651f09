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
    SEMANTIC_SEND = "semantic_send"(I32, I32, I32, I32) -> I64, "semantic_send(cap, msg_ptr, msg_len, flags): routes, checks and queues a Message; cap is an Intent handle with WRITE covering the intent, or SELF for a reply; returns the message id.";
    SEMANTIC_RECV = "semantic_recv"(I32, I32, I32, I32, I64) -> I32, "semantic_recv(filter_ptr, filter_len, out_ptr, out_cap, timeout_ns): takes the first message passing a RecvFilter; writes it as a Message; returns its length.";
    POLICY_SET = "policy_set"(I32, I32, I32, I32, I32) -> I32, "policy_set(policy, text_ptr, text_len, err_ptr, err_cap): compiles and installs a policy (needs CONTROL on a Policy handle); a malformed one is refused with its line and column written at err_ptr.";
    AUDIT_TAIL = "audit_tail"(I32, I32, I32, I32) -> I32, "audit_tail(system, n, out_ptr, out_cap): writes the last n audit records as AuditRecords (needs INSPECT).";
    AUDIT_VERIFY = "audit_verify"(I32, I32, I32) -> I32, "audit_verify(system, out_ptr, out_cap): checks the audit chain and its signed checkpoints; writes an AuditVerdict (needs INSPECT).";
    AUDIT_EXPORT = "audit_export"(I32, I64, I32, I32) -> I32, "audit_export(system, offset, out_ptr, out_cap): copies bytes of the exported audit log from offset (0 takes a fresh snapshot); returns the count, 0 at the end.";
    EVENT_SUBSCRIBE = "event_subscribe"(I32, I32, I32) -> I32, "event_subscribe(topic, filter_ptr, filter_len): subscribes to the categories of an EventTopic handle (READ) narrowed by an EventFilter; returns a subscription number.";
    EVENT_NEXT = "event_next"(I32, I32, I32, I64) -> I32, "event_next(sub, out_ptr, out_cap, timeout_ns): writes the next Event of a subscription; returns its length.";
    IPC_TRACE = "ipc_trace"(I32, I64, I32, I32) -> I32, "ipc_trace(system, trace_id, out_ptr, out_cap): writes the recent messages of a trace or conversation, in causal order, as a TraceList (needs INSPECT).";
    IPC_STATS = "ipc_stats"(I32, I32, I32) -> I32, "ipc_stats(system, out_ptr, out_cap): writes IpcStats: totals and the round-trip latency histogram (needs INSPECT).";
    STORE_PUT = "store_put"(I32, I32, I32) -> I32, "store_put(ns, req_ptr, req_len): writes a StorePut chunk of an object in a namespace the Store handle covers (WRITE); the chunk marked last commits the object durably.";
    STORE_GET = "store_get"(I32, I32, I32, I32, I32) -> I32, "store_get(ns, req_ptr, req_len, out_ptr, out_cap): reads a StoreGet range of an object, now or at a snapshot (READ); writes StoreData; returns its length.";
    STORE_DELETE = "store_delete"(I32, I32, I32) -> I32, "store_delete(ns, req_ptr, req_len): deletes the StoreKey's object durably (WRITE).";
    STORE_LIST = "store_list"(I32, I32, I32, I32, I32) -> I32, "store_list(ns, req_ptr, req_len, out_ptr, out_cap): lists objects by key prefix and tags as a StoreListing (READ).";
    STORE_SNAPSHOT = "store_snapshot"(I32, I32, I32, I32, I32) -> I32, "store_snapshot(ns, req_ptr, req_len, out_ptr, out_cap): creates, deletes or lists snapshots of a namespace (or of the volume, with a `*` handle) per a SnapshotRequest (CONTROL; listing READ).";
    STORE_ROLLBACK = "store_rollback"(I32, I32, I32) -> I32, "store_rollback(ns, req_ptr, req_len): rolls a namespace (or the volume) back to a named snapshot per a SnapshotRequest (CONTROL).";
    EMBED = "embed"(I32, I32, I32, I32, I32) -> I32, "embed(model, text_ptr, text_len, out_ptr, out_cap): embeds UTF-8 text with the kernel's embedding model (Model handle with READ; its quota is a token budget); writes the vector as little-endian f32s; returns the count.";
    MEMORY_STORE = "memory_store"(I32, I32, I32) -> I64, "memory_store(region, req_ptr, req_len): stores a MemoryStoreRequest entry in the region a MemoryRegion handle names (WRITE), embedding its text with the kernel's model if asked; returns the new version.";
    MEMORY_QUERY = "memory_query"(I32, I32, I32, I32, I32) -> I32, "memory_query(region, req_ptr, req_len, out_ptr, out_cap): reads a key (at a version) or queries by tags and by similarity to a vector or text (READ); writes MemoryHits; returns its length.";
    INFER = "infer"(I32, I32, I32) -> I64, "infer(model, req_ptr, req_len): queues an InferRequest with the kernel's language model (Model handle with READ; its quota is a token budget); returns the request id; the text comes back as aios.infer.token messages whose conversation id is that id.";
    INFER_CANCEL = "infer_cancel"(I64) -> I32, "infer_cancel(request): ends one of the caller's generations; its last message says so.";
}

/// Names reserved for syscalls that later subsystems add; an agent
/// importing one from this kernel fails to link with a clear reason.
pub const RESERVED: &[&str] = &["net_connect", "net_send", "net_recv"];

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
