//! A self-check that every task is filed in exactly one place.

use alloc::vec;

use crate::TaskState;
use crate::error::Inconsistency;
use crate::scheduler::Scheduler;

impl Scheduler {
    /// Checks the scheduler's internal invariants: every runnable task is in
    /// its CPU's queue under its own key and in no other, every sleeping task
    /// among the sleepers likewise, and each CPU's running count matches
    /// the table. O(n); for tests and kernel self-checks.
    pub fn audit(&self) -> Result<(), Inconsistency> {
        let mut running = vec![0usize; self.queues.len()];
        for (&task, entry) in &self.tasks {
            match entry.state {
                TaskState::Runnable { cpu } => {
                    let queue = self
                        .queues
                        .get(cpu)
                        .ok_or(Inconsistency::NoSuchCpu { task, cpu })?;
                    if queue.get((entry.vruntime, entry.seq)) != Some(task) {
                        return Err(Inconsistency::NotQueued { task });
                    }
                }
                TaskState::Running { cpu } => {
                    let count = running
                        .get_mut(cpu)
                        .ok_or(Inconsistency::NoSuchCpu { task, cpu })?;
                    *count += 1;
                }
                TaskState::Sleeping { until } => {
                    if self.sleepers.get((until, entry.seq)) != Some(task) {
                        return Err(Inconsistency::NotSleeping { task });
                    }
                }
                TaskState::Blocked => {}
            }
        }
        for (cpu, queue) in self.queues.iter().enumerate() {
            for ((vruntime, seq), task) in queue.iter() {
                let entry = self.tasks.get(&task);
                let filed_here = entry.is_some_and(|entry| {
                    entry.state == TaskState::Runnable { cpu }
                        && entry.vruntime == vruntime
                        && entry.seq == seq
                });
                if !filed_here {
                    return Err(Inconsistency::StrayQueueEntry { cpu, task });
                }
            }
            if queue.running() != running[cpu] {
                return Err(Inconsistency::RunningCount {
                    cpu,
                    counted: running[cpu],
                    recorded: queue.running(),
                });
            }
        }
        for ((until, seq), task) in self.sleepers.iter() {
            let entry = self.tasks.get(&task);
            let filed_here = entry.is_some_and(|entry| {
                entry.state == TaskState::Sleeping { until } && entry.seq == seq
            });
            if !filed_here {
                return Err(Inconsistency::StraySleeper { task });
            }
        }
        Ok(())
    }
}
