//! Example agent: runs for a moment, then traps, to exercise the
//! supervisor's restarts, backoff and circuit breaker.

use std::time::Duration;

fn main() -> i32 {
    if let Err(error) = aios_sdk::sleep(Duration::from_millis(200)) {
        aios_sdk::error!("crasher: sleep failed ({error})");
        return 1;
    }
    aios_sdk::info!("crasher: about to trap");
    core::arch::wasm32::unreachable()
}

aios_sdk::entry!(main);
