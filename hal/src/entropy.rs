//! Entropy for keys: RDSEED or RDRAND when the CPU has them, else the
//! low bits of time-stamp-counter readings between port reads (timing
//! jitter). Callers hash what they get; under deterministic emulation
//! (`-icount`) the fallback is deterministic too, and says so.

use core::arch::asm;

/// Where the bytes came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The CPU's RDSEED instruction.
    Rdseed,
    /// The CPU's RDRAND instruction.
    Rdrand,
    /// Time-stamp-counter jitter: weak, and reproducible under icount.
    TscJitter,
}

fn has_rdrand() -> bool {
    crate::cpu::cpuid(1, 0).2 & (1 << 30) != 0
}

fn has_rdseed() -> bool {
    crate::cpu::cpuid(0, 0).0 >= 7 && crate::cpu::cpuid(7, 0).1 & (1 << 18) != 0
}

fn rdrand64() -> Option<u64> {
    for _ in 0..32 {
        let value: u64;
        let ok: u8;
        // SAFETY: CPUID said RDRAND exists; it only writes the named
        // registers and the carry flag.
        unsafe {
            asm!("rdrand {v}", "setc {ok}", v = out(reg) value, ok = out(reg_byte) ok, options(nomem, nostack));
        }
        if ok != 0 {
            return Some(value);
        }
    }
    None
}

fn rdseed64() -> Option<u64> {
    for _ in 0..64 {
        let value: u64;
        let ok: u8;
        // SAFETY: CPUID said RDSEED exists; it only writes the named
        // registers and the carry flag.
        unsafe {
            asm!("rdseed {v}", "setc {ok}", v = out(reg) value, ok = out(reg_byte) ok, options(nomem, nostack));
        }
        if ok != 0 {
            return Some(value);
        }
    }
    None
}

fn jitter64() -> u64 {
    let mut acc: u64 = 0;
    for _ in 0..64 {
        let before = crate::cpu::rdtsc();
        // A port read takes a variable time on real hardware.
        // SAFETY: port 0x80 is the POST diagnostic port; reading it has no
        // effect on any device.
        let _ = unsafe { crate::port::inb(0x80) };
        let delta = crate::cpu::rdtsc().wrapping_sub(before);
        acc = acc.rotate_left(5) ^ delta ^ before;
    }
    acc
}

/// Fills `out` with entropy; returns the source used.
pub fn fill(out: &mut [u8]) -> Source {
    let (source, next): (Source, fn() -> Option<u64>) = if has_rdseed() {
        (Source::Rdseed, rdseed64)
    } else if has_rdrand() {
        (Source::Rdrand, rdrand64)
    } else {
        (Source::TscJitter, || Some(jitter64()))
    };
    let mut used = source;
    for chunk in out.chunks_mut(8) {
        let word = next().unwrap_or_else(|| {
            used = Source::TscJitter;
            jitter64()
        });
        chunk.copy_from_slice(&word.to_le_bytes()[..chunk.len()]);
    }
    used
}
