//! Example agent: spawns `hello` 100 times with its spawn budget, keeping
//! every handle, then kills those still alive.

use aios_sdk::{CapKind, Error, Handle};

/// How many children to spawn.
const CHILDREN: usize = 100;

fn main() -> i32 {
    match run() {
        Ok(()) => {
            aios_sdk::info!("spawner: spawned and killed {CHILDREN} children");
            0
        }
        Err(error) => {
            aios_sdk::error!("spawner: {error}");
            1
        }
    }
}

fn run() -> Result<(), Error> {
    let budget = aios_sdk::find_cap(CapKind::SpawnBudget).ok_or(Error::NotFound)?;
    let budget = Handle(budget.handle);
    let mut children = Vec::with_capacity(CHILDREN);
    for _ in 0..CHILDREN {
        children.push(aios_sdk::spawn("hello", budget)?);
    }
    children.into_iter().try_for_each(stop)
}

/// Kills `child` unless it has already finished on its own.
fn stop(child: Handle) -> Result<(), Error> {
    if aios_sdk::agent_info(child)?.state.is_final() {
        return Ok(());
    }
    match aios_sdk::kill(child) {
        // A refused kill is fine if the child finished between the look
        // and the kill.
        Err(error) if !aios_sdk::agent_info(child)?.state.is_final() => Err(error),
        _ => Ok(()),
    }
}

aios_sdk::entry!(main);
