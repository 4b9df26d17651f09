//! Portable scheduler core: per-CPU run queues, work stealing, fair share.
//!
//! Agents run in slices and are charged by the CPU time they used (the
//! "fuel" of this API: nanoseconds since agents are compiled; it was the
//! interpreter's instruction count before), scaled by their weight, into a
//! *virtual runtime*; each CPU runs the task with the lowest
//! virtual runtime in its queue and steals from the busiest CPU when it has
//! too little work. The crate reads no clock and touches no CPU: the kernel
//! passes `now_ns` and CPU indices, keeps one [`Scheduler`] behind a lock and
//! calls it from every CPU. The model and its limits are in
//! `docs/scheduler.md`.
#![no_std]

extern crate alloc;

mod audit;
mod dispatch;
mod error;
mod queue;
mod scheduler;
mod sleepers;
mod state;
mod wait;

pub use error::Inconsistency;
pub use scheduler::Scheduler;
pub use state::TaskState;

/// Identifies a task; the kernel uses its agent ids.
pub type TaskId = u64;

/// A nominal slice, in fuel (nanoseconds of CPU time): the credit a waking
/// sleeper gets. Slices themselves end at the timer's next tick (up to
/// 10 ms), when the agent blocks, or when it yields.
pub const SLICE_FUEL: u64 = 100_000;

/// The weight of a normal task; a task of weight `2 * NORMAL_WEIGHT` gets
/// twice the CPU time of a normal one when both are runnable.
pub const NORMAL_WEIGHT: u32 = 100;
