//! The real kernel behind [`Kernel`]: the SDK's syscalls with the
//! supervisor's system and spawn-budget capabilities.

use crate::error::Error;
use crate::kernel::Kernel;
use aios_sdk::{AgentInfo, CapKind, Handle, ImageInfo, Level};
use core::time::Duration;
use std::vec::Vec;

/// Nanoseconds in a millisecond.
const NS_PER_MS: u64 = 1_000_000;

/// The kernel, reached through the capabilities the manifest granted.
#[derive(Debug, Clone, Copy)]
pub struct Syscalls {
    system: Handle,
    budget: Handle,
}

impl Syscalls {
    /// Finds the supervisor's system and spawn-budget capabilities.
    pub fn new() -> Result<Syscalls, Error> {
        let find = |kind, name| {
            aios_sdk::find_cap(kind)
                .map(|cap| Handle(cap.handle))
                .ok_or(Error::MissingCapability { kind: name })
        };
        Ok(Syscalls {
            system: find(CapKind::System, "system")?,
            budget: find(CapKind::SpawnBudget, "spawn-budget")?,
        })
    }

    /// The id of the agent behind the fresh spawn handle `handle`, which
    /// is then released: the supervisor reaches agents by id through its
    /// system capability, and keeping every handle would fill its table.
    fn adopt(handle: Handle) -> Result<u64, Error> {
        let info = aios_sdk::agent_info(handle).map_err(Error::syscall("agent_info"));
        if let Err(error) = aios_sdk::cap_revoke(handle) {
            aios_sdk::warn!("supervisor: releasing a spawn handle failed: {error}");
        }
        info.map(|info| info.id)
    }
}

impl Kernel for Syscalls {
    fn now_ms(&self) -> u64 {
        aios_sdk::clock_ns() / NS_PER_MS
    }

    fn sleep_ms(&mut self, ms: u64) {
        if aios_sdk::sleep(Duration::from_millis(ms)).is_err() {
            // Never spin: give the CPU away even if sleeping was refused.
            aios_sdk::yield_now();
        }
    }

    fn image_list(&mut self) -> Result<Vec<ImageInfo>, Error> {
        aios_sdk::image_list(self.system).map_err(Error::syscall("image_list"))
    }

    fn agent_list(&mut self) -> Result<Vec<AgentInfo>, Error> {
        aios_sdk::agent_list(self.system).map_err(Error::syscall("agent_list"))
    }

    fn spawn(&mut self, name: &str) -> Result<u64, Error> {
        let handle = aios_sdk::spawn(name, self.budget).map_err(Error::syscall("agent_spawn"))?;
        Syscalls::adopt(handle)
    }

    fn respawn(&mut self, name: &str, replaces: u64) -> Result<u64, Error> {
        let handle = aios_sdk::respawn(name, self.budget, replaces)
            .map_err(Error::syscall("agent_spawn"))?;
        Syscalls::adopt(handle)
    }

    fn log(&mut self, level: Level, line: &str) {
        // There is nowhere else to report a failure to log.
        aios_sdk::log(level, line).ok();
    }
}
