//! The post office: the kernel side of semantic IPC. It routes messages,
//! checks them against the receiving intent's schema, queues them in
//! bounded mailboxes, parks senders when a mailbox is full, returns
//! expired and undeliverable messages to their senders as notices, lets a
//! receiver reply exactly once to each request it took, and keeps the
//! counters and the recent-message trace. It holds no lock and knows no
//! Wasm: the syscalls call it under the runtime's state lock and apply the
//! [`Wake`]s it returns.

mod deliver;
mod notice;
mod receive;
mod send;
mod stream;
#[cfg(test)]
mod tests;
mod trace;

use aios_abi::payload::LATENCY_BOUNDS_NS;
use aios_ipc::{IntentSpec, Mailbox, Message, Router};
use alloc::collections::{BTreeMap, BTreeSet, VecDeque};
use alloc::string::String;
use alloc::vec::Vec;

pub(crate) use deliver::Sent;
pub(crate) use send::Target;
pub(crate) use stream::Streamed;
pub(crate) use trace::TraceRecord;

/// Messages an agent's mailbox holds before senders are pushed back.
pub(crate) const MAILBOX_CAPACITY: usize = 64;
/// Body bytes an agent's mailbox holds before senders are pushed back (a
/// message is up to 1 MiB: 64 of them would be 64 MiB of kernel heap).
pub(crate) const MAILBOX_BYTES: usize = 4 << 20;
/// The id the kernel sends from (approval requests, notices).
pub(crate) const KERNEL: u64 = 0;
/// The id the node's API sends from: its requests' replies and notices
/// go to [`Post::api_inbox`], not a mailbox (no agent has this id).
pub(crate) const API: u64 = u64::MAX;
/// Replies and notices kept for the API before the oldest is dropped
/// (it takes them at every poll of its server).
pub(crate) const API_INBOX: usize = 256;
/// Intent of the notice a sender gets when its message expired unread.
pub(crate) const EXPIRED_INTENT: &str = "aios.expired";
/// Intent of the notice a sender gets when its receiver stopped before
/// taking (or answering) its message.
pub(crate) const UNDELIVERED_INTENT: &str = "aios.undelivered";

/// Most requests one agent may hold unanswered; past this the oldest
/// permit is dropped (and its requester told), so one-way messages nobody
/// answers cannot grow the table without bound.
pub(crate) const MAX_PERMITS: usize = 256;

/// The wake value that tells a receiver parked in `semantic_recv` to look
/// at its mailbox again (not a result).
pub(crate) const RETRY: i64 = i64::MIN;

/// An agent parked in a syscall that the post office has finished (or, for
/// a receiver, that has mail): resume it with `value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Wake {
    pub(crate) agent: u64,
    pub(crate) value: i64,
}

/// The right to answer one request: kept by the receiver from taking the
/// request until it replies.
#[derive(Debug, Clone)]
pub(crate) struct Permit {
    pub(crate) requester: u64,
    pub(crate) intent: String,
    pub(crate) conversation: u64,
    pub(crate) trace: u64,
    pub(crate) sent_ns: u64,
}

/// A message waiting for room in a full mailbox, its sender parked.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub(crate) message: Message,
}

/// Totals since boot.
#[derive(Debug, Clone, Default)]
pub(crate) struct Totals {
    pub(crate) sent: u64,
    pub(crate) delivered: u64,
    pub(crate) expired: u64,
    pub(crate) refused: u64,
    /// Notices that found their owner's mailbox at twice its capacity.
    pub(crate) notices_lost: u64,
    pub(crate) latency: [u64; LATENCY_BOUNDS_NS.len() + 1],
}

/// All mailboxes, the router and the bookkeeping around them.
pub(crate) struct Post {
    pub(crate) router: Router,
    pub(crate) boxes: BTreeMap<u64, Mailbox>,
    /// Per receiver, messages whose senders wait for room, oldest first.
    pub(crate) pending: BTreeMap<u64, VecDeque<Pending>>,
    /// (replier, request id) → who is owed the reply.
    pub(crate) permits: BTreeMap<(u64, u64), Permit>,
    /// Agents parked in `semantic_recv`.
    pub(crate) receiving: BTreeSet<u64>,
    pub(crate) next_id: u64,
    pub(crate) trace: VecDeque<TraceRecord>,
    pub(crate) totals: Totals,
    /// Replies to the kernel's own requests (approvals), for the runtime.
    pub(crate) kernel_inbox: VecDeque<Message>,
    /// Replies and notices for the API's requests, for the runtime.
    pub(crate) api_inbox: VecDeque<Message>,
    /// Reply id → when its request was sent, until the requester takes the
    /// reply: the round-trip latency histogram's input.
    pub(crate) reply_origin: BTreeMap<u64, u64>,
    /// No message deadline passes before this (a lower bound: the
    /// runtime sweeps for expired messages once it has passed).
    pub(crate) earliest: Option<u64>,
}

impl Post {
    pub(crate) fn new() -> Post {
        Post {
            router: Router::new(),
            boxes: BTreeMap::new(),
            pending: BTreeMap::new(),
            permits: BTreeMap::new(),
            receiving: BTreeSet::new(),
            next_id: 1,
            trace: VecDeque::new(),
            totals: Totals::default(),
            kernel_inbox: VecDeque::new(),
            api_inbox: VecDeque::new(),
            reply_origin: BTreeMap::new(),
            earliest: None,
        }
    }

    /// Gives a new agent its mailbox and registers the intents it serves.
    /// A declaration conflicting with one other live agents serve is
    /// refused, and nothing is registered.
    pub(crate) fn add_agent(&mut self, agent: u64, intents: Vec<IntentSpec>) -> Result<(), String> {
        for spec in intents {
            let name = spec.name.clone();
            if let Err(e) = self.router.register(agent, spec) {
                self.router.unregister(agent);
                return Err(alloc::format!("intent `{name}`: {e}"));
            }
        }
        self.boxes.insert(agent, Mailbox::new(MAILBOX_CAPACITY));
        Ok(())
    }

    /// Messages queued in every mailbox.
    pub(crate) fn queued(&self) -> u64 {
        self.boxes.values().map(|b| b.len() as u64).sum()
    }

    /// The earliest deadline of any queued or pending message.
    pub(crate) fn next_deadline(&self) -> Option<u64> {
        let queued = self.boxes.values().filter_map(Mailbox::next_deadline);
        let pending = self
            .pending
            .values()
            .flatten()
            .filter_map(|p| p.message.context.deadline_ns);
        queued.chain(pending).min()
    }

    /// Whether `agent` has a message passing `filter` waiting.
    pub(crate) fn has_mail(&self, agent: u64, filter: &aios_ipc::Filter, now: u64) -> bool {
        self.boxes
            .get(&agent)
            .is_some_and(|b| b.peek_matching(filter, now).is_some())
    }

    /// Notes a deadline for the expiry sweep.
    pub(super) fn note_deadline(&mut self, message: &Message) {
        if let Some(deadline) = message.context.deadline_ns {
            self.earliest = Some(self.earliest.map_or(deadline, |e| e.min(deadline)));
        }
    }

    fn fresh_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id = self.next_id.saturating_add(1);
        id
    }
}

impl Post {
    /// Keeps a reply or notice for the API; past [`API_INBOX`] the oldest
    /// is dropped (its request gave up long ago).
    pub(crate) fn keep_for_api(&mut self, message: Message) {
        if self.api_inbox.len() >= API_INBOX {
            self.api_inbox.pop_front();
            self.totals.notices_lost += 1;
        }
        self.api_inbox.push_back(message);
    }

    /// Sends a request from the kernel itself (an approval question) to
    /// `to`, bypassing routing; the answer comes back through
    /// `kernel_inbox`. Returns the message id and the agent to wake.
    pub(crate) fn kernel_request(
        &mut self,
        to: u64,
        intent: &str,
        body: Vec<u8>,
        now: u64,
    ) -> Option<(u64, Option<u64>)> {
        if !self.boxes.contains_key(&to) {
            return None;
        }
        let id = self.fresh_id();
        let mut message = Message::new(id, aios_ipc::Destination::Agent(to), intent);
        message.from = KERNEL;
        message.body = body;
        message.context.conversation_id = id;
        message.context.trace_id = id;
        message.context.priority = u8::MAX;
        self.record_sent(&message, to, now);
        if !self.boxes.get_mut(&to)?.push_notice(message) {
            self.totals.notices_lost += 1;
            return None;
        }
        self.totals.sent += 1;
        Some((id, self.receiving.contains(&to).then_some(to)))
    }
}
