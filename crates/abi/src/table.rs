//! The syscall table, the one place a syscall is declared: [`Syscall`]
//! and [`SYSCALLS`], the kernel's host functions and the Rust SDK's
//! imports are all generated from it.
//!
//! [`Syscall`]: crate::Syscall
//! [`SYSCALLS`]: crate::SYSCALLS

/// Calls macro `$m` with every syscall, in documentation order.
///
/// Each entry is a one-line summary (a doc comment), then how the kernel
/// carries it out if it does not return at once (`#[parks]`: it may park
/// the agent until something happens; `#[yields]`: it ends the time
/// slice), then its constant, import name and signature:
///
/// ```text
/// /// sleep(ns): parks the agent for at least ns nanoseconds.
/// #[parks]
/// SLEEP = "sleep": safe fn sleep(ns: u64) -> i32;
/// ```
///
/// The Rust function name is the import name unless that is a keyword
/// (`yield_now`). Calls with a pointer parameter are `unsafe` for the
/// SDK, the others `safe`. Each parameter has a kind (see [`abi_type!`]);
/// the result is `i32` or `i64`, negative being an error code.
#[macro_export]
macro_rules! for_each_syscall {
    ($m:ident) => {
        $m! {
            /// Does nothing and returns 0: measures the syscall path.
            NULL = "null": safe fn null() -> i32;
            /// log(level, ptr, len): writes a UTF-8 line to the kernel log, tagged with the agent.
            LOG = "log": unsafe fn log(level: i32, ptr: in_ptr, len: len) -> i32;
            /// Nanoseconds since boot, monotonic.
            CLOCK = "clock": safe fn clock() -> i64;
            /// Gives up the rest of the time slice.
            #[yields]
            YIELD = "yield": safe fn yield_now() -> i32;
            /// sleep(ns): parks the agent for at least ns nanoseconds.
            #[parks]
            SLEEP = "sleep": safe fn sleep(ns: u64) -> i32;
            /// agent_exit(code): ends the calling agent; never returns.
            AGENT_EXIT = "agent_exit": safe fn agent_exit(code: i32) -> i32;
            /// agent_spawn(req_ptr, req_len): starts an agent from a SpawnRequest; returns an Agent handle.
            AGENT_SPAWN = "agent_spawn": unsafe fn agent_spawn(req_ptr: in_ptr, req_len: len) -> i32;
            /// agent_kill(agent): stops an agent (needs KILL on its handle).
            AGENT_KILL = "agent_kill": safe fn agent_kill(agent: u32) -> i32;
            /// agent_info(agent, out_ptr, out_cap): writes AgentInfo as CBOR; returns its length.
            AGENT_INFO = "agent_info": unsafe fn agent_info(agent: u32, out_ptr: out_ptr, out_cap: len) -> i32;
            /// agent_list(system, out_ptr, out_cap): writes AgentList as CBOR (needs INSPECT on a System handle).
            AGENT_LIST = "agent_list": unsafe fn agent_list(system: u32, out_ptr: out_ptr, out_cap: len) -> i32;
            /// agent_mem_alloc(pages): grows linear memory by pages within quota; returns the previous size in pages.
            AGENT_MEM_ALLOC = "agent_mem_alloc": safe fn agent_mem_alloc(pages: u32) -> i32;
            /// agent_handle(system, id): an Agent handle for any agent id, with the System handle's INSPECT and KILL rights (for consoles and supervisors).
            AGENT_HANDLE = "agent_handle": safe fn agent_handle(system: u32, id: u64) -> i32;
            /// image_list(system, out_ptr, out_cap): writes ImageList as CBOR: the bundle's images, boot flags, dependencies and restart policies.
            IMAGE_LIST = "image_list": unsafe fn image_list(system: u32, out_ptr: out_ptr, out_cap: len) -> i32;
            /// cap_list(agent, out_ptr, out_cap): writes CapList as CBOR for the caller (SELF) or an agent it may inspect.
            CAP_LIST = "cap_list": unsafe fn cap_list(agent: u32, out_ptr: out_ptr, out_cap: len) -> i32;
            /// cap_grant(req_ptr, req_len): derives an attenuated capability into another agent; returns its handle there.
            CAP_GRANT = "cap_grant": unsafe fn cap_grant(req_ptr: in_ptr, req_len: len) -> i32;
            /// cap_revoke(cap): revokes a capability and everything derived from it.
            CAP_REVOKE = "cap_revoke": safe fn cap_revoke(cap: u32) -> i32;
            /// console_write(console, ptr, len): writes bytes to the serial console.
            CONSOLE_WRITE = "console_write": unsafe fn console_write(console: u32, ptr: in_ptr, len: len) -> i32;
            /// console_read(console, out_ptr, out_cap, timeout_ns): reads available bytes, waiting up to timeout_ns.
            #[parks]
            CONSOLE_READ = "console_read": unsafe fn console_read(console: u32, out_ptr: out_ptr, out_cap: len, timeout_ns: u64) -> i32;
            /// system_info(system, out_ptr, out_cap): writes SystemInfo as CBOR.
            SYSTEM_INFO = "system_info": unsafe fn system_info(system: u32, out_ptr: out_ptr, out_cap: len) -> i32;
            /// net_info(system, out_ptr, out_cap): writes NetInfo as CBOR: the interface, its addresses, routes, DNS servers and counters (needs INSPECT).
            NET_INFO = "net_info": unsafe fn net_info(system: u32, out_ptr: out_ptr, out_cap: len) -> i32;
            /// net_ping(system, host_ptr, host_len, timeout_ns, out_ptr, out_cap): sends one ICMP echo to an address or a name (resolved by DNS) and waits up to timeout_ns for the reply; writes a PingReply; returns its length (needs INSPECT).
            #[parks]
            NET_PING = "net_ping": unsafe fn net_ping(system: u32, host_ptr: in_ptr, host_len: len, timeout_ns: u64, out_ptr: out_ptr, out_cap: len) -> i32;
            /// net_connect(cap, host_ptr, host_len, port, timeout_ns): opens a TCP stream to host (an address or a DNS name) and port, if the NetEndpoint capability covers `connect:HOST:PORT`; waits up to timeout_ns for the connection; returns the stream's handle.
            #[parks]
            NET_CONNECT = "net_connect": unsafe fn net_connect(cap: u32, host_ptr: in_ptr, host_len: len, port: u32, timeout_ns: u64) -> i32;
            /// net_connect_tls(cap, host_ptr, host_len, port, name_ptr, name_len, timeout_ns): like net_connect, then a TLS 1.3 handshake (X25519MLKEM768 preferred) with a server whose certificate names name (empty: host) and leads to a root of the node's trust store; waits up to timeout_ns for both; returns the stream's handle, whose reads and writes are plaintext.
            #[parks]
            NET_CONNECT_TLS = "net_connect_tls": unsafe fn net_connect_tls(cap: u32, host_ptr: in_ptr, host_len: len, port: u32, name_ptr: in_ptr, name_len: len, timeout_ns: u64) -> i32;
            /// net_listen(cap, port): listens for TCP connections on port (the capability covers `listen:PORT`); returns the listener's handle.
            NET_LISTEN = "net_listen": safe fn net_listen(cap: u32, port: u32) -> i32;
            /// net_accept(listener, timeout_ns): waits up to timeout_ns for the next connection; returns the new stream's handle.
            #[parks]
            NET_ACCEPT = "net_accept": safe fn net_accept(listener: u32, timeout_ns: u64) -> i32;
            /// net_send(stream, ptr, len, timeout_ns): queues bytes on a stream, waiting up to timeout_ns for room; returns how many it took.
            #[parks]
            NET_SEND = "net_send": unsafe fn net_send(stream: u32, ptr: in_ptr, len: len, timeout_ns: u64) -> i32;
            /// net_recv(stream, out_ptr, out_cap, timeout_ns): reads bytes a stream received, waiting up to timeout_ns; returns the count, 0 at the end of the stream.
            #[parks]
            NET_RECV = "net_recv": unsafe fn net_recv(stream: u32, out_ptr: out_ptr, out_cap: len, timeout_ns: u64) -> i32;
            /// net_udp_bind(cap, port): a UDP endpoint on port (0: any free port; the capability covers `udp:PORT`); returns its handle.
            NET_UDP_BIND = "net_udp_bind": safe fn net_udp_bind(cap: u32, port: u32) -> i32;
            /// net_send_to(endpoint, to_ptr, to_len, ptr, len): sends one datagram to "ADDRESS:PORT" ("[v6]:PORT"), which a NetEndpoint capability of the caller covers as `connect:ADDRESS:PORT`.
            NET_SEND_TO = "net_send_to": unsafe fn net_send_to(endpoint: u32, to_ptr: in_ptr, to_len: len, ptr: in_ptr, len: len) -> i32;
            /// net_recv_from(endpoint, out_ptr, out_cap, timeout_ns): waits up to timeout_ns for a datagram; writes it as a Datagram; returns its length.
            #[parks]
            NET_RECV_FROM = "net_recv_from": unsafe fn net_recv_from(endpoint: u32, out_ptr: out_ptr, out_cap: len, timeout_ns: u64) -> i32;
            /// net_close(endpoint): closes a stream (sending what is queued, then the end), a listener or a UDP endpoint, and drops its handle.
            NET_CLOSE = "net_close": safe fn net_close(endpoint: u32) -> i32;
            /// net_endpoint_info(endpoint, out_ptr, out_cap): writes NetEndpointInfo: kind, local and remote address, state.
            NET_ENDPOINT_INFO = "net_endpoint_info": unsafe fn net_endpoint_info(endpoint: u32, out_ptr: out_ptr, out_cap: len) -> i32;
            /// system_poweroff(system): switches the machine off (needs CONTROL).
            SYSTEM_POWEROFF = "system_poweroff": safe fn system_poweroff(system: u32) -> i32;
            /// semantic_send(cap, msg_ptr, msg_len, flags): routes, checks and queues a Message; cap is an Intent handle with WRITE covering the intent, or SELF for a reply; returns the message id.
            #[parks]
            SEMANTIC_SEND = "semantic_send": unsafe fn semantic_send(cap: u32, msg_ptr: in_ptr, msg_len: len, flags: i32) -> i64;
            /// semantic_recv(filter_ptr, filter_len, out_ptr, out_cap, timeout_ns): takes the first message passing a RecvFilter; writes it as a Message; returns its length.
            #[parks]
            SEMANTIC_RECV = "semantic_recv": unsafe fn semantic_recv(filter_ptr: in_ptr, filter_len: len, out_ptr: out_ptr, out_cap: len, timeout_ns: u64) -> i32;
            /// policy_set(policy, text_ptr, text_len, err_ptr, err_cap): compiles and installs a policy (needs CONTROL on a Policy handle); a malformed one is refused with its line and column written at err_ptr.
            POLICY_SET = "policy_set": unsafe fn policy_set(policy: u32, text_ptr: in_ptr, text_len: len, err_ptr: out_ptr, err_cap: len) -> i32;
            /// token_new(system, req_ptr, req_len, out_ptr, out_cap): mints an API token from a TokenRequest (needs CONTROL); writes TokenMinted, the secret shown this once; a refused name or scope writes the reason (UTF-8) at out_ptr instead.
            TOKEN_NEW = "token_new": unsafe fn token_new(system: u32, req_ptr: in_ptr, req_len: len, out_ptr: out_ptr, out_cap: len) -> i32;
            /// token_list(system, out_ptr, out_cap): writes the API tokens as a TokenList: names, scopes and origin, never secrets (needs INSPECT).
            TOKEN_LIST = "token_list": unsafe fn token_list(system: u32, out_ptr: out_ptr, out_cap: len) -> i32;
            /// token_revoke(system, name_ptr, name_len, err_ptr, err_cap): revokes the minted API token named by the UTF-8 name at once (needs CONTROL); a refusal writes the reason at err_ptr.
            TOKEN_REVOKE = "token_revoke": unsafe fn token_revoke(system: u32, name_ptr: in_ptr, name_len: len, err_ptr: out_ptr, err_cap: len) -> i32;
            /// audit_tail(system, n, out_ptr, out_cap): writes the last n audit records as AuditRecords (needs INSPECT).
            AUDIT_TAIL = "audit_tail": unsafe fn audit_tail(system: u32, n: u32, out_ptr: out_ptr, out_cap: len) -> i32;
            /// audit_verify(system, out_ptr, out_cap): checks the audit chain and its signed checkpoints; writes an AuditVerdict (needs INSPECT).
            AUDIT_VERIFY = "audit_verify": unsafe fn audit_verify(system: u32, out_ptr: out_ptr, out_cap: len) -> i32;
            /// audit_export(system, offset, out_ptr, out_cap): copies bytes of the exported audit log from offset (0 takes a fresh snapshot); returns the count, 0 at the end.
            AUDIT_EXPORT = "audit_export": unsafe fn audit_export(system: u32, offset: u64, out_ptr: out_ptr, out_cap: len) -> i32;
            /// event_subscribe(topic, filter_ptr, filter_len): subscribes to the categories of an EventTopic handle (READ) narrowed by an EventFilter; returns a subscription number.
            EVENT_SUBSCRIBE = "event_subscribe": unsafe fn event_subscribe(topic: u32, filter_ptr: in_ptr, filter_len: len) -> i32;
            /// event_next(sub, out_ptr, out_cap, timeout_ns): writes the next Event of a subscription; returns its length.
            #[parks]
            EVENT_NEXT = "event_next": unsafe fn event_next(sub: u32, out_ptr: out_ptr, out_cap: len, timeout_ns: u64) -> i32;
            /// ipc_trace(system, trace_id, out_ptr, out_cap): writes the recent messages of a trace or conversation, in causal order, as a TraceList (needs INSPECT).
            IPC_TRACE = "ipc_trace": unsafe fn ipc_trace(system: u32, trace_id: u64, out_ptr: out_ptr, out_cap: len) -> i32;
            /// ipc_stats(system, out_ptr, out_cap): writes IpcStats: totals and the round-trip latency histogram (needs INSPECT).
            IPC_STATS = "ipc_stats": unsafe fn ipc_stats(system: u32, out_ptr: out_ptr, out_cap: len) -> i32;
            /// store_put(ns, req_ptr, req_len): writes a StorePut chunk of an object in a namespace the Store handle covers (WRITE); the chunk marked last commits the object durably.
            STORE_PUT = "store_put": unsafe fn store_put(ns: u32, req_ptr: in_ptr, req_len: len) -> i32;
            /// store_get(ns, req_ptr, req_len, out_ptr, out_cap): reads a StoreGet range of an object, now or at a snapshot (READ); writes StoreData; returns its length.
            STORE_GET = "store_get": unsafe fn store_get(ns: u32, req_ptr: in_ptr, req_len: len, out_ptr: out_ptr, out_cap: len) -> i32;
            /// store_delete(ns, req_ptr, req_len): deletes the StoreKey's object durably (WRITE).
            STORE_DELETE = "store_delete": unsafe fn store_delete(ns: u32, req_ptr: in_ptr, req_len: len) -> i32;
            /// store_list(ns, req_ptr, req_len, out_ptr, out_cap): lists objects by key prefix and tags as a StoreListing (READ).
            STORE_LIST = "store_list": unsafe fn store_list(ns: u32, req_ptr: in_ptr, req_len: len, out_ptr: out_ptr, out_cap: len) -> i32;
            /// store_snapshot(ns, req_ptr, req_len, out_ptr, out_cap): creates, deletes or lists snapshots of a namespace (or of the volume, with a `*` handle) per a SnapshotRequest (CONTROL; listing READ).
            STORE_SNAPSHOT = "store_snapshot": unsafe fn store_snapshot(ns: u32, req_ptr: in_ptr, req_len: len, out_ptr: out_ptr, out_cap: len) -> i32;
            /// store_rollback(ns, req_ptr, req_len): rolls a namespace (or the volume) back to a named snapshot per a SnapshotRequest (CONTROL).
            STORE_ROLLBACK = "store_rollback": unsafe fn store_rollback(ns: u32, req_ptr: in_ptr, req_len: len) -> i32;
            /// embed(model, text_ptr, text_len, out_ptr, out_cap): embeds UTF-8 text with the kernel's embedding model (Model handle with READ; its quota is a token budget); writes the vector as little-endian f32s; returns the count.
            EMBED = "embed": unsafe fn embed(model: u32, text_ptr: in_ptr, text_len: len, out_ptr: out_ptr, out_cap: len) -> i32;
            /// memory_store(region, req_ptr, req_len): stores a MemoryStoreRequest entry in the region a MemoryRegion handle names (WRITE), embedding its text with the kernel's model if asked; returns the new version.
            MEMORY_STORE = "memory_store": unsafe fn memory_store(region: u32, req_ptr: in_ptr, req_len: len) -> i64;
            /// memory_query(region, req_ptr, req_len, out_ptr, out_cap): reads a key (at a version) or queries by tags and by similarity to a vector or text (READ); writes MemoryHits; returns its length.
            MEMORY_QUERY = "memory_query": unsafe fn memory_query(region: u32, req_ptr: in_ptr, req_len: len, out_ptr: out_ptr, out_cap: len) -> i32;
            /// infer(model, req_ptr, req_len): queues an InferRequest with the kernel's language model (Model handle with READ; its quota is a token budget); returns the request id; the text comes back as aios.infer.token messages whose conversation id is that id.
            INFER = "infer": unsafe fn infer(model: u32, req_ptr: in_ptr, req_len: len) -> i64;
            /// infer_cancel(request): ends one of the caller's generations; its last message says so.
            INFER_CANCEL = "infer_cancel": safe fn infer_cancel(request: u64) -> i32;
        }
    };
}

/// The types of a parameter kind of the syscall table.
///
/// `abi_type!(wasm KIND)` is the Wasm value it travels as (`i32` or
/// `i64`, as the Rust integer a host function takes); `abi_type!(sdk
/// KIND)` is the Rust type the Rust SDK passes, which on wasm32 lowers to
/// that value; `abi_type!(pointer KIND)` says whether it points into the
/// caller's memory. The kinds: `i32`, `u32` (a handle or a count), `i64`,
/// `u64` (nanoseconds, ids, offsets), `in_ptr` (a buffer the kernel
/// reads), `out_ptr` (one it writes) and `len` (a buffer's length or
/// capacity). Results are `i32` or `i64`.
#[macro_export]
macro_rules! abi_type {
    (wasm i32) => { i32 };
    (sdk i32) => { i32 };
    (pointer i32) => { false };

    (wasm u32) => { i32 };
    (sdk u32) => { u32 };
    (pointer u32) => { false };

    (wasm i64) => { i64 };
    (sdk i64) => { i64 };
    (pointer i64) => { false };

    (wasm u64) => { i64 };
    (sdk u64) => { u64 };
    (pointer u64) => { false };

    (wasm in_ptr) => { i32 };
    (sdk in_ptr) => { *const u8 };
    (pointer in_ptr) => { true };

    (wasm out_ptr) => { i32 };
    (sdk out_ptr) => { *mut u8 };
    (pointer out_ptr) => { true };

    (wasm len) => { i32 };
    (sdk len) => { usize };
    (pointer len) => { false };
}
