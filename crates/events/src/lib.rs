//! Typed kernel events and the bounded event bus.
//!
//! The kernel publishes an [`Event`] for agent lifecycle changes, messages,
//! capability changes, policy decisions, devices and security alerts.
//! Subscribers choose events with a [`Filter`] and read them from a bounded
//! queue; a full queue drops the new event and counts it, so publishing
//! never blocks the kernel and never grows memory. `docs/events.md`
//! describes the guarantees. [`Event::to_json`] is the form the node's API
//! streams.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

mod bus;
mod detail;
mod error;
mod event;
mod filter;
mod json;

pub use bus::{EventBus, MAX_CAPACITY, SubscriptionId, SubscriptionStats};
pub use detail::{CapAction, DeviceState, IpcOutcome, PolicyEffect, SecurityAlert};
pub use error::EventError;
pub use event::{AgentId, Event, EventKind};
pub use filter::{Category, CategorySet, Filter};
