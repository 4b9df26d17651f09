//! ICMP echo probes: a name or an address, resolved if needed, one echo
//! request, and the reply's round-trip time or why there was none.

use crate::stack::NetError;
use smoltcp::socket::dns::QueryHandle;
use smoltcp::wire::IpAddress;

/// Names one probe for as long as the caller keeps asking about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ProbeId(pub u64);

/// An echo reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PingReply {
    /// Who answered.
    pub address: IpAddress,
    /// The echo's sequence number.
    pub seq: u16,
    /// Bytes of ICMP payload echoed back.
    pub bytes: usize,
    /// From the request leaving the stack to the reply reaching it.
    pub rtt_ns: u64,
}

/// Where a probe is.
pub(crate) enum Phase {
    /// Waiting for the DNS answer.
    Resolving(QueryHandle),
    /// Knows its target; the request is not sent yet (no room, or just
    /// resolved).
    Ready(IpAddress),
    /// The request left; waiting for the reply with `seq`.
    Sent {
        address: IpAddress,
        seq: u16,
        sent_ns: u64,
    },
    /// Finished.
    Done(Result<PingReply, NetError>),
}

pub(crate) struct Probe {
    pub phase: Phase,
    /// Ends with `TimedOut` at this time (ns since boot).
    pub deadline_ns: u64,
}

/// Bytes of payload in each echo request (as `ping`'s default).
pub(crate) const PAYLOAD: usize = 56;

/// The identifier of every echo request the node sends ("AI").
pub(crate) const IDENT: u16 = 0x4149;
