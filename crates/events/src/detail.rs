//! The small enums that qualify an event: outcomes, actions, states, alerts.

use minicbor::{Decode, Encode};

/// What became of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cbor(index_only)]
pub enum IpcOutcome {
    /// Queued in the receiver's mailbox.
    #[n(0)]
    Delivered,
    /// Refused (schema, capability or policy); the receiver never saw it.
    #[n(1)]
    Refused,
    /// The receiver's mailbox was full; the sender was pushed back.
    #[n(2)]
    PushedBack,
    /// Its deadline passed before it was received.
    #[n(3)]
    Expired,
}

/// What happened to a capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cbor(index_only)]
pub enum CapAction {
    /// Minted by the kernel or derived from another.
    #[n(0)]
    Granted,
    /// Moved to another agent with a message.
    #[n(1)]
    Transferred,
    /// Revoked (with everything derived from it).
    #[n(2)]
    Revoked,
    /// Past its expiry.
    #[n(3)]
    Expired,
}

/// A policy decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cbor(index_only)]
pub enum PolicyEffect {
    /// Allowed.
    #[n(0)]
    Allow,
    /// Denied.
    #[n(1)]
    Deny,
    /// Allowed and audited.
    #[n(2)]
    Audit,
    /// Waiting for an approver agent.
    #[n(3)]
    ApprovalRequired,
}

/// A device's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cbor(index_only)]
pub enum DeviceState {
    /// Found and being initialised.
    #[n(0)]
    Attached,
    /// Initialised and serving requests.
    #[n(1)]
    Ready,
    /// Failed; requests are refused.
    #[n(2)]
    Failed,
    /// Gone.
    #[n(3)]
    Removed,
}

/// A security alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cbor(index_only)]
pub enum SecurityAlert {
    /// An agent image was refused (signature, manifest, module).
    #[n(0)]
    ImageRefused,
    /// A forged or stale capability handle was presented.
    #[n(1)]
    ForgedHandle,
    /// A quota was exhausted.
    #[n(2)]
    QuotaExceeded,
    /// The audit log failed verification.
    #[n(3)]
    AuditTampered,
    /// An agent trapped or was killed for misbehaving.
    #[n(4)]
    AgentFault,
    /// An agent image was deployed at run time (verified; new code).
    #[n(5)]
    ImageDeployed,
}
