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
    for line in line_starts(data.as_ptr() as usize, core::mem::size_of_val(data)) {
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
    }
}

/// The start address of every cache line that bytes `start..start + len`
/// touch (none for an empty range).
fn line_starts(start: usize, len: usize) -> impl Iterator<Item = usize> {
    let end = start.saturating_add(len);
    let first = start & !(LINE - 1);
    (first..end).step_by(LINE)
}

#[cfg(test)]
mod tests {
    use super::line_starts;

    #[test]
    fn every_touched_line_and_no_other() {
        let lines = |start, len, want: &[usize]| line_starts(start, len).eq(want.iter().copied());
        assert!(lines(0x1000, 0, &[]));
        assert!(lines(0x1000, 1, &[0x1000]));
        assert!(lines(0x1000, 64, &[0x1000]));
        assert!(lines(0x1000, 65, &[0x1000, 0x1040]));
        assert!(lines(0x103f, 2, &[0x1000, 0x1040]));
        // Unaligned: 384 bytes from 4 past a line touch 7 lines, not 6.
        assert_eq!(line_starts(0x1004, 384).count(), 7);
        assert_eq!(line_starts(0x1000, 384).count(), 6);
        assert!(lines(usize::MAX - 10, 100, &[usize::MAX & !63]));
    }
}
