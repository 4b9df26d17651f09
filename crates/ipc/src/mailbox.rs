//! An agent's bounded inbox, ordered by priority, deadline and arrival.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::cmp::Reverse;
use core::fmt;

use crate::{Message, Pattern};

/// Why [`Mailbox::push`] refused a message; the message comes back so the
/// caller can retry it (block the sender) or report `WouldBlock`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushError {
    /// The mailbox holds `capacity` messages already.
    Full(Box<Message>),
    /// The message's deadline had passed when it arrived.
    Expired(Box<Message>),
}

impl PushError {
    /// The refused message.
    pub fn into_message(self) -> Message {
        match self {
            PushError::Full(message) | PushError::Expired(message) => *message,
        }
    }
}

impl fmt::Display for PushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PushError::Full(_) => f.write_str("mailbox full"),
            PushError::Expired(_) => f.write_str("message expired before delivery"),
        }
    }
}

/// Which messages a receiver wants; `None` accepts anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Intent name or pattern (`text.*`).
    pub intent: Option<Pattern>,
    /// Sending agent.
    pub from: Option<u64>,
    /// Conversation id.
    pub conversation: Option<u64>,
}

impl Filter {
    /// Whether `message` passes the filter.
    pub fn matches(&self, message: &Message) -> bool {
        self.intent
            .as_ref()
            .is_none_or(|p| p.matches(&message.intent))
            && self.from.is_none_or(|from| from == message.from)
            && self
                .conversation
                .is_none_or(|c| c == message.context.conversation_id)
    }
}

/// Queue order: higher priority first, then earlier deadline (none is
/// latest), then arrival. Arrival numbers are unique, so messages of one
/// sender with equal priority and deadline leave in the order they came.
type Key = (Reverse<u8>, u64, u64);

/// A bounded, ordered inbox. Every message pushed leaves exactly once:
/// popped, or returned by [`Mailbox::expire`].
#[derive(Debug, Clone)]
pub struct Mailbox {
    queue: BTreeMap<Key, Message>,
    capacity: usize,
    arrivals: u64,
    /// Body bytes queued.
    bytes: usize,
}

impl Mailbox {
    /// An empty mailbox holding at most `capacity` messages.
    pub fn new(capacity: usize) -> Mailbox {
        Mailbox {
            queue: BTreeMap::new(),
            capacity,
            arrivals: 0,
            bytes: 0,
        }
    }

    /// Queues a message arriving at `now` (ns). Refuses it, without growing,
    /// when the box is full, and refuses a message already past its deadline.
    pub fn push(&mut self, message: Message, now: u64) -> Result<(), PushError> {
        if message.is_expired(now) {
            return Err(PushError::Expired(Box::new(message)));
        }
        if self.queue.len() >= self.capacity {
            return Err(PushError::Full(Box::new(message)));
        }
        let context = &message.context;
        let key = (
            Reverse(context.priority),
            context.deadline_ns.unwrap_or(u64::MAX),
            self.arrivals,
        );
        // 2^64 arrivals cannot happen in the life of a mailbox.
        self.arrivals = self.arrivals.wrapping_add(1);
        self.bytes = self.bytes.saturating_add(message.body.len());
        self.queue.insert(key, message);
        Ok(())
    }

    /// Removes and returns the first message, in queue order, that passes
    /// `filter` and has not expired at `now`. Expired messages stay until
    /// [`Mailbox::expire`] returns them, so that their senders learn of it.
    pub fn pop_matching(&mut self, filter: &Filter, now: u64) -> Option<Message> {
        let key = *self
            .queue
            .iter()
            .find(|(_, message)| !message.is_expired(now) && filter.matches(message))?
            .0;
        let message = self.queue.remove(&key)?;
        self.bytes = self.bytes.saturating_sub(message.body.len());
        Some(message)
    }

    /// The first message, in queue order, that passes `filter` and has not
    /// expired at `now`, left in the box: the kernel checks it fits the
    /// receiver's buffer before taking it.
    pub fn peek_matching(&self, filter: &Filter, now: u64) -> Option<&Message> {
        self.queue
            .values()
            .find(|message| !message.is_expired(now) && filter.matches(message))
    }

    /// Queues a kernel notice (an expiry or a dropped-message report, or
    /// a kernel request) beyond the capacity senders see, up to twice it:
    /// a box full of ordinary messages still takes the report that one of
    /// its owner's messages was lost. Past that the notice is refused
    /// (`false`) and the kernel counts it instead, so that an agent that
    /// never reads its mailbox cannot grow kernel memory without bound.
    pub fn push_notice(&mut self, message: Message) -> bool {
        if self.queue.len() >= self.capacity.saturating_mul(2) {
            return false;
        }
        let key = (
            Reverse(message.context.priority),
            message.context.deadline_ns.unwrap_or(u64::MAX),
            self.arrivals,
        );
        self.arrivals = self.arrivals.wrapping_add(1);
        self.bytes = self.bytes.saturating_add(message.body.len());
        self.queue.insert(key, message);
        true
    }

    /// Removes and returns the first unexpired message.
    pub fn pop(&mut self, now: u64) -> Option<Message> {
        self.pop_matching(&Filter::default(), now)
    }

    /// Removes and returns, in queue order, every message whose deadline
    /// has passed at `now`; the kernel tells their senders.
    pub fn expire(&mut self, now: u64) -> Vec<Message> {
        let expired: Vec<Key> = self
            .queue
            .iter()
            .filter(|(_, message)| message.is_expired(now))
            .map(|(key, _)| *key)
            .collect();
        let gone: Vec<Message> = expired
            .iter()
            .filter_map(|key| self.queue.remove(key))
            .collect();
        for message in &gone {
            self.bytes = self.bytes.saturating_sub(message.body.len());
        }
        gone
    }

    /// The number of queued messages, expired ones included.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether no message is queued.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Body bytes of the queued messages.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The most messages the box holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The earliest deadline among queued messages, for the kernel's timer.
    pub fn next_deadline(&self) -> Option<u64> {
        self.queue
            .values()
            .filter_map(|m| m.context.deadline_ns)
            .min()
    }
}
