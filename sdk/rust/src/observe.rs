//! Watching the system: event subscriptions, message traces and IPC
//! statistics.

use crate::reply::query;
use crate::status::{check, clamp_ns};
use aios_abi::Error;
use aios_abi::payload::{EventFilter, IpcStats, TraceList};
use aios_events::Event;

/// First guess at the size of one encoded event.
const EVENT_REPLY: usize = 256;
/// First guess at the size of an encoded `TraceList`.
const TRACE_REPLY: usize = 4096;
/// First guess at the size of an encoded `IpcStats`.
const STATS_REPLY: usize = 256;

/// Subscribes to the events of the EventTopic capability `topic` (read
/// right) that pass `filter`; returns the subscription number for
/// [`event_next`].
pub fn event_subscribe(topic: u32, filter: &EventFilter) -> Result<u32, Error> {
    let bytes = aios_abi::encode(filter);
    // SAFETY: `bytes` is a live buffer of `bytes.len()` bytes for the whole
    // call; the kernel only reads it.
    let ret = unsafe { crate::sys::event_subscribe(topic, bytes.as_ptr(), bytes.len()) };
    check(ret)
}

/// The next event of subscription `sub`, waiting up to `timeout_ns` (0
/// polls, `i64::MAX` waits forever).
pub fn event_next(sub: u32, timeout_ns: u64) -> Result<Event, Error> {
    let timeout_ns = clamp_ns(timeout_ns);
    query(EVENT_REPLY, |out| {
        // SAFETY: `out` is a live, writable buffer of `out.len()` bytes for
        // the whole call; the kernel writes at most that many.
        unsafe { crate::sys::event_next(sub, out.as_mut_ptr(), out.len(), timeout_ns) }
    })
}

/// The recent messages of trace or conversation `id`, parents before
/// children (needs inspect on the System capability `system`).
pub fn ipc_trace(system: u32, id: u64) -> Result<TraceList, Error> {
    query(TRACE_REPLY, |out| {
        // SAFETY: as in `event_next`: a live, writable buffer of
        // `out.len()` bytes.
        unsafe { crate::sys::ipc_trace(system, id, out.as_mut_ptr(), out.len()) }
    })
}

/// Message totals and the round-trip latency histogram (needs inspect on
/// `system`).
pub fn ipc_stats(system: u32) -> Result<IpcStats, Error> {
    query(STATS_REPLY, |out| {
        // SAFETY: as in `event_next`: a live, writable buffer of
        // `out.len()` bytes.
        unsafe { crate::sys::ipc_stats(system, out.as_mut_ptr(), out.len()) }
    })
}
