//! What a capability designates.

use aios_abi::payload::CapKind;
use alloc::format;
use alloc::string::String;

/// An agent's kernel-wide identifier.
pub type AgentId = u64;

/// The resource a capability grants access to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// Another agent (kill, inspect).
    Agent(AgentId),
    /// The right to spawn agents; the capability's quota counts spawns.
    SpawnBudget,
    /// An intent name or pattern (`demo.*`), to serve or send to.
    Intent(String),
    /// A memory-fabric region.
    MemoryRegion(String),
    /// A storage namespace.
    StoreNamespace(String),
    /// What network endpoints an agent may open: `connect:HOST:PORT`,
    /// `listen:PORT` or `udp:PORT` patterns (see `aios-runtime`'s network
    /// syscalls).
    NetEndpoint(String),
    /// One open network endpoint (a stream, listener or UDP socket) of the
    /// network service, by its id.
    Socket(u64),
    /// An inference model.
    Model(String),
    /// An event-bus topic.
    EventTopic(String),
    /// The serial console.
    Console,
    /// The system as a whole: inspection and power control.
    System,
    /// The policy in force: replacing it (policy-admin).
    Policy,
}

impl Resource {
    /// The capability kind this resource belongs to.
    pub fn kind(&self) -> CapKind {
        match self {
            Resource::Agent(_) => CapKind::Agent,
            Resource::SpawnBudget => CapKind::SpawnBudget,
            Resource::Intent(_) => CapKind::Intent,
            Resource::MemoryRegion(_) => CapKind::MemoryRegion,
            Resource::StoreNamespace(_) => CapKind::StoreNamespace,
            Resource::NetEndpoint(_) | Resource::Socket(_) => CapKind::NetEndpoint,
            Resource::Model(_) => CapKind::Model,
            Resource::EventTopic(_) => CapKind::EventTopic,
            Resource::Console => CapKind::Console,
            Resource::System => CapKind::System,
            Resource::Policy => CapKind::Policy,
        }
    }

    /// A human-readable description for listings: `agent 7`, `intent demo.*`.
    pub fn describe(&self) -> String {
        match self {
            Resource::Agent(id) => format!("agent {id}"),
            Resource::SpawnBudget => String::from("spawn budget"),
            Resource::Intent(name) => format!("intent {name}"),
            Resource::MemoryRegion(name) => format!("memory region {name}"),
            Resource::StoreNamespace(name) => format!("store namespace {name}"),
            Resource::NetEndpoint(name) => format!("net endpoint {name}"),
            Resource::Socket(id) => format!("open endpoint {id}"),
            Resource::Model(name) => format!("model {name}"),
            Resource::EventTopic(name) => format!("event topic {name}"),
            Resource::Console => String::from("console"),
            Resource::System => String::from("system"),
            Resource::Policy => String::from("policy"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_descriptions() {
        assert_eq!(Resource::Agent(7).kind(), CapKind::Agent);
        assert_eq!(Resource::Agent(7).describe(), "agent 7");
        let intent = Resource::Intent(String::from("demo.*"));
        assert_eq!(intent.kind(), CapKind::Intent);
        assert_eq!(intent.describe(), "intent demo.*");
        assert_eq!(Resource::SpawnBudget.kind(), CapKind::SpawnBudget);
        assert_eq!(Resource::System.describe(), "system");
        assert_eq!(Resource::Model(String::from("mini")).kind(), CapKind::Model);
    }
}
