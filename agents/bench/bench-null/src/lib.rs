//! Benchmark agent: the cost of the null syscall, from 100,000 calls
//! between two clock readings, with and without the loop's own overhead.

use aios_sdk::Error;
use core::hint::black_box;

/// How many calls (and empty iterations) are timed.
const CALLS: u64 = 100_000;

fn main() -> i32 {
    match run() {
        Ok(()) => 0,
        Err(error) => {
            aios_sdk::error!("bench-null: {error}");
            1
        }
    }
}

fn run() -> Result<(), Error> {
    let start = aios_sdk::clock_ns();
    for i in 0..CALLS {
        black_box(i);
        aios_sdk::null()?;
    }
    let calls = aios_sdk::clock_ns().saturating_sub(start);

    let start = aios_sdk::clock_ns();
    for i in 0..CALLS {
        black_box(i);
    }
    let empty = aios_sdk::clock_ns().saturating_sub(start);

    aios_sdk::info!(
        "bench: null_syscall_ns={} null_syscall_net_ns={}",
        per_call(calls),
        per_call(calls.saturating_sub(empty))
    );
    Ok(())
}

/// `total / CALLS` as a decimal with one fractional digit (truncated).
fn per_call(total: u64) -> String {
    let tenths = total / (CALLS / 10);
    format!("{}.{}", tenths / 10, tenths % 10)
}

aios_sdk::entry!(main);
