//! The semantic message envelope, its limits and its CBOR encoding.

use alloc::string::String;
use alloc::vec::Vec;
use minicbor::encode::{self, Encode, Encoder, Write};

/// Largest body, in bytes (1 MiB).
pub const MAX_BODY: usize = 1 << 20;
/// Longest intent name, in bytes.
pub const MAX_INTENT: usize = 128;
/// Longest schema identifier, in bytes.
pub const MAX_SCHEMA_ID: usize = 128;
/// Longest natural-language request, in bytes.
pub const MAX_REQUEST: usize = 1024;
/// Most capabilities one message may transfer.
pub const MAX_CAPS: usize = 64;
/// Largest encoded message: the body plus room for every other field.
pub const MAX_MESSAGE: usize = MAX_BODY + 4096;
/// The priority of a message that does not say: the middle of `0..=255`.
pub const PRIORITY_NORMAL: u8 = 128;

/// Where a message is going.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A specific agent, by id.
    Agent(u64),
    /// Whichever agent serves this intent name.
    Intent(String),
    /// A natural-language request, matched to the best intent description.
    Request(String),
}

/// Tracing, ordering and timing metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// Identifies one end-to-end operation across agents.
    pub trace_id: u64,
    /// Groups the messages of one conversation (request and replies).
    pub conversation_id: u64,
    /// The message that caused this one, if any.
    pub causal_parent: Option<u64>,
    /// 0 is the lowest, 255 the highest.
    pub priority: u8,
    /// Absolute kernel time (ns) after which the message is no longer
    /// delivered but returned to its sender as expired.
    pub deadline_ns: Option<u64>,
}

impl Default for Context {
    fn default() -> Self {
        Context {
            trace_id: 0,
            conversation_id: 0,
            causal_parent: None,
            priority: PRIORITY_NORMAL,
            deadline_ns: None,
        }
    }
}

/// A semantic message: a typed request or reply between agents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Chosen by the sender; unique per sender.
    pub id: u64,
    /// The sending agent. Whatever the sender wrote is overwritten by the
    /// kernel ([`stamp`]) before the message goes anywhere.
    pub from: u64,
    /// The destination.
    pub to: Destination,
    /// The intent this message invokes (or answers).
    pub intent: String,
    /// Identifier of the schema the body follows, if the sender names one.
    pub schema: Option<String>,
    /// The payload, itself CBOR.
    pub body: Vec<u8>,
    /// Tracing, ordering and timing metadata.
    pub context: Context,
    /// Capability handles transferred with the message.
    pub caps: Vec<u32>,
    /// The message this one replies to, if it is a reply.
    pub reply_to: Option<u64>,
}

impl Message {
    /// A message with an empty body, default context and nothing else.
    pub fn new(id: u64, to: Destination, intent: impl Into<String>) -> Message {
        Message {
            id,
            from: 0,
            to,
            intent: intent.into(),
            schema: None,
            body: Vec::new(),
            context: Context::default(),
            caps: Vec::new(),
            reply_to: None,
        }
    }

    /// Whether the deadline, if any, has passed at `now` (ns).
    pub fn is_expired(&self, now: u64) -> bool {
        self.context
            .deadline_ns
            .is_some_and(|deadline| now > deadline)
    }
}

/// Records the true sender. The kernel calls this on every message an agent
/// sends, so `from` can never be forged: a sender's own value is discarded.
pub fn stamp(message: &mut Message, from: u64) {
    message.from = from;
}

impl<C> Encode<C> for Destination {
    fn encode<W: Write>(
        &self,
        e: &mut Encoder<W>,
        _: &mut C,
    ) -> Result<(), encode::Error<W::Error>> {
        e.array(2)?;
        match self {
            Destination::Agent(agent) => e.u8(0)?.u64(*agent)?,
            Destination::Intent(name) => e.u8(1)?.str(name)?,
            Destination::Request(text) => e.u8(2)?.str(text)?,
        };
        Ok(())
    }
}

impl<C> Encode<C> for Context {
    fn encode<W: Write>(
        &self,
        e: &mut Encoder<W>,
        _: &mut C,
    ) -> Result<(), encode::Error<W::Error>> {
        let optional =
            u64::from(self.causal_parent.is_some()) + u64::from(self.deadline_ns.is_some());
        e.map(3 + optional)?;
        e.u8(0)?.u64(self.trace_id)?;
        e.u8(1)?.u64(self.conversation_id)?;
        if let Some(parent) = self.causal_parent {
            e.u8(2)?.u64(parent)?;
        }
        e.u8(3)?.u8(self.priority)?;
        if let Some(deadline) = self.deadline_ns {
            e.u8(4)?.u64(deadline)?;
        }
        Ok(())
    }
}

impl<C> Encode<C> for Message {
    fn encode<W: Write>(
        &self,
        e: &mut Encoder<W>,
        ctx: &mut C,
    ) -> Result<(), encode::Error<W::Error>> {
        let optional = u64::from(self.schema.is_some()) + u64::from(self.reply_to.is_some());
        e.map(7 + optional)?;
        e.u8(0)?.u64(self.id)?;
        e.u8(1)?.u64(self.from)?;
        e.u8(2)?;
        self.to.encode(e, ctx)?;
        e.u8(3)?.str(&self.intent)?;
        if let Some(schema) = &self.schema {
            e.u8(4)?.str(schema)?;
        }
        e.u8(5)?.bytes(&self.body)?;
        e.u8(6)?;
        self.context.encode(e, ctx)?;
        e.u8(7)?.array(self.caps.len() as u64)?;
        for cap in &self.caps {
            e.u32(*cap)?;
        }
        if let Some(reply_to) = self.reply_to {
            e.u8(8)?.u64(reply_to)?;
        }
        Ok(())
    }
}
