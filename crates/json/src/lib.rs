//! JSON to CBOR and back, for the console's `send` command, the node's
//! API and host tools.
//!
//! [`json_to_cbor`] turns JSON text into the CBOR a message body carries:
//! objects become maps with text keys, integers CBOR integers, other
//! numbers `f64`. [`cbor_to_json`] prints any CBOR item as compact JSON:
//! integer map keys become strings, byte strings `"h'<hex>'"`, tags are
//! dropped in favour of the tagged value. Both refuse nesting deeper than
//! [`MAX_DEPTH`] and anything after the one value, and report the byte
//! offset of what they refused in a [`JsonError`]. [`parse`] gives the
//! parsed [`Value`] itself, for readers of a JSON request.
#![no_std]

extern crate alloc;

mod cbor_read;
mod error;
mod json_parse;
mod json_string;
mod json_write;
mod value;

pub use error::JsonError;
pub use json_write::string as write_string;
pub use value::Value;

use alloc::string::String;
use alloc::vec::Vec;

/// The deepest nesting of arrays and objects (maps) either direction
/// accepts; a top-level array is at depth 1.
pub const MAX_DEPTH: usize = 64;

/// Converts one JSON value (surrounding whitespace allowed) to CBOR.
pub fn json_to_cbor(text: &str) -> Result<Vec<u8>, JsonError> {
    let value = json_parse::parse(text)?;
    Ok(value.to_cbor())
}

/// Parses one JSON value (surrounding whitespace allowed).
pub fn parse(text: &str) -> Result<Value, JsonError> {
    json_parse::parse(text)
}

/// Converts one CBOR item to compact JSON text.
pub fn cbor_to_json(bytes: &[u8]) -> Result<String, JsonError> {
    cbor_read::to_json(bytes)
}
