//! Payloads of the messaging and event syscalls: receive filters, traces,
//! statistics and event-subscription filters. The message itself is the
//! `aios-ipc` envelope (`docs/ipc.md`).

use alloc::string::String;
use alloc::vec::Vec;
use minicbor::{Decode, Encode};

/// Which messages `semantic_recv` may take; an absent field accepts any.
/// An empty payload (length 0) is the filter that accepts everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct RecvFilter {
    /// Intent name or pattern (`demo.*`).
    #[n(0)]
    pub intent: Option<String>,
    /// Sending agent id.
    #[n(1)]
    pub from: Option<u64>,
    /// Conversation id.
    #[n(2)]
    pub conversation: Option<u64>,
}

/// One message as `ipc_trace` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct TraceEntry {
    /// Message id.
    #[n(0)]
    pub id: u64,
    /// Sender (0 = the kernel).
    #[n(1)]
    pub from: u64,
    /// Receiver.
    #[n(2)]
    pub to: u64,
    /// Intent.
    #[n(3)]
    pub intent: String,
    /// The message that caused it.
    #[n(4)]
    pub causal_parent: Option<u64>,
    /// When it was sent, ns since boot.
    #[n(5)]
    pub sent_ns: u64,
    /// When the receiver took it; `None` while queued (or if it expired).
    #[n(6)]
    pub received_ns: Option<u64>,
    /// Body length in bytes.
    #[n(7)]
    pub bytes: u32,
    /// The reply's target, for replies.
    #[n(8)]
    pub reply_to: Option<u64>,
}

/// Reply of `ipc_trace`: parents before children, siblings by send time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct TraceList {
    /// The messages.
    #[n(0)]
    pub entries: Vec<TraceEntry>,
}

/// Upper bounds (ns) of the round-trip latency histogram buckets; the last
/// bucket of [`IpcStats::latency_buckets`] counts everything slower.
pub const LATENCY_BOUNDS_NS: [u64; 8] = [
    10_000,
    30_000,
    100_000,
    300_000,
    1_000_000,
    3_000_000,
    10_000_000,
    100_000_000,
];

/// Reply of `ipc_stats`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct IpcStats {
    /// Messages queued since boot.
    #[n(0)]
    pub sent: u64,
    /// Messages taken by their receivers.
    #[n(1)]
    pub delivered: u64,
    /// Messages that expired and were returned to their senders.
    #[n(2)]
    pub expired: u64,
    /// Sends refused (routing, schema, capability, policy, full mailbox).
    #[n(3)]
    pub refused: u64,
    /// Request-to-reply latency: counts per bucket of
    /// [`LATENCY_BOUNDS_NS`], plus one overflow bucket.
    #[n(4)]
    pub latency_buckets: Vec<u64>,
    /// Messages queued in all mailboxes now.
    #[n(5)]
    pub queued: u64,
    /// Expiry and undeliverable notices not queued because their owner's
    /// mailbox already held twice its capacity (it does not read it).
    #[n(6)]
    pub notices_lost: u64,
}

/// Narrows an event subscription: `categories` is a bit set (bit i =
/// category i in `docs/events.md`; 0 means every category the topic
/// allows), `agent` keeps only events involving that agent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct EventFilter {
    /// Category bits.
    #[n(0)]
    pub categories: u32,
    /// Only events involving this agent.
    #[n(1)]
    pub agent: Option<u64>,
}
