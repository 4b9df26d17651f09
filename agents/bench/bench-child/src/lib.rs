//! Benchmark agent spawned by `bench-spawn`: its first act is to read the
//! clock, and it exits with the low 31 bits of that reading, so the parent
//! learns when the child started running.

/// The clock bits that fit a non-negative exit code.
const CLOCK_MASK: u64 = 0x7fff_ffff;

fn main() -> i32 {
    (aios_sdk::clock_ns() & CLOCK_MASK) as i32
}

aios_sdk::entry!(main);
