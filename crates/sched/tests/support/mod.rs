//! Helpers shared by the scheduler's integration tests.

use aios_sched::{Scheduler, TaskId};

/// Runs one slice on `cpu`: picks, charges `fuel`, puts the task back on
/// the same CPU, and checks the scheduler's invariants.
pub fn run_slice(scheduler: &mut Scheduler, cpu: usize, fuel: u64) -> Option<TaskId> {
    let task = scheduler.pick(cpu)?;
    scheduler.charge(task, fuel);
    scheduler.requeue(task, cpu);
    assert_eq!(scheduler.audit(), Ok(()));
    Some(task)
}
