//! The supervisor's life: read the bundle, boot, then one round every
//! 50 ms of watching agents and restarting them, with a status line every
//! 30 s.

use crate::boot::boot;
use crate::error::Error;
use crate::kernel::Kernel;
use crate::monitor::Monitor;
use crate::note::Note;

/// Time between two rounds.
pub const ROUND_MS: u64 = 50;
/// Time between two status lines.
pub const STATUS_EVERY_MS: u64 = 30_000;

/// The supervisor between rounds.
#[derive(Debug, Clone)]
pub struct Supervisor {
    monitor: Monitor,
    next_status_ms: u64,
    list_failing: bool,
}

/// Starts the supervisor and runs its rounds forever.
pub fn run<K: Kernel>(kernel: &mut K) -> ! {
    let mut supervisor = Supervisor::start(kernel);
    loop {
        kernel.sleep_ms(ROUND_MS);
        supervisor.round(kernel);
    }
}

impl Supervisor {
    /// Reads the bundle and the agents already there (retrying each round
    /// until the kernel answers), then boots the bundle's boot agents.
    pub fn start<K: Kernel>(kernel: &mut K) -> Supervisor {
        let images = retry(kernel, K::image_list);
        let agents = retry(kernel, K::agent_list);
        let monitor = Monitor::new(&images, &agents);
        boot(kernel, &images);
        Supervisor {
            monitor,
            next_status_ms: kernel.now_ms().saturating_add(STATUS_EVERY_MS),
            list_failing: false,
        }
    }

    /// One round: handles the agents that ended, respawns the restarts
    /// that are due, and logs the status when it is time.
    pub fn round<K: Kernel>(&mut self, kernel: &mut K) {
        let now_ms = kernel.now_ms();
        match kernel.agent_list() {
            Ok(agents) => {
                self.list_failing = false;
                for note in self.monitor.observe(&agents, now_ms) {
                    kernel.note(&note);
                }
                if now_ms >= self.next_status_ms {
                    kernel.note(&self.monitor.status(&agents));
                    self.next_status_ms = now_ms.saturating_add(STATUS_EVERY_MS);
                }
            }
            Err(error) => {
                // Said once per outage, not every 50 ms.
                if !self.list_failing {
                    kernel.note(&Note::Retrying(error));
                }
                self.list_failing = true;
            }
        }
        for restart in self.monitor.take_due(now_ms) {
            let note = match kernel.respawn(&restart.name, restart.replaces) {
                Ok(id) => Some(self.monitor.restarted(&restart, id)),
                Err(error) => self.monitor.respawn_failed(restart, error),
            };
            if let Some(note) = note {
                kernel.note(&note);
            }
        }
    }

    /// The restart state.
    pub fn monitor(&self) -> &Monitor {
        &self.monitor
    }
}

/// Calls `call` until it succeeds, a round apart, logging the first failure.
fn retry<K: Kernel, T>(kernel: &mut K, call: fn(&mut K) -> Result<T, Error>) -> T {
    let mut reported = false;
    loop {
        match call(kernel) {
            Ok(value) => return value,
            Err(error) if !reported => {
                kernel.note(&Note::Retrying(error));
                reported = true;
            }
            Err(_) => {}
        }
        kernel.sleep_ms(ROUND_MS);
    }
}

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
