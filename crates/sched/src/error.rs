//! The inconsistencies [`crate::Scheduler::audit`] can find.

use core::fmt;

use crate::TaskId;

/// A broken internal invariant of the scheduler: a bug in this crate, never
/// something a caller's arguments can cause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inconsistency {
    /// A task's state names a CPU that does not exist.
    NoSuchCpu {
        /// The task.
        task: TaskId,
        /// The CPU its state names.
        cpu: usize,
    },
    /// A runnable task is missing from its CPU's queue.
    NotQueued {
        /// The task.
        task: TaskId,
    },
    /// A queue holds an entry that is not the key of a task runnable there.
    StrayQueueEntry {
        /// The CPU whose queue holds the entry.
        cpu: usize,
        /// The task the entry names.
        task: TaskId,
    },
    /// A sleeping task is missing from the sleepers.
    NotSleeping {
        /// The task.
        task: TaskId,
    },
    /// The sleepers hold an entry that is not the key of a sleeping task.
    StraySleeper {
        /// The task the entry names.
        task: TaskId,
    },
    /// A CPU's count of running tasks disagrees with the task table.
    RunningCount {
        /// The CPU.
        cpu: usize,
        /// Tasks whose state says they run there.
        counted: usize,
        /// The CPU's own count.
        recorded: usize,
    },
}

impl fmt::Display for Inconsistency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Inconsistency::NoSuchCpu { task, cpu } => {
                write!(f, "task {task} is filed on CPU {cpu}, which does not exist")
            }
            Inconsistency::NotQueued { task } => {
                write!(f, "runnable task {task} is missing from its queue")
            }
            Inconsistency::StrayQueueEntry { cpu, task } => {
                write!(f, "CPU {cpu}'s queue holds a stale entry for task {task}")
            }
            Inconsistency::NotSleeping { task } => {
                write!(f, "sleeping task {task} is missing from the sleepers")
            }
            Inconsistency::StraySleeper { task } => {
                write!(f, "the sleepers hold a stale entry for task {task}")
            }
            Inconsistency::RunningCount {
                cpu,
                counted,
                recorded,
            } => write!(
                f,
                "CPU {cpu} records {recorded} running tasks but {counted} say they run there"
            ),
        }
    }
}

impl core::error::Error for Inconsistency {}
