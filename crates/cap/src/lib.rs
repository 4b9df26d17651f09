//! Capabilities, delegation with attenuation, recursive revocation and quotas.
//!
//! A [`CapSpace`] holds every agent's capability table and the derivation
//! tree that links each delegated capability to the one it came from, so
//! revoking a capability (or removing an agent) takes everything derived
//! from it, in every table. [`QuotaState`] enforces an agent's manifest
//! quotas: memory pages, fuel per second, messages per second and storage.
//!
//! Nothing here reads a clock: calls that can expire take `now_ns`, so the
//! kernel and host tests drive time alike. `docs/capabilities.md` explains
//! the model and the rules.
#![no_std]

extern crate alloc;

mod bucket;
mod derive;
mod error;
mod quota;
mod resource;
mod revoke;
mod space;
mod table;
mod view;

pub use bucket::TokenBucket;
pub use error::CapError;
pub use quota::{QuotaState, Quotas};
pub use resource::{AgentId, Resource};
pub use space::CapSpace;
pub use table::TABLE_SLOTS;
pub use view::CapView;
