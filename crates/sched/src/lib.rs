//! Portable scheduler core: per-CPU run queues, work stealing, fair share.
//!
//! Agents run in fuel slices (wasmi fuel, about one unit per Wasm
//! instruction) and are charged by the fuel they burnt, scaled by their
//! weight, into a *virtual runtime*; each CPU runs the task with the lowest
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

/// Fuel the kernel gives a task per slice before it is preempted.
///
/// Fuel is roughly one unit per Wasm instruction, and each Wasm instruction
/// costs wasmi some tens of machine instructions, so a slice is a few million
/// machine instructions: about a millisecond on hardware and a few under
/// QEMU's TCG. That is large enough that the cost of a switch (targeted at
/// 2,000 instructions) stays well under 1 % of a slice, and small enough that
/// an interactive agent queued behind four spinners waits only a few
/// milliseconds. It is also the unit of the credit a waking sleeper gets.
pub const SLICE_FUEL: u64 = 100_000;

/// The weight of a normal task; a task of weight `2 * NORMAL_WEIGHT` gets
/// twice the CPU time of a normal one when both are runnable.
pub const NORMAL_WEIGHT: u32 = 100;
