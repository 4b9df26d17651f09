//! Benchmark agent: the time from spawning `bench-child` until it has run
//! and exited, averaged over 200 spawns.

use aios_sdk::{AgentInfo, AgentState, CapKind, Error, Handle};

/// How many children are spawned, one after the other.
const CHILDREN: u64 = 200;
/// The image spawned.
const CHILD: &str = "bench-child";

/// Why the benchmark stopped without a figure.
enum Failure {
    /// A syscall was refused.
    Syscall(Error),
    /// A child did not exit with 0, so its time is not of a complete run.
    Child(AgentInfo),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::Syscall(error)
    }
}

fn main() -> i32 {
    match run() {
        Ok(()) => 0,
        Err(Failure::Syscall(error)) => {
            aios_sdk::error!("bench-spawn: {error}");
            1
        }
        Err(Failure::Child(info)) => {
            aios_sdk::error!(
                "bench-spawn: child {} ended {:?} (code {:?}, {})",
                info.id,
                info.state,
                info.exit_code,
                info.reason.as_deref().unwrap_or("no reason given")
            );
            1
        }
    }
}

fn run() -> Result<(), Failure> {
    let budget = aios_sdk::find_cap(CapKind::SpawnBudget).ok_or(Error::NotFound)?;
    let budget = Handle(budget.handle);
    let mut total: u64 = 0;
    for _ in 0..CHILDREN {
        let start = aios_sdk::clock_ns();
        let child = aios_sdk::spawn(CHILD, budget)?;
        wait_exit(child)?;
        total = total.saturating_add(aios_sdk::clock_ns().saturating_sub(start));
    }
    aios_sdk::info!("bench: spawn_to_exit_ns={}", total / CHILDREN);
    Ok(())
}

/// Yields until `child` has finished with exit code 0.
fn wait_exit(child: Handle) -> Result<(), Failure> {
    loop {
        let info = aios_sdk::agent_info(child)?;
        match info.state {
            AgentState::Exited if info.exit_code == Some(0) => return Ok(()),
            state if state.is_final() => return Err(Failure::Child(info)),
            _ => aios_sdk::yield_now(),
        }
    }
}

aios_sdk::entry!(main);
