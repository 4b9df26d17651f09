//! Agent states and the payloads of `agent_spawn`, `agent_info` and `agent_list`.

use alloc::string::String;
use alloc::vec::Vec;
use minicbor::{Decode, Encode};

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
    /// Messages this agent received and sent, and denials it met
    /// (capability or policy), since it started.
    #[n(11)]
    pub ipc: IpcCounters,
}

/// An agent's messaging counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct IpcCounters {
    /// Messages taken from its mailbox.
    #[n(0)]
    pub messages_in: u64,
    /// Messages it sent that were queued.
    #[n(1)]
    pub messages_out: u64,
    /// Body bytes received.
    #[n(2)]
    pub bytes_in: u64,
    /// Body bytes sent.
    #[n(3)]
    pub bytes_out: u64,
    /// Operations refused by a capability or policy check.
    #[n(4)]
    pub denials: u64,
}

/// Reply of `agent_list`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct AgentList {
    /// Every agent the kernel still tracks, by id.
    #[n(0)]
    pub agents: Vec<AgentInfo>,
}
