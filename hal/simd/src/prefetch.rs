//! Software prefetch: starts loading the cache lines a search is about to
//! read, so that their memory latencies overlap instead of adding up.

use core::arch::asm;

/// Bytes per cache line on the x86_64 CPUs AIOS runs on.
const LINE: usize = 64;

/// Asks the CPU to bring every cache line holding `data` into all cache
/// levels, and returns at once (the loads complete in the background).
///
/// Needs no vector state (PREFETCHT0 is part of the x86_64 baseline and
/// touches no register), so it may run anywhere in the kernel.
pub fn prefetch<T>(data: &[T]) {
    let start = data.as_ptr() as usize;
    let end = start.saturating_add(core::mem::size_of_val(data));
    let mut line = start & !(LINE - 1);
    while line < end {
        // SAFETY: PREFETCHT0 is a hint: it never faults (not even on an
        // unmapped address), writes no memory and changes no register or
        // flag, so it cannot break any invariant the compiler relies on.
        unsafe {
            asm!(
                "prefetcht0 byte ptr [{line}]",
                line = in(reg) line,
                options(nostack, preserves_flags, readonly)
            );
        }
        line += LINE;
    }
}
