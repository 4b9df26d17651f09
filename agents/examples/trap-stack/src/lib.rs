//! Example agent: recurses until the Wasm call stack is exhausted, to show
//! that the kernel stops this agent alone and names the trap.

use std::hint::black_box;

fn main() -> i32 {
    aios_sdk::info!("trap-stack: recursing until the call stack runs out");
    // A depth the optimiser cannot see, far beyond any call stack.
    let folded = nest(black_box(u64::MAX));
    aios_sdk::error!("trap-stack: came back from the recursion ({folded})");
    1
}

/// One call per step down from `n`. The call is not in tail position and
/// its result is rotated before the xor, so no optimisation turns the
/// recursion into a loop; no local has its address taken, so the frames
/// live on the Wasm call stack alone and never reach Rust's stack in
/// linear memory (which would end in an out-of-bounds access instead).
fn nest(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    nest(n - 1).rotate_left(1) ^ n
}

aios_sdk::entry!(main);
