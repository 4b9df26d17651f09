//! Checking a CBOR body against a [`Schema`], with the path of the first
//! mismatch.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use core::fmt;
use minicbor::Decoder;
use minicbor::data::Type;

use crate::schema::{MAX_DEPTH, Schema, is_identifier};

/// Where a body departs from its schema: `path` names the value
/// (`$` is the body, `$.tags[2]` the third element of its field `tags`),
/// `expected` what the schema wants there and `found` what the body has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The value at fault.
    pub path: String,
    /// What the schema requires there.
    pub expected: String,
    /// What the body holds there.
    pub found: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at {}: expected {}, found {}",
            self.path, self.expected, self.found
        )
    }
}

impl Schema {
    /// Checks that `body` is exactly one CBOR value of this schema: right
    /// types, every required field present, no unknown field, enum values
    /// among the alternatives, nesting at most [`MAX_DEPTH`] deep.
    pub fn validate(&self, body: &[u8]) -> Result<(), ValidationError> {
        let mut walker = Walker {
            decoder: Decoder::new(body),
            path: String::from("$"),
        };
        walker.check(self, 0)?;
        if walker.decoder.position() != body.len() {
            return Err(walker.error("end of body", "trailing bytes"));
        }
        Ok(())
    }
}

struct Walker<'b> {
    decoder: Decoder<'b>,
    path: String,
}

impl<'b> Walker<'b> {
    fn error(&self, expected: impl ToString, found: impl ToString) -> ValidationError {
        ValidationError {
            path: self.path.clone(),
            expected: expected.to_string(),
            found: found.to_string(),
        }
    }

    /// What the body holds at the current position, in schema words.
    fn found(&self) -> String {
        let name = match self.decoder.datatype() {
            Err(_) => "end of body",
            Ok(Type::Bool) => "bool",
            Ok(Type::Null) => "null",
            Ok(Type::U8 | Type::U16 | Type::U32 | Type::U64) => "uint",
            Ok(Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int) => "negative int",
            Ok(Type::F16 | Type::F32 | Type::F64) => "float",
            Ok(Type::Bytes | Type::BytesIndef) => "bytes",
            Ok(Type::String | Type::StringIndef) => "text",
            Ok(Type::Array | Type::ArrayIndef) => "list",
            Ok(Type::Map | Type::MapIndef) => "map",
            Ok(Type::Tag) => "tag",
            Ok(_) => "other CBOR value",
        };
        String::from(name)
    }

    /// Runs a decoder step, reporting a malformed value against `schema`.
    fn step<T>(
        &mut self,
        schema: &Schema,
        run: impl FnOnce(&mut Decoder<'b>) -> Result<T, minicbor::decode::Error>,
    ) -> Result<T, ValidationError> {
        run(&mut self.decoder).map_err(|_| self.error(schema.describe(), "malformed CBOR"))
    }

    fn check(&mut self, schema: &Schema, depth: usize) -> Result<(), ValidationError> {
        let datatype = self.decoder.datatype().ok();
        let mismatch = |walker: &Self| Err(walker.error(schema.describe(), walker.found()));
        match (schema, datatype) {
            (Schema::Bool, Some(Type::Bool)) => self.step(schema, |d| d.bool().map(drop)),
            (Schema::Uint, Some(Type::U8 | Type::U16 | Type::U32 | Type::U64))
            | (
                Schema::Int,
                Some(
                    Type::U8
                    | Type::U16
                    | Type::U32
                    | Type::U64
                    | Type::I8
                    | Type::I16
                    | Type::I32
                    | Type::I64
                    | Type::Int,
                ),
            ) => self.step(schema, |d| d.int().map(drop)),
            (Schema::Float, Some(Type::F16 | Type::F32 | Type::F64))
            | (Schema::Bytes, Some(Type::Bytes | Type::BytesIndef))
            | (Schema::Text, Some(Type::String | Type::StringIndef)) => {
                // Skipping a string checks its UTF-8; skipping a float reads it.
                self.step(schema, |d| d.skip())
            }
            (Schema::Enum(values), Some(Type::String)) => {
                let value = self.step(schema, |d| d.str())?;
                if values.iter().any(|v| v == value) {
                    return Ok(());
                }
                Err(self.error(schema.describe(), format!("{value:?}")))
            }
            (Schema::List(element), Some(Type::Array | Type::ArrayIndef)) => {
                let depth = self.deeper(depth)?;
                let length = self.step(schema, |d| d.array())?;
                let mut index = 0u64;
                while self.more(length, index)? {
                    let mark = self.path.len();
                    self.path.push_str(&format!("[{index}]"));
                    self.check(element, depth)?;
                    self.path.truncate(mark);
                    index += 1;
                }
                Ok(())
            }
            (Schema::Map(fields), Some(Type::Map | Type::MapIndef)) => {
                let depth = self.deeper(depth)?;
                let length = self.step(schema, |d| d.map())?;
                let mut seen = vec![false; fields.len()];
                let mut index = 0u64;
                while self.more(length, index)? {
                    if self.decoder.datatype().ok() != Some(Type::String) {
                        return Err(self.error("text key", self.found()));
                    }
                    let key = self.step(schema, |d| d.str())?;
                    let mark = self.path.len();
                    push_key(&mut self.path, key);
                    let Some(position) = fields.iter().position(|f| f.name == key) else {
                        return Err(self.error("a declared field", "unknown field"));
                    };
                    if core::mem::replace(&mut seen[position], true) {
                        return Err(self.error("one value", "duplicate field"));
                    }
                    let field = &fields[position];
                    if field.optional && self.decoder.datatype().ok() == Some(Type::Null) {
                        self.step(schema, |d| d.null())?;
                    } else {
                        self.check(&field.schema, depth)?;
                    }
                    self.path.truncate(mark);
                    index += 1;
                }
                let missing = fields
                    .iter()
                    .zip(&seen)
                    .find(|(f, seen)| !f.optional && !**seen);
                if let Some((field, _)) = missing {
                    push_key(&mut self.path, &field.name);
                    return Err(self.error(field.schema.describe(), "nothing"));
                }
                Ok(())
            }
            _ => mismatch(self),
        }
    }

    fn deeper(&self, depth: usize) -> Result<usize, ValidationError> {
        if depth >= MAX_DEPTH {
            return Err(self.error(
                format!("nesting at most {MAX_DEPTH} deep"),
                "deeper nesting",
            ));
        }
        Ok(depth + 1)
    }

    /// Whether a list or map with `length` entries (`None`: indefinite) has
    /// another entry after `index`; consumes the break of an indefinite one.
    fn more(&mut self, length: Option<u64>, index: u64) -> Result<bool, ValidationError> {
        match length {
            Some(length) => Ok(index < length),
            None => match self.decoder.datatype() {
                Ok(Type::Break) => {
                    self.decoder.set_position(self.decoder.position() + 1);
                    Ok(false)
                }
                Ok(_) => Ok(true),
                Err(_) => Err(self.error("break", "end of body")),
            },
        }
    }
}

/// Appends a map key to a path: `.name`, or `["odd key"]` when it is not an
/// identifier.
fn push_key(path: &mut String, key: &str) {
    if is_identifier(key) {
        path.push('.');
        path.push_str(key);
    } else {
        path.push_str(&format!("[{key:?}]"));
    }
}
