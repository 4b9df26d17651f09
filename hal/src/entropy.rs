//! Raw entropy from the CPU: 64-bit RDSEED and RDRAND words, and
//! time-stamp-counter jitter for a caller that asks for it by name. Each
//! sample comes from the one source the caller names; nothing here mixes
//! sources or falls back to another. The kernel's DRBG health-tests and
//! conditions what it takes (`kernel/src/random.rs`, `docs/random.md`).

use core::arch::asm;
use spin::Once;

/// A source of raw entropy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The CPU's RDSEED instruction (its entropy source, conditioned).
    Rdseed,
    /// The CPU's RDRAND instruction (a hardware DRBG reseeded from it).
    Rdrand,
    /// Time-stamp-counter jitter around port reads: weak, and reproducible
    /// under deterministic emulation (`-icount`).
    TscJitter,
}

/// What CPUID says about the two instructions, read once.
static FEATURES: Once<(bool, bool)> = Once::new();

fn features() -> (bool, bool) {
    *FEATURES.call_once(|| {
        let rdseed = crate::cpu::cpuid(0, 0).0 >= 7 && crate::cpu::cpuid(7, 0).1 & (1 << 18) != 0;
        let rdrand = crate::cpu::cpuid(1, 0).2 & (1 << 30) != 0;
        (rdseed, rdrand)
    })
}

impl Source {
    /// The source's name, for logs.
    pub fn name(self) -> &'static str {
        match self {
            Source::Rdseed => "RDSEED",
            Source::Rdrand => "RDRAND",
            Source::TscJitter => "TSC jitter",
        }
    }

    /// Whether this CPU has the source (jitter: always).
    pub fn available(self) -> bool {
        match self {
            Source::Rdseed => features().0,
            Source::Rdrand => features().1,
            Source::TscJitter => true,
        }
    }
}

/// The best hardware source this CPU has: RDSEED, else RDRAND, else none
/// (never jitter).
pub fn best_hardware() -> Option<Source> {
    [Source::Rdseed, Source::Rdrand]
        .into_iter()
        .find(|source| source.available())
}

/// One raw 64-bit sample from `source`, or `None` when the CPU lacks it or
/// the instruction kept reporting no data (RDSEED does when its entropy is
/// drained faster than it refills).
pub fn sample(source: Source) -> Option<u64> {
    if !source.available() {
        return None;
    }
    match source {
        Source::Rdseed => rdseed64(),
        Source::Rdrand => rdrand64(),
        Source::TscJitter => Some(jitter64()),
    }
}

/// Intel's guidance: RDRAND fails only transiently (10 tries suffice);
/// RDSEED may fail for longer under contention, so it retries more, with
/// a pause between tries.
const RDRAND_TRIES: usize = 32;
const RDSEED_TRIES: usize = 128;

fn rdrand64() -> Option<u64> {
    for _ in 0..RDRAND_TRIES {
        let value: u64;
        let ok: u8;
        // SAFETY: `sample` checked CPUID for RDRAND; the instruction only
        // writes the named registers and the flags.
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
    for _ in 0..RDSEED_TRIES {
        let value: u64;
        let ok: u8;
        // SAFETY: `sample` checked CPUID for RDSEED; the instruction only
        // writes the named registers and the flags.
        unsafe {
            asm!("rdseed {v}", "setc {ok}", v = out(reg) value, ok = out(reg_byte) ok, options(nomem, nostack));
        }
        if ok != 0 {
            return Some(value);
        }
        core::hint::spin_loop();
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
