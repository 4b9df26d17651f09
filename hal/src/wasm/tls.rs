//! Wasmtime's thread-local pointers, kept per CPU: a CPU plays the part
//! of a thread. That holds while a Wasm call stays on one CPU between
//! entering Wasmtime and returning or suspending (the kernel does not
//! preempt); Wasmtime saves and restores the pointers around an async
//! suspension, so a task may resume on another CPU.

use crate::percpu::{WASM_TLS_SLOTS, try_current};
use core::ptr::null_mut;
use core::sync::atomic::{AtomicPtr, Ordering};

/// This CPU's pointer in `slot`; NULL by default, for a slot out of
/// range, or before per-CPU data is installed.
pub fn get(slot: usize) -> *mut u8 {
    self::slot(slot).map_or(null_mut(), |s| s.load(Ordering::Relaxed))
}

/// Sets this CPU's pointer in `slot`; ignored for a slot out of range.
pub fn set(slot: usize, ptr: *mut u8) {
    if let Some(s) = self::slot(slot) {
        s.store(ptr, Ordering::Relaxed);
    }
}

fn slot(slot: usize) -> Option<&'static AtomicPtr<u8>> {
    try_current()?.wasm_tls.get(slot)
}

/// Wasmtime's `wasmtime_tls_get` (slot 0: its runtime state, slot 1: its
/// component-model async state): see [`get`].
// SAFETY: the symbol is Wasmtime's (capi.rs) and defined nowhere else.
#[unsafe(no_mangle)]
pub extern "C" fn wasmtime_tls_get(slot: usize) -> *mut u8 {
    get(slot)
}

/// Wasmtime's `wasmtime_tls_set`: see [`set`].
// SAFETY: the symbol is Wasmtime's (capi.rs) and defined nowhere else.
#[unsafe(no_mangle)]
pub extern "C" fn wasmtime_tls_set(slot: usize, ptr: *mut u8) {
    set(slot, ptr)
}

/// How many slots there are.
pub const SLOTS: usize = WASM_TLS_SLOTS;
