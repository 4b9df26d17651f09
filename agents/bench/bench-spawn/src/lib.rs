//! Benchmark agent: the time from spawning `bench-child` until it runs
//! (the child exits with the low 31 bits of the clock it read first), and
//! until it has exited, averaged over 200 spawns.

use aios_sdk::{AgentInfo, AgentState, CapKind, Error, Handle};

/// How many children are spawned, one after the other.
const CHILDREN: u64 = 200;
/// The image spawned.
const CHILD: &str = "bench-child";
/// The clock bits the child reports in its exit code.
const CLOCK_MASK: u64 = 0x7fff_ffff;

/// Why the benchmark stopped without a figure.
enum Failure {
    /// A syscall was refused.
    Syscall(Error),
    /// A child did not exit with 0, so its time is not of a complete run.
    Child(Box<AgentInfo>),
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
    let (mut to_run, mut to_exit) = (0u64, 0u64);
    for _ in 0..CHILDREN {
        let start = aios_sdk::clock_ns();
        let child = aios_sdk::spawn(CHILD, budget)?;
        let started = wait_exit(child)?;
        to_exit = to_exit.saturating_add(aios_sdk::clock_ns().saturating_sub(start));
        to_run = to_run.saturating_add(started.wrapping_sub(start) & CLOCK_MASK);
    }
    aios_sdk::info!(
        "bench: spawn_to_run_ns={} spawn_to_exit_ns={}",
        to_run / CHILDREN,
        to_exit / CHILDREN
    );
    Ok(())
}

/// Yields until `child` has exited; returns the clock bits it reported.
fn wait_exit(child: Handle) -> Result<u64, Failure> {
    loop {
        let info = aios_sdk::agent_info(child)?;
        match (info.state, info.exit_code) {
            (AgentState::Exited, Some(code)) if code >= 0 => return Ok(code as u64),
            (state, _) if state.is_final() => return Err(Failure::Child(Box::new(info))),
            _ => aios_sdk::yield_now(),
        }
    }
}

aios_sdk::entry!(main);
