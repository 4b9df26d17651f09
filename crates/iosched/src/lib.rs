//! The I/O scheduler: decides which agent's storage request goes to the
//! device next, fairly between agents, and holds each agent to its I/O
//! rate quota.
//!
//! Fairness is deficit round robin over bytes: agents waiting for the
//! device take turns, each turn worth [`QUANTUM`] bytes of credit, so an
//! agent streaming large chunks cannot starve one doing small puts, and
//! over time every busy agent moves the same number of bytes. Quotas are
//! token buckets of bytes per second: a request is admitted while the
//! agent's balance is positive and charged in full (a large chunk may put
//! it in debt, repaid before its next request), so a chunk larger than a
//! second's quota still goes through, just not often.
#![no_std]

extern crate alloc;

mod queue;

pub use queue::{IoScheduler, IoStats, QUANTUM, Throttled, Ticket};
