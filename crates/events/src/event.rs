//! The typed kernel events the bus carries.

use alloc::string::String;

use aios_abi::payload::{AgentState, CapKind};
use minicbor::{Decode, Encode};

use crate::{CapAction, Category, DeviceState, IpcOutcome, PolicyEffect, SecurityAlert};

/// An agent's id, as the runtime numbers agents.
pub type AgentId = u64;

/// One kernel event, stamped with a bus-wide sequence number.
///
/// Encoded (for delivery to agents) as a CBOR map with numbered keys, so
/// fields can be added without breaking older readers.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct Event {
    /// Position in the bus's publication order, from 0, gap-free.
    #[n(0)]
    pub seq: u64,
    /// When it happened, in nanoseconds since boot.
    #[n(1)]
    pub time_ns: u64,
    /// What happened.
    #[n(2)]
    pub kind: EventKind,
}

/// What happened, by category.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
pub enum EventKind {
    /// An agent changed lifecycle state.
    #[n(0)]
    AgentLifecycle {
        /// The agent.
        #[n(0)]
        agent: AgentId,
        /// Its new state.
        #[n(1)]
        state: AgentState,
    },
    /// A message moved (or failed to) between two agents.
    #[n(1)]
    Ipc {
        /// The sender, as stamped by the kernel.
        #[n(0)]
        from: AgentId,
        /// The receiver.
        #[n(1)]
        to: AgentId,
        /// The message's intent.
        #[n(2)]
        intent: String,
        /// What became of it.
        #[n(3)]
        outcome: IpcOutcome,
    },
    /// A capability was granted, transferred, revoked or expired.
    #[n(2)]
    Capability {
        /// The agent whose table changed.
        #[n(0)]
        agent: AgentId,
        /// The kind of capability.
        #[n(1)]
        kind: CapKind,
        /// What happened to it.
        #[n(2)]
        action: CapAction,
        /// The agent on the other side (granter, recipient), if any.
        #[n(3)]
        peer: Option<AgentId>,
    },
    /// The policy engine decided on a syscall.
    #[n(3)]
    PolicyDecision {
        /// The calling agent.
        #[n(0)]
        agent: AgentId,
        /// The operation (syscall name).
        #[n(1)]
        operation: String,
        /// The resource it concerned (intent, namespace, endpoint).
        #[n(2)]
        resource: String,
        /// The decision.
        #[n(3)]
        effect: PolicyEffect,
    },
    /// A device changed state.
    #[n(4)]
    Device {
        /// The device's name (e.g. `virtio-blk0`).
        #[n(0)]
        device: String,
        /// Its new state.
        #[n(1)]
        state: DeviceState,
    },
    /// Something security-relevant the other categories do not cover.
    #[n(5)]
    Security {
        /// The agent involved, if any.
        #[n(0)]
        agent: Option<AgentId>,
        /// What was detected.
        #[n(1)]
        alert: SecurityAlert,
        /// Human-readable detail.
        #[n(2)]
        detail: String,
    },
}

impl EventKind {
    /// The category filters select on.
    pub fn category(&self) -> Category {
        match self {
            EventKind::AgentLifecycle { .. } => Category::AgentLifecycle,
            EventKind::Ipc { .. } => Category::Ipc,
            EventKind::Capability { .. } => Category::Capability,
            EventKind::PolicyDecision { .. } => Category::PolicyDecision,
            EventKind::Device { .. } => Category::Device,
            EventKind::Security { .. } => Category::Security,
        }
    }

    /// True if `agent` is the subject or the peer of the event. Device
    /// events involve no agent.
    pub fn involves(&self, agent: AgentId) -> bool {
        match self {
            EventKind::AgentLifecycle { agent: a, .. }
            | EventKind::PolicyDecision { agent: a, .. } => *a == agent,
            EventKind::Ipc { from, to, .. } => *from == agent || *to == agent,
            EventKind::Capability { agent: a, peer, .. } => *a == agent || *peer == Some(agent),
            EventKind::Security { agent: a, .. } => *a == Some(agent),
            EventKind::Device { .. } => false,
        }
    }
}
