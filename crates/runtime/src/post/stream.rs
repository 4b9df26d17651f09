//! Messages the kernel streams to an agent (generated text): queued like
//! any message, but a full mailbox is reported rather than waited on, so
//! the kernel holds the rest back (backpressure) instead of parking.

use super::deliver::has_room;
use super::{KERNEL, Post};
use aios_ipc::{Destination, Message};
use alloc::vec::Vec;

/// What became of a streamed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Streamed {
    /// Queued; wake the receiver if it waits.
    Sent,
    /// The mailbox is full: try again later.
    Full,
    /// The agent has no mailbox (it ended).
    Gone,
}

impl Post {
    /// Queues a kernel message with `intent` and `body` for `to`, in
    /// conversation `conversation`.
    pub(crate) fn kernel_stream(
        &mut self,
        to: u64,
        intent: &str,
        body: Vec<u8>,
        conversation: u64,
        now: u64,
    ) -> Streamed {
        let Some(mailbox) = self.boxes.get(&to) else {
            return Streamed::Gone;
        };
        if !has_room(mailbox, body.len()) {
            return Streamed::Full;
        }
        let id = self.fresh_id();
        let mut message = Message::new(id, Destination::Agent(to), intent);
        message.from = KERNEL;
        message.body = body;
        message.context.conversation_id = conversation;
        message.context.trace_id = conversation;
        self.record_sent(&message, to, now);
        self.totals.sent += 1;
        match self.boxes.get_mut(&to).map(|b| b.push(message, now)) {
            Some(Ok(())) => Streamed::Sent,
            Some(Err(_)) => Streamed::Full,
            None => Streamed::Gone,
        }
    }
}
