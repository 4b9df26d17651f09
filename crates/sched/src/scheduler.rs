//! The scheduler's task table and the operations that file tasks in it.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use crate::queue::RunQueue;
use crate::sleepers::Sleepers;
use crate::{NORMAL_WEIGHT, TaskId, TaskState};

/// What the scheduler knows about one task.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Task {
    pub(crate) weight: u32,
    /// Weighted fuel burnt, on the clock of the `home` CPU's queue.
    pub(crate) vruntime: u64,
    pub(crate) state: TaskState,
    /// Tie-breaker of the task's key in its queue or among the sleepers.
    pub(crate) seq: u64,
    /// The CPU whose queue clock `vruntime` is measured against: the one it
    /// is queued or running on, or last was before it was parked.
    pub(crate) home: usize,
    /// Parked by [`Scheduler::throttle_until`]: wakes without a sleeper's
    /// credit.
    pub(crate) throttled: bool,
}

/// Per-CPU run queues, sleepers and the table of every known task.
///
/// Every operation on a task the scheduler does not know is a no-op, and a
/// CPU hint beyond the last CPU wraps around, so nothing a caller passes can
/// make it panic.
#[derive(Debug)]
pub struct Scheduler {
    pub(crate) tasks: BTreeMap<TaskId, Task>,
    pub(crate) queues: Vec<RunQueue>,
    pub(crate) sleepers: Sleepers,
    pub(crate) next_seq: u64,
    pub(crate) steals: u64,
}

impl Scheduler {
    /// A scheduler for `cpus` CPUs (at least one; zero is taken as one).
    pub fn new(cpus: usize) -> Self {
        let mut queues = Vec::new();
        queues.resize_with(cpus.max(1), RunQueue::default);
        Scheduler {
            tasks: BTreeMap::new(),
            queues,
            sleepers: Sleepers::default(),
            next_seq: 0,
            steals: 0,
        }
    }

    /// Adds a new runnable task of `weight` (`NORMAL_WEIGHT` is normal; zero
    /// is taken as one) to the queue of `cpu_hint`. Its virtual runtime
    /// starts at that queue's clock, so it neither waits behind the credit
    /// of older tasks nor overtakes them for long. A known `task` is left
    /// as it is.
    pub fn add(&mut self, task: TaskId, weight: u32, cpu_hint: usize) {
        if self.tasks.contains_key(&task) {
            return;
        }
        let cpu = self.cpu_for(cpu_hint);
        let entry = Task {
            weight: weight.max(1),
            vruntime: self.queues[cpu].floor(),
            state: TaskState::Runnable { cpu },
            seq: 0,
            home: cpu,
            throttled: false,
        };
        self.file(task, entry);
    }

    /// Charges `task` for `fuel` burnt: its virtual runtime grows by
    /// `fuel * NORMAL_WEIGHT / weight`, saturating.
    pub fn charge(&mut self, task: TaskId, fuel: u64) {
        let Some(entry) = self.tasks.get_mut(&task) else {
            return;
        };
        let cost = fuel.saturating_mul(u64::from(NORMAL_WEIGHT)) / u64::from(entry.weight);
        match entry.state {
            // The hot path (a task charged at the end of its slice) is not in
            // any keyed structure, so it is updated in place.
            TaskState::Running { cpu } => {
                entry.vruntime = entry.vruntime.saturating_add(cost);
                let vruntime = entry.vruntime;
                self.queues[cpu].advance_floor(vruntime);
            }
            TaskState::Blocked => entry.vruntime = entry.vruntime.saturating_add(cost),
            TaskState::Runnable { .. } | TaskState::Sleeping { .. } => {
                if let Some(mut entry) = self.take(task) {
                    entry.vruntime = entry.vruntime.saturating_add(cost);
                    self.file(task, entry);
                }
            }
        }
    }

    /// Changes the weight used for `task`'s future charges (zero is taken
    /// as one).
    pub fn set_weight(&mut self, task: TaskId, weight: u32) {
        if let Some(entry) = self.tasks.get_mut(&task) {
            entry.weight = weight.max(1);
        }
    }

    /// Forgets `task` whatever its state (it exited or was killed).
    pub fn remove(&mut self, task: TaskId) {
        self.take(task);
    }

    /// The state of `task`, or `None` if the scheduler does not know it.
    pub fn state(&self, task: TaskId) -> Option<TaskState> {
        self.tasks.get(&task).map(|entry| entry.state)
    }

    /// The virtual runtime of `task` on its CPU's clock, for metrics.
    pub fn vruntime(&self, task: TaskId) -> Option<u64> {
        self.tasks.get(&task).map(|entry| entry.vruntime)
    }

    /// Tasks waiting in `cpu`'s queue (zero for an unknown CPU).
    pub fn runnable_on(&self, cpu: usize) -> usize {
        self.queues.get(cpu).map_or(0, RunQueue::len)
    }

    /// The number of CPUs.
    pub fn cpus(&self) -> usize {
        self.queues.len()
    }

    /// Known tasks, in every state.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether no task is known.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Successful steals since the scheduler was created.
    pub fn steals(&self) -> u64 {
        self.steals
    }

    /// The CPU a hint names, wrapping hints beyond the last CPU.
    pub(crate) fn cpu_for(&self, hint: usize) -> usize {
        hint % self.queues.len()
    }

    /// Removes `task` from the table and from wherever its state files it.
    pub(crate) fn take(&mut self, task: TaskId) -> Option<Task> {
        let entry = self.tasks.remove(&task)?;
        match entry.state {
            TaskState::Runnable { cpu } => self.queues[cpu].remove((entry.vruntime, entry.seq)),
            TaskState::Running { cpu } => self.queues[cpu].stop_running(),
            TaskState::Sleeping { until } => self.sleepers.remove((until, entry.seq)),
            TaskState::Blocked => {}
        }
        Some(entry)
    }

    /// Puts `task` back in the table and where its state says it belongs.
    /// Queue and sleeper entries get a fresh sequence number, so a task
    /// filed again goes behind its equals.
    pub(crate) fn file(&mut self, task: TaskId, mut entry: Task) {
        entry.seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1);
        match entry.state {
            TaskState::Runnable { cpu } => {
                entry.home = cpu;
                self.queues[cpu].insert((entry.vruntime, entry.seq), task);
            }
            TaskState::Running { cpu } => {
                entry.home = cpu;
                self.queues[cpu].start_running();
            }
            TaskState::Sleeping { until } => self.sleepers.insert((until, entry.seq), task),
            TaskState::Blocked => {}
        }
        self.tasks.insert(task, entry);
    }
}
