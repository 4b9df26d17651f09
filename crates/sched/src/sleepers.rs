//! Tasks sleeping with a timer, ordered by deadline.

use alloc::collections::BTreeMap;

use crate::TaskId;

/// Orders sleepers: deadline first, then the order they went to sleep.
pub(crate) type SleeperKey = (u64, u64);

/// The sleeping tasks of all CPUs.
#[derive(Debug, Default)]
pub(crate) struct Sleepers {
    entries: BTreeMap<SleeperKey, TaskId>,
}

impl Sleepers {
    pub(crate) fn insert(&mut self, key: SleeperKey, task: TaskId) {
        self.entries.insert(key, task);
    }

    pub(crate) fn remove(&mut self, key: SleeperKey) {
        self.entries.remove(&key);
    }

    /// The task filed under `key`, if any.
    pub(crate) fn get(&self, key: SleeperKey) -> Option<TaskId> {
        self.entries.get(&key).copied()
    }

    /// The earliest deadline.
    pub(crate) fn earliest(&self) -> Option<u64> {
        self.entries.first_key_value().map(|(&(until, _), _)| until)
    }

    /// Removes and returns the sleeper with the earliest deadline, if that
    /// deadline is at or before `now_ns`.
    pub(crate) fn pop_due(&mut self, now_ns: u64) -> Option<TaskId> {
        let (&(until, _), _) = self.entries.first_key_value()?;
        if until > now_ns {
            return None;
        }
        self.entries.pop_first().map(|(_, task)| task)
    }

    /// Every sleeper, earliest deadline first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (SleeperKey, TaskId)> + '_ {
        self.entries.iter().map(|(&key, &task)| (key, task))
    }
}
