//! CBOR payloads of the syscalls that take or return structured data.
//! Fields are numbered (`#[n(..)]`) so they can be added without breaking
//! older agents; encoded as CBOR maps.

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

/// Lifecycle state of an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Encode, Decode)]
#[cbor(index_only)]
pub enum AgentState {
    /// Being loaded and instantiated.
    #[n(0)]
    Starting,
    /// Ready to run, waiting for a CPU.
    #[n(1)]
    Runnable,
    /// On a CPU now.
    #[n(2)]
    Running,
    /// Parked in a syscall (sleep, receive); uses no CPU.
    #[n(3)]
    Blocked,
    /// Returned from its entry point or called `agent_exit`.
    #[n(4)]
    Exited,
    /// Stopped by a Wasm trap.
    #[n(5)]
    Trapped,
    /// Stopped by `agent_kill`.
    #[n(6)]
    Killed,
}

impl AgentState {
    /// Lower-case name, for tables.
    pub fn name(self) -> &'static str {
        match self {
            AgentState::Starting => "starting",
            AgentState::Runnable => "runnable",
            AgentState::Running => "running",
            AgentState::Blocked => "blocked",
            AgentState::Exited => "exited",
            AgentState::Trapped => "trapped",
            AgentState::Killed => "killed",
        }
    }

    /// True once the agent can never run again.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            AgentState::Exited | AgentState::Trapped | AgentState::Killed
        )
    }
}

/// Request of `agent_spawn`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct SpawnRequest {
    /// Name of the agent image in the boot bundle.
    #[n(0)]
    pub name: String,
    /// Handle of the caller's SpawnBudget capability to charge.
    #[n(1)]
    pub budget: u32,
    /// The (finished) agent this one replaces, for a supervisor's restart:
    /// the new agent's restart count continues from it.
    #[n(2)]
    pub restart_of: Option<u64>,
}

/// Reply of `agent_info` (and rows of `agent_list`).
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct AgentInfo {
    /// System-wide agent id (never reused).
    #[n(0)]
    pub id: u64,
    /// Image name.
    #[n(1)]
    pub name: String,
    /// Current state.
    #[n(2)]
    pub state: AgentState,
    /// Exit code, once exited.
    #[n(3)]
    pub exit_code: Option<i32>,
    /// Why it trapped or was killed.
    #[n(4)]
    pub reason: Option<String>,
    /// Linear memory in Wasm pages.
    #[n(5)]
    pub memory_pages: u32,
    /// Fuel (Wasm instructions, roughly) consumed so far.
    #[n(6)]
    pub fuel_used: u64,
    /// Share of one CPU over the last second, in per mille.
    #[n(7)]
    pub cpu_permille: u32,
    /// Id of the agent that spawned it (none for the first agent).
    #[n(8)]
    pub parent: Option<u64>,
    /// CPU it last ran on.
    #[n(9)]
    pub last_cpu: Option<u32>,
    /// How many times a supervisor restarted this agent's predecessors.
    #[n(10)]
    pub restarts: u32,
}

/// Reply of `agent_list`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct AgentList {
    /// Every agent the kernel still tracks, by id.
    #[n(0)]
    pub agents: Vec<AgentInfo>,
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

/// Restart modes in [`ImageInfo::restart_mode`].
pub mod restart_mode {
    /// Never restarted.
    pub const NEVER: u8 = 0;
    /// Restarted when it traps or exits with a non-zero code.
    pub const ON_FAILURE: u8 = 1;
    /// Restarted whenever it ends (except when killed).
    pub const ALWAYS: u8 = 2;
}

/// One agent image of the bundle, as `image_list` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct ImageInfo {
    /// Image name.
    #[n(0)]
    pub name: String,
    /// Why it was refused at load; none if it is ready to spawn.
    #[n(1)]
    pub refused: Option<String>,
    /// Started at boot (by the supervisor).
    #[n(2)]
    pub start_at_boot: bool,
    /// Images that must be running first.
    #[n(3)]
    pub depends_on: Vec<String>,
    /// A [`restart_mode`] value.
    #[n(4)]
    pub restart_mode: u8,
    /// Restarts allowed within `window_ms` before the circuit breaker opens.
    #[n(5)]
    pub max_restarts: u32,
    /// First restart delay; doubles on each restart.
    #[n(6)]
    pub backoff_initial_ms: u64,
    /// Longest restart delay.
    #[n(7)]
    pub backoff_max_ms: u64,
    /// Window over which restarts are counted.
    #[n(8)]
    pub window_ms: u64,
}

/// Reply of `image_list`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct ImageList {
    /// Every image the boot manifest names, by name.
    #[n(0)]
    pub images: Vec<ImageInfo>,
}

/// One boot-log entry in [`SystemInfo`].
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct Measurement {
    /// Component name.
    #[n(0)]
    pub name: String,
    /// Size in bytes.
    #[n(1)]
    pub size: u64,
    /// SHA3-256 digest.
    #[n(2)]
    pub sha3_256: Vec<u8>,
    /// Covered by the verified signature.
    #[n(3)]
    pub verified: bool,
}

/// Reply of `system_info`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct SystemInfo {
    /// Kernel version.
    #[n(0)]
    pub version: String,
    /// CPUs running.
    #[n(1)]
    pub cpus_online: u32,
    /// CPUs the firmware lists.
    #[n(2)]
    pub cpus_present: u32,
    /// RAM managed by the kernel, bytes.
    #[n(3)]
    pub memory_total: u64,
    /// RAM free, bytes.
    #[n(4)]
    pub memory_free: u64,
    /// Nanoseconds since boot.
    #[n(5)]
    pub uptime_ns: u64,
    /// `"uefi"` or `"pvh"`.
    #[n(6)]
    pub boot_path: String,
    /// Fingerprint of the key that verified the boot (UEFI only).
    #[n(7)]
    pub verified_by: Option<Vec<u8>>,
    /// The boot log.
    #[n(8)]
    pub measurements: Vec<Measurement>,
    /// Kernel heap bytes in use.
    #[n(9)]
    pub heap_used: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, decode, encode};
    use alloc::string::ToString;

    #[test]
    fn payloads_round_trip() {
        let req = SpawnRequest {
            name: "hello".to_string(),
            budget: 7,
            restart_of: Some(3),
        };
        assert_eq!(decode::<SpawnRequest>(&encode(&req)), Ok(req));
        let grant = GrantRequest {
            cap: 1,
            to: 2,
            rights: rights::READ | rights::GRANT,
            quota: Some(5),
            expires_ns: None,
        };
        assert_eq!(decode::<GrantRequest>(&encode(&grant)), Ok(grant));
    }

    #[test]
    fn malformed_payloads_are_errors() {
        assert_eq!(
            decode::<SpawnRequest>(&[0xFF, 0x00]),
            Err(Error::MalformedPayload)
        );
        assert_eq!(decode::<SpawnRequest>(&[]), Err(Error::MalformedPayload));
        // A map missing the required name field.
        assert_eq!(
            decode::<SpawnRequest>(&[0xA1, 0x01, 0x07]),
            Err(Error::MalformedPayload)
        );
    }

    #[test]
    fn rights_names() {
        let names: Vec<_> = rights::names(rights::READ | rights::KILL).collect();
        assert_eq!(names, ["read", "kill"]);
    }
}

#[cfg(test)]
mod documented_examples {
    use super::*;
    use alloc::string::ToString;

    /// The AgentInfo example in docs/abi.md encodes to the bytes shown there.
    #[test]
    fn agent_info_example_matches_the_docs() {
        let info = AgentInfo {
            id: 42,
            name: "hello".to_string(),
            state: AgentState::Exited,
            exit_code: Some(0),
            reason: None,
            memory_pages: 17,
            fuel_used: 18250,
            cpu_permille: 0,
            parent: Some(7),
            last_cpu: Some(1),
            restarts: 0,
        };
        let hex: alloc::string::String = crate::encode(&info)
            .iter()
            .map(|b| alloc::format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "aa00182a016568656c6c6f0204030005110619474a0700080709010a00"
        );
    }
}
