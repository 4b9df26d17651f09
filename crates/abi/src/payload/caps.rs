//! Capability kinds, rights, and the payloads of `cap_list` and `cap_grant`.

use alloc::string::String;
use alloc::vec::Vec;
use minicbor::{Decode, Encode};

/// Kinds of capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cbor(index_only)]
pub enum CapKind {
    /// Another agent (kill, inspect).
    #[n(0)]
    Agent,
    /// The right to spawn agents, with a quota of how many.
    #[n(1)]
    SpawnBudget,
    /// Serving or sending to an intent.
    #[n(2)]
    Intent,
    /// A memory-fabric region.
    #[n(3)]
    MemoryRegion,
    /// A storage namespace.
    #[n(4)]
    StoreNamespace,
    /// A network endpoint.
    #[n(5)]
    NetEndpoint,
    /// An inference model.
    #[n(6)]
    Model,
    /// An event-bus topic.
    #[n(7)]
    EventTopic,
    /// The serial console.
    #[n(8)]
    Console,
    /// The system as a whole: inspection and power control.
    #[n(9)]
    System,
    /// Replacing the policy in force (policy-admin).
    #[n(10)]
    Policy,
}

/// Rights bits carried by a capability.
pub mod rights {
    /// Read or receive.
    pub const READ: u32 = 1 << 0;
    /// Write or send.
    pub const WRITE: u32 = 1 << 1;
    /// Derive (delegate) further capabilities from this one.
    pub const GRANT: u32 = 1 << 2;
    /// Inspect (agent info, capability lists).
    pub const INSPECT: u32 = 1 << 3;
    /// Kill an agent.
    pub const KILL: u32 = 1 << 4;
    /// Spawn agents (spawn budgets).
    pub const SPAWN: u32 = 1 << 5;
    /// Control (power off).
    pub const CONTROL: u32 = 1 << 6;
    /// Every right.
    pub const ALL: u32 = READ | WRITE | GRANT | INSPECT | KILL | SPAWN | CONTROL;

    /// Names of the set bits, for display.
    pub fn names(bits: u32) -> impl Iterator<Item = &'static str> {
        [
            (READ, "read"),
            (WRITE, "write"),
            (GRANT, "grant"),
            (INSPECT, "inspect"),
            (KILL, "kill"),
            (SPAWN, "spawn"),
            (CONTROL, "control"),
        ]
        .into_iter()
        .filter(move |(bit, _)| bits & bit != 0)
        .map(|(_, name)| name)
    }
}

/// One capability as `cap_list` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct CapInfo {
    /// The handle in the listed agent's table.
    #[n(0)]
    pub handle: u32,
    /// Kind.
    #[n(1)]
    pub kind: CapKind,
    /// Rights bits ([`rights`]).
    #[n(2)]
    pub rights: u32,
    /// What it designates (agent id, intent pattern, namespace, ...).
    #[n(3)]
    pub resource: String,
    /// Quota left, for kinds that have one.
    #[n(4)]
    pub quota: Option<u64>,
    /// Expiry, nanoseconds since boot.
    #[n(5)]
    pub expires_ns: Option<u64>,
}

/// Reply of `cap_list`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct CapList {
    /// The capabilities, by handle.
    #[n(0)]
    pub caps: Vec<CapInfo>,
}

/// Request of `cap_grant`: derive from `cap` into agent `to`, keeping only
/// `rights`, at most `quota`, expiring no later than `expires_ns`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct GrantRequest {
    /// The caller's capability to derive from (needs GRANT).
    #[n(0)]
    pub cap: u32,
    /// Handle of the receiving agent.
    #[n(1)]
    pub to: u32,
    /// Rights to keep (a subset of the source's).
    #[n(2)]
    pub rights: u32,
    /// Quota to give (at most the source's remaining quota).
    #[n(3)]
    pub quota: Option<u64>,
    /// Expiry (no later than the source's).
    #[n(4)]
    pub expires_ns: Option<u64>,
}
