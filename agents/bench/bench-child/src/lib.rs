//! Benchmark agent: does nothing and exits 0 at once, so `bench-spawn`
//! measures only spawning, starting and reaping an agent.

fn main() -> i32 {
    0
}

aios_sdk::entry!(main);
