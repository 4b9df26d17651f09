//! Benchmark agent: 20,000 yields. Two instances on one CPU hand the CPU
//! to each other on every yield, so the pair's wall time over 40,000 is the
//! cost of one switch between agents.

use aios_sdk::{CapKind, Error, Handle};
use core::time::Duration;

/// How many times each instance yields.
const YIELDS: u32 = 20_000;
/// How many instances the console starts.
const PAIR: usize = 2;
/// How often the start barrier looks for the other instance.
const POLL: Duration = Duration::from_millis(1);

fn main() -> Result<(), Error> {
    wait_for_partner()?;
    let start = aios_sdk::clock_ns();
    for _ in 0..YIELDS {
        aios_sdk::yield_now();
    }
    let total = aios_sdk::clock_ns().saturating_sub(start);
    aios_sdk::info!("bench: yield_loop_ns={total}");
    Ok(())
}

/// Sleeps until both instances are alive, so that neither yields alone:
/// the console spawns them one after the other.
fn wait_for_partner() -> Result<(), Error> {
    let system = aios_sdk::find_cap(CapKind::System).ok_or(Error::NotFound)?;
    let system = Handle(system.handle);
    loop {
        let alive = aios_sdk::agent_list(system)?
            .iter()
            .filter(|agent| agent.name == "bench-yield" && !agent.state.is_final())
            .count();
        if alive >= PAIR {
            return Ok(());
        }
        aios_sdk::sleep(POLL)?;
    }
}

aios_sdk::entry!(main);
