//! Encoding a message: the hand-written fast path (`Message::encode`).

use alloc::vec::Vec;

use crate::cbor::{ARRAY, MAP, Writer};
use crate::{Destination, Message};

impl Message {
    /// The CBOR encoding (a map with numbered keys, see `docs/ipc.md`),
    /// written directly into one allocation of the right size; the same
    /// bytes as the `minicbor::Encode` implementation gives.
    pub fn encode(&self) -> Vec<u8> {
        let text = |s: &str| s.len() + 9;
        let to = match &self.to {
            Destination::Agent(_) => 11,
            Destination::Intent(s) | Destination::Request(s) => text(s) + 2,
        };
        let size = 64
            + to
            + text(&self.intent)
            + self.schema.as_deref().map_or(0, text)
            + self.body.len()
            + 9
            + self.caps.len() * 5;
        let mut w = Writer::with_capacity(size);
        let optional = u64::from(self.schema.is_some()) + u64::from(self.reply_to.is_some());
        w.head(MAP, 7 + optional);
        w.u64(0);
        w.u64(self.id);
        w.u64(1);
        w.u64(self.from);
        w.u64(2);
        w.head(ARRAY, 2);
        match &self.to {
            Destination::Agent(agent) => {
                w.u64(0);
                w.u64(*agent);
            }
            Destination::Intent(name) => {
                w.u64(1);
                w.str(name);
            }
            Destination::Request(request) => {
                w.u64(2);
                w.str(request);
            }
        }
        w.u64(3);
        w.str(&self.intent);
        if let Some(schema) = &self.schema {
            w.u64(4);
            w.str(schema);
        }
        w.u64(5);
        w.bytes(&self.body);
        w.u64(6);
        let context = &self.context;
        let optional =
            u64::from(context.causal_parent.is_some()) + u64::from(context.deadline_ns.is_some());
        w.head(MAP, 3 + optional);
        w.u64(0);
        w.u64(context.trace_id);
        w.u64(1);
        w.u64(context.conversation_id);
        if let Some(parent) = context.causal_parent {
            w.u64(2);
            w.u64(parent);
        }
        w.u64(3);
        w.u64(u64::from(context.priority));
        if let Some(deadline) = context.deadline_ns {
            w.u64(4);
            w.u64(deadline);
        }
        w.u64(7);
        w.head(ARRAY, self.caps.len() as u64);
        for cap in &self.caps {
            w.u64(u64::from(*cap));
        }
        if let Some(reply_to) = self.reply_to {
            w.u64(8);
            w.u64(reply_to);
        }
        w.out
    }
}
