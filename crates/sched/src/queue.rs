//! One CPU's run queue: tasks ordered by virtual runtime, and its clock.

use alloc::collections::BTreeMap;

use crate::TaskId;

/// Orders a queue: virtual runtime first, then insertion order, so tasks
/// with equal virtual runtime run first come, first served.
pub(crate) type QueueKey = (u64, u64);

/// The run queue of one CPU.
///
/// Virtual runtimes are only comparable within one queue: each queue has its
/// own virtual clock, `floor`, which never goes backwards and follows the
/// smallest virtual runtime of the tasks queued on or running on the CPU.
/// A task moving between CPUs keeps its distance to the floor (see
/// [`rebase`]), not its absolute value.
#[derive(Debug, Default)]
pub(crate) struct RunQueue {
    entries: BTreeMap<QueueKey, TaskId>,
    floor: u64,
    running: usize,
}

impl RunQueue {
    /// Tasks waiting in the queue.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Tasks waiting plus tasks running on the CPU: what stealing balances.
    pub(crate) fn load(&self) -> usize {
        self.entries.len().saturating_add(self.running)
    }

    /// Tasks currently running on the CPU.
    pub(crate) fn running(&self) -> usize {
        self.running
    }

    /// The queue's virtual clock.
    pub(crate) fn floor(&self) -> u64 {
        self.floor
    }

    /// The task with the lowest virtual runtime.
    pub(crate) fn first(&self) -> Option<TaskId> {
        self.entries.first_key_value().map(|(_, &task)| task)
    }

    /// The task with the highest virtual runtime: the one a thief takes,
    /// because it would wait longest here.
    pub(crate) fn last(&self) -> Option<TaskId> {
        self.entries.last_key_value().map(|(_, &task)| task)
    }

    /// The task filed under `key`, if any.
    pub(crate) fn get(&self, key: QueueKey) -> Option<TaskId> {
        self.entries.get(&key).copied()
    }

    /// Every queued entry, lowest virtual runtime first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (QueueKey, TaskId)> + '_ {
        self.entries.iter().map(|(&key, &task)| (key, task))
    }

    pub(crate) fn insert(&mut self, key: QueueKey, task: TaskId) {
        self.entries.insert(key, task);
    }

    pub(crate) fn remove(&mut self, key: QueueKey) {
        self.entries.remove(&key);
    }

    pub(crate) fn start_running(&mut self) {
        self.running = self.running.saturating_add(1);
    }

    pub(crate) fn stop_running(&mut self) {
        self.running = self.running.saturating_sub(1);
    }

    /// Moves the clock up to `vruntime` of a task that is running here, but
    /// never past the first queued task, so waiting tasks keep their place.
    pub(crate) fn advance_floor(&mut self, vruntime: u64) {
        let lowest_queued = self.entries.first_key_value().map(|(&(v, _), _)| v);
        let candidate = lowest_queued.map_or(vruntime, |queued| queued.min(vruntime));
        self.floor = self.floor.max(candidate);
    }
}

/// Translates `vruntime`, measured against the clock `from`, to the clock
/// `to`, keeping its lead or lag (saturating at the ends of `u64`).
pub(crate) fn rebase(vruntime: u64, from: u64, to: u64) -> u64 {
    if vruntime >= from {
        to.saturating_add(vruntime - from)
    } else {
        to.saturating_sub(from - vruntime)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebase_keeps_lead_and_lag() {
        assert_eq!(rebase(150, 100, 1_000), 1_050);
        assert_eq!(rebase(80, 100, 1_000), 980);
        assert_eq!(rebase(80, 100, 10), 0);
        assert_eq!(rebase(u64::MAX, 0, 5), u64::MAX);
    }

    #[test]
    fn floor_never_passes_the_first_queued_task_nor_goes_back() {
        let mut queue = RunQueue::default();
        queue.insert((500, 0), 7);
        queue.advance_floor(900);
        assert_eq!(queue.floor(), 500);
        queue.advance_floor(100);
        assert_eq!(queue.floor(), 500);
        queue.remove((500, 0));
        queue.advance_floor(900);
        assert_eq!(queue.floor(), 900);
    }
}
