//! Parking tasks (blocked, sleeping) and waking them.

use crate::queue::rebase;
use crate::scheduler::Scheduler;
use crate::{SLICE_FUEL, TaskId, TaskState};

/// How far below a queue's clock a waking task may start: one slice of a
/// normal-weight task. A short sleeper keeps its place; a long sleeper gets
/// to run next but cannot bank the time it slept as credit.
const WAKE_CREDIT: u64 = SLICE_FUEL;

impl Scheduler {
    /// Parks `task` until [`Scheduler::wake`]: it is in no queue and uses
    /// no CPU. Cancels a pending sleep.
    pub fn block(&mut self, task: TaskId) {
        self.park(task, TaskState::Blocked, false);
    }

    /// Parks `task` until `wake_ns` (see [`Scheduler::wake_expired`]) or an
    /// earlier [`Scheduler::wake`]. Replaces a pending deadline.
    pub fn sleep_until(&mut self, task: TaskId, wake_ns: u64) {
        self.park(task, TaskState::Sleeping { until: wake_ns }, false);
    }

    /// Parks `task`, which used up its CPU quota, until `wake_ns`. Unlike a
    /// sleeper it gets no credit when it wakes: it goes behind the queue's
    /// clock's tasks instead of ahead of the agents that were waiting for
    /// a message or a timer.
    pub fn throttle_until(&mut self, task: TaskId, wake_ns: u64) {
        self.park(task, TaskState::Sleeping { until: wake_ns }, true);
    }

    /// Makes a blocked or sleeping `task` runnable on `cpu_hint`'s queue.
    /// It keeps its virtual runtime but starts no further behind the
    /// queue's clock than one slice ([`SLICE_FUEL`]) of a normal task, so it
    /// runs soon without banking the time it was parked. Returns whether it
    /// was parked.
    pub fn wake(&mut self, task: TaskId, cpu_hint: usize) -> bool {
        let Some(entry) = self.tasks.get(&task) else {
            return false;
        };
        if !matches!(entry.state, TaskState::Blocked | TaskState::Sleeping { .. }) {
            return false;
        }
        let Some(mut entry) = self.take(task) else {
            return false;
        };
        let cpu = self.cpu_for(cpu_hint);
        let floor = self.queues[cpu].floor();
        let own = rebase(entry.vruntime, self.queues[entry.home].floor(), floor);
        let credit = if entry.throttled { 0 } else { WAKE_CREDIT };
        entry.throttled = false;
        entry.vruntime = own.max(floor.saturating_sub(credit));
        entry.state = TaskState::Runnable { cpu };
        self.file(task, entry);
        true
    }

    /// Wakes, onto `cpu_hint`'s queue, every sleeper whose deadline is at or
    /// before `now_ns`; returns how many. Stealing spreads them afterwards.
    pub fn wake_expired(&mut self, now_ns: u64, cpu_hint: usize) -> usize {
        let mut woken = 0usize;
        // Each turn removes one entry, so the loop ends whatever the entries
        // name; `wake` then finds the task's own entry already gone.
        while let Some(task) = self.sleepers.pop_due(now_ns) {
            if self.wake(task, cpu_hint) {
                woken = woken.saturating_add(1);
            }
        }
        woken
    }

    /// The earliest sleeper deadline, for programming the timer.
    pub fn next_wake_ns(&self) -> Option<u64> {
        self.sleepers.earliest()
    }

    fn park(&mut self, task: TaskId, state: TaskState, throttled: bool) {
        if let Some(mut entry) = self.take(task) {
            entry.state = state;
            entry.throttled = throttled;
            self.file(task, entry);
        }
    }
}
