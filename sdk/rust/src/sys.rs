//! The raw syscall imports from module `aios`, and (in tests) their
//! signatures as a table to check against `aios_abi::SYSCALLS`.
//!
//! Only this file declares foreign functions. Calls without pointer
//! arguments are `safe`: the kernel validates every integer it receives.
//! Calls that take a `(pointer, length)` pair are `unsafe`: the kernel reads
//! or writes that range of our linear memory, so it must be a live buffer.

/// How a Rust parameter type lowers to a Wasm value type on wasm32.
#[cfg(test)]
trait Lowered {
    const VAL: aios_abi::ValType;
}

#[cfg(test)]
macro_rules! lowered {
    ($val:ident: $($ty:ty),*) => {
        $(impl Lowered for $ty { const VAL: aios_abi::ValType = aios_abi::ValType::$val; })*
    };
}

#[cfg(test)]
lowered!(I32: i32, u32, usize, *const u8, *mut u8);
#[cfg(test)]
lowered!(I64: i64, u64);

macro_rules! imports {
    ($($link:literal => $safety:ident fn $name:ident($($arg:ident: $ty:ty),*) -> $ret:ty;)*) => {
        #[cfg(target_arch = "wasm32")]
        #[link(wasm_import_module = "aios")]
        unsafe extern "C" {
            $(
                #[link_name = $link]
                pub(crate) $safety fn $name($($arg: $ty),*) -> $ret;
            )*
        }

        /// Every import: name, parameter types and result type.
        #[cfg(test)]
        pub(crate) const IMPORTS: &[(&str, &[aios_abi::ValType], aios_abi::ValType)] = &[
            $(($link, &[$(<$ty as Lowered>::VAL),*], <$ret as Lowered>::VAL),)*
        ];
    };
}

imports! {
    "null" => safe fn null() -> i32;
    "log" => unsafe fn log(level: i32, ptr: *const u8, len: usize) -> i32;
    "clock" => safe fn clock() -> i64;
    "yield" => safe fn yield_now() -> i32;
    "sleep" => safe fn sleep(ns: u64) -> i32;
    "agent_exit" => safe fn agent_exit(code: i32) -> i32;
    "agent_spawn" => unsafe fn agent_spawn(request: *const u8, request_len: usize) -> i32;
    "agent_kill" => safe fn agent_kill(agent: u32) -> i32;
    "agent_info" => unsafe fn agent_info(agent: u32, out: *mut u8, out_capacity: usize) -> i32;
    "agent_list" => unsafe fn agent_list(system: u32, out: *mut u8, out_capacity: usize) -> i32;
    "agent_mem_alloc" => safe fn agent_mem_alloc(pages: u32) -> i32;
    "agent_handle" => safe fn agent_handle(system: u32, id: u64) -> i32;
    "image_list" => unsafe fn image_list(system: u32, out: *mut u8, out_capacity: usize) -> i32;
    "cap_list" => unsafe fn cap_list(agent: u32, out: *mut u8, out_capacity: usize) -> i32;
    "cap_grant" => unsafe fn cap_grant(request: *const u8, request_len: usize) -> i32;
    "cap_revoke" => safe fn cap_revoke(cap: u32) -> i32;
    "console_write" => unsafe fn console_write(console: u32, ptr: *const u8, len: usize) -> i32;
    "console_read" => unsafe fn console_read(console: u32, out: *mut u8, out_capacity: usize, timeout_ns: u64) -> i32;
    "system_info" => unsafe fn system_info(system: u32, out: *mut u8, out_capacity: usize) -> i32;
    "system_poweroff" => safe fn system_poweroff(system: u32) -> i32;
    "semantic_send" => unsafe fn semantic_send(cap: u32, message: *const u8, message_len: usize, flags: i32) -> i64;
    "semantic_recv" => unsafe fn semantic_recv(filter: *const u8, filter_len: usize, out: *mut u8, out_capacity: usize, timeout_ns: u64) -> i32;
    "policy_set" => unsafe fn policy_set(policy: u32, text: *const u8, text_len: usize, error: *mut u8, error_capacity: usize) -> i32;
    "audit_tail" => unsafe fn audit_tail(system: u32, count: u32, out: *mut u8, out_capacity: usize) -> i32;
    "audit_verify" => unsafe fn audit_verify(system: u32, out: *mut u8, out_capacity: usize) -> i32;
    "audit_export" => unsafe fn audit_export(system: u32, offset: u64, out: *mut u8, out_capacity: usize) -> i32;
    "event_subscribe" => unsafe fn event_subscribe(topic: u32, filter: *const u8, filter_len: usize) -> i32;
    "event_next" => unsafe fn event_next(subscription: u32, out: *mut u8, out_capacity: usize, timeout_ns: u64) -> i32;
    "ipc_trace" => unsafe fn ipc_trace(system: u32, trace_id: u64, out: *mut u8, out_capacity: usize) -> i32;
    "ipc_stats" => unsafe fn ipc_stats(system: u32, out: *mut u8, out_capacity: usize) -> i32;
    "store_put" => unsafe fn store_put(ns: u32, request: *const u8, request_len: usize) -> i32;
    "store_get" => unsafe fn store_get(ns: u32, request: *const u8, request_len: usize, out: *mut u8, out_capacity: usize) -> i32;
    "store_delete" => unsafe fn store_delete(ns: u32, request: *const u8, request_len: usize) -> i32;
    "store_list" => unsafe fn store_list(ns: u32, request: *const u8, request_len: usize, out: *mut u8, out_capacity: usize) -> i32;
    "store_snapshot" => unsafe fn store_snapshot(ns: u32, request: *const u8, request_len: usize, out: *mut u8, out_capacity: usize) -> i32;
    "store_rollback" => unsafe fn store_rollback(ns: u32, request: *const u8, request_len: usize) -> i32;
    "memory_store" => unsafe fn memory_store(region: u32, request: *const u8, request_len: usize) -> i64;
    "memory_query" => unsafe fn memory_query(region: u32, request: *const u8, request_len: usize, out: *mut u8, out_capacity: usize) -> i32;
    "embed" => unsafe fn embed(model: u32, text: *const u8, text_len: usize, out: *mut u8, out_capacity: usize) -> i32;
    "infer" => unsafe fn infer(model: u32, request: *const u8, request_len: usize) -> i64;
    "infer_cancel" => safe fn infer_cancel(request: u64) -> i32;
}

#[cfg(test)]
mod tests {
    use super::IMPORTS;
    use aios_abi::SYSCALLS;

    #[test]
    fn imports_match_the_abi_exactly() {
        assert_eq!(IMPORTS.len(), SYSCALLS.len());
        for syscall in SYSCALLS {
            let import = IMPORTS.iter().find(|(name, _, _)| *name == syscall.name);
            assert_eq!(
                import,
                Some(&(syscall.name, syscall.params, syscall.result)),
                "{}",
                syscall.name
            );
        }
    }
}
