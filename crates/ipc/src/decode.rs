//! Decoding a message envelope from untrusted bytes, with size limits.
//!
//! The decoder borrows strings and byte strings from the input and checks
//! each limit before copying, so no declared length can make it allocate
//! more than the input holds. Maps and arrays must have definite lengths;
//! unknown map keys are skipped so that fields can be added later.

use alloc::string::String;
use alloc::vec::Vec;

use crate::Error;
use crate::cbor::{Fault, Reader};
use crate::message::{
    Context, Destination, MAX_BODY, MAX_CAPS, MAX_INTENT, MAX_MESSAGE, MAX_REQUEST, MAX_SCHEMA_ID,
    Message,
};

const MESSAGE_FIELDS: [&str; 9] = [
    "id", "from", "to", "intent", "schema", "body", "context", "caps", "reply_to",
];
const CONTEXT_FIELDS: [&str; 5] = [
    "context.trace_id",
    "context.conversation_id",
    "context.causal_parent",
    "context.priority",
    "context.deadline_ns",
];

impl Message {
    /// Decodes a message, refusing malformed CBOR, oversized fields and
    /// trailing bytes. Never panics, whatever the input.
    pub fn decode(bytes: &[u8]) -> Result<Message, Error> {
        decode(bytes).map_err(Error::from)
    }
}

fn decode(bytes: &[u8]) -> Result<Message, Fault> {
    if bytes.len() > MAX_MESSAGE {
        return Err(Fault::TooLarge("message", MAX_MESSAGE));
    }
    let mut d = Reader::new(bytes);
    let mut message = Message::new(0, Destination::Agent(0), String::new());
    let mut seen = 0u16;
    for _ in 0..definite_map(&mut d)? {
        let key = d.u64()?;
        let Some(index) = usize::try_from(key)
            .ok()
            .filter(|&k| k < MESSAGE_FIELDS.len())
        else {
            d.skip()?;
            continue;
        };
        mark_seen(&mut seen, index, &MESSAGE_FIELDS)?;
        match index {
            0 => message.id = d.u64()?,
            1 => message.from = d.u64()?,
            2 => message.to = destination(&mut d)?,
            3 => message.intent = text(&mut d, "intent", MAX_INTENT)?,
            4 => message.schema = optional(&mut d, |d| text(d, "schema", MAX_SCHEMA_ID))?,
            5 => message.body = limited_bytes(&mut d)?,
            6 => message.context = context(&mut d)?,
            7 => message.caps = caps(&mut d)?,
            _ => message.reply_to = optional(&mut d, |d| d.u64())?,
        }
    }
    for (index, field) in [(0, "id"), (2, "to"), (3, "intent")] {
        if seen & (1 << index) == 0 {
            return Err(Fault::Missing(field));
        }
    }
    if d.position() != bytes.len() {
        return Err(Fault::Trailing);
    }
    Ok(message)
}

fn definite_map(d: &mut Reader<'_>) -> Result<u64, Fault> {
    d.map()
}

fn mark_seen(seen: &mut u16, index: usize, names: &[&'static str]) -> Result<(), Fault> {
    let bit = 1u16 << index;
    if *seen & bit != 0 {
        return Err(Fault::Duplicate(names[index]));
    }
    *seen |= bit;
    Ok(())
}

/// An optional field: absent, CBOR null, or a value.
fn optional<'b, T>(
    d: &mut Reader<'b>,
    value: impl FnOnce(&mut Reader<'b>) -> Result<T, Fault>,
) -> Result<Option<T>, Fault> {
    if d.null() {
        return Ok(None);
    }
    value(d).map(Some)
}

fn text(d: &mut Reader<'_>, field: &'static str, limit: usize) -> Result<String, Fault> {
    let text = d.str()?;
    if text.len() > limit {
        return Err(Fault::TooLarge(field, limit));
    }
    Ok(String::from(text))
}

fn limited_bytes(d: &mut Reader<'_>) -> Result<Vec<u8>, Fault> {
    let bytes = d.bytes()?;
    if bytes.len() > MAX_BODY {
        return Err(Fault::TooLarge("body", MAX_BODY));
    }
    Ok(Vec::from(bytes))
}

fn destination(d: &mut Reader<'_>) -> Result<Destination, Fault> {
    if d.array()? != 2 {
        return Err(Fault::Malformed);
    }
    match d.u64()? {
        0 => Ok(Destination::Agent(d.u64()?)),
        1 => Ok(Destination::Intent(text(d, "to", MAX_INTENT)?)),
        2 => Ok(Destination::Request(text(d, "to", MAX_REQUEST)?)),
        _ => Err(Fault::Invalid("to")),
    }
}

fn context(d: &mut Reader<'_>) -> Result<Context, Fault> {
    let mut context = Context::default();
    let mut seen = 0u16;
    for _ in 0..definite_map(d)? {
        let key = d.u64()?;
        let Some(index) = usize::try_from(key)
            .ok()
            .filter(|&k| k < CONTEXT_FIELDS.len())
        else {
            d.skip()?;
            continue;
        };
        mark_seen(&mut seen, index, &CONTEXT_FIELDS)?;
        match index {
            0 => context.trace_id = d.u64()?,
            1 => context.conversation_id = d.u64()?,
            2 => context.causal_parent = optional(d, |d| d.u64())?,
            3 => {
                context.priority =
                    u8::try_from(d.u64()?).map_err(|_| Fault::Invalid("context.priority"))?
            }
            _ => context.deadline_ns = optional(d, |d| d.u64())?,
        }
    }
    Ok(context)
}

fn caps(d: &mut Reader<'_>) -> Result<Vec<u32>, Fault> {
    let count = d.array()?;
    if count > MAX_CAPS as u64 {
        return Err(Fault::TooLarge("caps", MAX_CAPS));
    }
    let mut caps = Vec::with_capacity(count as usize);
    for _ in 0..count {
        caps.push(u32::try_from(d.u64()?).map_err(|_| Fault::Invalid("caps"))?);
    }
    Ok(caps)
}
