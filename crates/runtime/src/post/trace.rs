//! The recent-message trace (for `ipc_trace`) and the totals (for
//! `ipc_stats`).

use super::Post;
use aios_abi::payload::{IpcStats, TraceEntry, TraceList};
use aios_ipc::Message;
use alloc::string::String;

/// Messages remembered for tracing, newest kept.
pub(crate) const TRACE_KEPT: usize = 1024;

/// One sent message, as the trace remembers it.
#[derive(Debug, Clone)]
pub(crate) struct TraceRecord {
    pub(crate) id: u64,
    pub(crate) from: u64,
    pub(crate) to: u64,
    pub(crate) intent: String,
    pub(crate) trace: u64,
    pub(crate) conversation: u64,
    pub(crate) causal_parent: Option<u64>,
    pub(crate) reply_to: Option<u64>,
    pub(crate) sent_ns: u64,
    pub(crate) received_ns: Option<u64>,
    pub(crate) bytes: u32,
}

impl Post {
    pub(super) fn record_sent(&mut self, message: &Message, to: u64, now: u64) {
        if self.trace.len() >= TRACE_KEPT {
            self.trace.pop_front();
        }
        self.trace.push_back(TraceRecord {
            id: message.id,
            from: message.from,
            to,
            intent: message.intent.clone(),
            trace: message.context.trace_id,
            conversation: message.context.conversation_id,
            causal_parent: message.context.causal_parent,
            reply_to: message.reply_to,
            sent_ns: now,
            received_ns: None,
            bytes: u32::try_from(message.body.len()).unwrap_or(u32::MAX),
        });
    }

    pub(super) fn mark_received(&mut self, id: u64, now: u64) {
        // Recent messages are at the back; ids grow with time.
        if let Some(record) = self.trace.iter_mut().rev().find(|r| r.id == id) {
            record.received_ns = Some(now);
        }
    }

    /// The remembered messages of the trace or conversation `id` (or the
    /// message `id` itself), in causal order: ids grow with send time and a
    /// message is always sent after the one that caused it, so id order is
    /// a causal order.
    pub(crate) fn trace_list(&self, id: u64) -> TraceList {
        let mut entries: alloc::vec::Vec<TraceEntry> = self
            .trace
            .iter()
            .filter(|r| r.trace == id || r.conversation == id || r.id == id)
            .map(|r| TraceEntry {
                id: r.id,
                from: r.from,
                to: r.to,
                intent: r.intent.clone(),
                causal_parent: r.causal_parent,
                sent_ns: r.sent_ns,
                received_ns: r.received_ns,
                bytes: r.bytes,
                reply_to: r.reply_to,
            })
            .collect();
        entries.sort_by_key(|e| e.id);
        TraceList { entries }
    }

    /// Totals and the latency histogram.
    pub(crate) fn stats(&self) -> IpcStats {
        IpcStats {
            sent: self.totals.sent,
            delivered: self.totals.delivered,
            expired: self.totals.expired,
            refused: self.totals.refused,
            latency_buckets: self.totals.latency.to_vec(),
            queued: self.queued(),
            notices_lost: self.totals.notices_lost,
        }
    }
}
