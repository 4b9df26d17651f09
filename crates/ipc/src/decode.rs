//! Decoding a message envelope from untrusted bytes, with size limits.
//!
//! The decoder borrows strings and byte strings from the input and checks
//! each limit before copying, so no declared length can make it allocate
//! more than the input holds. Maps and arrays must have definite lengths;
//! unknown map keys are skipped so that fields can be added later.

use alloc::string::String;
use alloc::vec::Vec;
use minicbor::Decoder;
use minicbor::data::Type;

use crate::Error;
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
        if bytes.len() > MAX_MESSAGE {
            return Err(Error::TooLarge {
                field: "message",
                limit: MAX_MESSAGE,
            });
        }
        let mut d = Decoder::new(bytes);
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
                _ => message.reply_to = optional(&mut d, |d| Ok(d.u64()?))?,
            }
        }
        for (index, field) in [(0, "id"), (2, "to"), (3, "intent")] {
            if seen & (1 << index) == 0 {
                return Err(Error::MissingField(field));
            }
        }
        if d.position() != bytes.len() {
            return Err(Error::TrailingBytes);
        }
        Ok(message)
    }
}

fn definite_map(d: &mut Decoder<'_>) -> Result<u64, Error> {
    d.map()?.ok_or(Error::MalformedCbor)
}

fn mark_seen(seen: &mut u16, index: usize, names: &[&'static str]) -> Result<(), Error> {
    let bit = 1u16 << index;
    if *seen & bit != 0 {
        return Err(Error::DuplicateField(names[index]));
    }
    *seen |= bit;
    Ok(())
}

/// An optional field: absent, CBOR null, or a value.
fn optional<'b, T>(
    d: &mut Decoder<'b>,
    value: impl FnOnce(&mut Decoder<'b>) -> Result<T, Error>,
) -> Result<Option<T>, Error> {
    if d.datatype()? == Type::Null {
        d.null()?;
        return Ok(None);
    }
    value(d).map(Some)
}

fn text(d: &mut Decoder<'_>, field: &'static str, limit: usize) -> Result<String, Error> {
    let text = d.str()?;
    if text.len() > limit {
        return Err(Error::TooLarge { field, limit });
    }
    Ok(String::from(text))
}

fn limited_bytes(d: &mut Decoder<'_>) -> Result<Vec<u8>, Error> {
    let bytes = d.bytes()?;
    if bytes.len() > MAX_BODY {
        return Err(Error::TooLarge {
            field: "body",
            limit: MAX_BODY,
        });
    }
    Ok(Vec::from(bytes))
}

fn destination(d: &mut Decoder<'_>) -> Result<Destination, Error> {
    if d.array()? != Some(2) {
        return Err(Error::MalformedCbor);
    }
    match d.u64()? {
        0 => Ok(Destination::Agent(d.u64()?)),
        1 => Ok(Destination::Intent(text(d, "to", MAX_INTENT)?)),
        2 => Ok(Destination::Request(text(d, "to", MAX_REQUEST)?)),
        _ => Err(Error::InvalidValue("to")),
    }
}

fn context(d: &mut Decoder<'_>) -> Result<Context, Error> {
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
            2 => context.causal_parent = optional(d, |d| Ok(d.u64()?))?,
            3 => {
                context.priority =
                    u8::try_from(d.u64()?).map_err(|_| Error::InvalidValue("context.priority"))?
            }
            _ => context.deadline_ns = optional(d, |d| Ok(d.u64()?))?,
        }
    }
    Ok(context)
}

fn caps(d: &mut Decoder<'_>) -> Result<Vec<u32>, Error> {
    let count = d.array()?.ok_or(Error::MalformedCbor)?;
    if count > MAX_CAPS as u64 {
        return Err(Error::TooLarge {
            field: "caps",
            limit: MAX_CAPS,
        });
    }
    let mut caps = Vec::new();
    for _ in 0..count {
        caps.push(u32::try_from(d.u64()?).map_err(|_| Error::InvalidValue("caps"))?);
    }
    Ok(caps)
}
