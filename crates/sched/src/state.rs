//! Where a task is in its life cycle, as callers see it.

/// The scheduling state of a known task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    /// Waiting in `cpu`'s run queue.
    Runnable {
        /// The CPU whose queue holds the task.
        cpu: usize,
    },
    /// Picked by `cpu` and not yet put back.
    Running {
        /// The CPU running the task.
        cpu: usize,
    },
    /// Parked until someone wakes it; in no queue.
    Blocked,
    /// Parked until `until` nanoseconds (or an earlier wake).
    Sleeping {
        /// The deadline, in the caller's nanoseconds since boot.
        until: u64,
    },
}
