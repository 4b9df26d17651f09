//! Example agent: spins forever on arithmetic without a single syscall, so
//! only fuel-based preemption can take the CPU back from it.

use std::hint::black_box;

fn main() -> i32 {
    // A linear congruential generator; `black_box` keeps the optimiser from
    // folding the loop into nothing.
    let mut state: u64 = 1;
    loop {
        state = black_box(
            state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407),
        );
    }
}

aios_sdk::entry!(main);
