//! Why a syscall stopped the agent: a syscall that must wait leaves a
//! [`Park`] for the scheduler and suspends the agent's fiber; the CPU that
//! runs the agent next resumes it once the park resolves. `agent_exit`
//! ends the call with a `Park::Exit` error instead.

use core::fmt;

/// What a parked endpoint syscall waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NetWait {
    /// `net_connect`: the stream to connect or fail.
    Connect,
    /// `net_accept`: a connection to accept.
    Accept,
    /// `net_send`: room for the `len` bytes at `ptr`.
    Send { ptr: u32, len: u32 },
    /// `net_recv`: bytes (or the end) for the `cap` bytes at `ptr`.
    Recv { ptr: u32, cap: u32 },
    /// `net_recv_from`: a datagram for the `cap` bytes at `ptr`.
    RecvFrom { ptr: u32, cap: u32 },
}

/// Why a syscall suspended (or, for `Exit`, ended) the calling agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Park {
    /// Resume with 0 once `until` (ns since boot) has passed.
    Sleep {
        /// Wake-up time.
        until: u64,
    },
    /// Resume once console input arrives (with its length, written at
    /// `ptr`) or `deadline` passes (with `TimedOut`).
    ConsoleRead {
        /// Where the bytes go in the agent's memory.
        ptr: u32,
        /// Room at `ptr`.
        cap: u32,
        /// Give up at this time.
        deadline: u64,
    },
    /// The agent called `agent_exit`; never resumed.
    Exit(i32),
    /// Waiting in `semantic_recv` for a message passing `filter` (woken
    /// by the post office) or for `deadline` (resumes with `TimedOut`).
    Recv {
        filter: aios_ipc::Filter,
        ptr: u32,
        cap: u32,
        deadline: u64,
    },
    /// Waiting in `semantic_send` for room in a full mailbox; resumes
    /// with the message id or an error, decided by the post office.
    Send,
    /// Waiting in `net_ping` for echo probe `probe` (the network service
    /// times it out at `deadline`).
    Ping {
        probe: u64,
        ptr: u32,
        cap: u32,
        deadline: u64,
    },
    /// Waiting in an endpoint syscall for endpoint `endpoint` (whose
    /// handle is `handle`) until `deadline`.
    Net {
        wait: NetWait,
        endpoint: u64,
        handle: u32,
        deadline: u64,
    },
    /// Waiting in `event_next` for an event of subscription `sub`.
    Event {
        sub: u64,
        ptr: u32,
        cap: u32,
        deadline: u64,
    },
}

impl fmt::Display for Park {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Park::Sleep { until } => write!(f, "sleep until {until} ns"),
            Park::ConsoleRead { deadline, .. } => write!(f, "console read until {deadline} ns"),
            Park::Exit(code) => write!(f, "exit({code})"),
            Park::Recv { deadline, .. } => write!(f, "receive until {deadline} ns"),
            Park::Send => f.write_str("send waiting for mailbox room"),
            Park::Ping {
                probe, deadline, ..
            } => write!(f, "ping probe {probe} until {deadline} ns"),
            Park::Net {
                wait,
                endpoint,
                deadline,
                ..
            } => write!(f, "{wait:?} on endpoint {endpoint} until {deadline} ns"),
            Park::Event { sub, deadline, .. } => {
                write!(f, "event {sub} until {deadline} ns")
            }
        }
    }
}

impl core::error::Error for Park {}
