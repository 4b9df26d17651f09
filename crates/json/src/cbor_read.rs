//! Printing one CBOR item as compact JSON, with byte offsets in every
//! error.

use crate::{JsonError, MAX_DEPTH, json_write};
use alloc::string::String;
use minicbor::Decoder;
use minicbor::data::Type;

/// Converts exactly one CBOR item; bytes after it are an error.
pub(crate) fn to_json(bytes: &[u8]) -> Result<String, JsonError> {
    let mut reader = Reader {
        decoder: Decoder::new(bytes),
        out: String::new(),
    };
    reader.item(0)?;
    let end = reader.decoder.position();
    if end < bytes.len() {
        return Err(JsonError::at(end, "trailing bytes after the item"));
    }
    Ok(reader.out)
}

struct Reader<'b> {
    decoder: Decoder<'b>,
    out: String,
}

impl Reader<'_> {
    fn fail(&self, error: &minicbor::decode::Error, start: usize, what: &'static str) -> JsonError {
        failure(self.decoder.input().len(), error, start, what)
    }

    fn kind(&self) -> Result<Type, JsonError> {
        let at = self.decoder.position();
        self.decoder
            .datatype()
            .map_err(|e| self.fail(&e, at, "invalid item"))
    }

    /// One item inside `depth` open arrays and maps; tags are skipped.
    fn item(&mut self, depth: usize) -> Result<(), JsonError> {
        let mut start = self.decoder.position();
        while self.kind()? == Type::Tag {
            self.decoder
                .tag()
                .map_err(|e| self.fail(&e, start, "invalid tag"))?;
            start = self.decoder.position();
        }
        let malformed = |reader: &Self, e| reader.fail(&e, start, "malformed item");
        match self.kind()? {
            Type::Bool => {
                let value = self.decoder.bool().map_err(|e| malformed(self, e))?;
                self.out.push_str(if value { "true" } else { "false" });
            }
            Type::Null | Type::Undefined => {
                self.decoder.set_position(start + 1);
                self.out.push_str("null");
            }
            Type::U8 | Type::U16 | Type::U32 | Type::U64 => self.integer(start)?,
            Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => self.integer(start)?,
            Type::F16 => {
                let input = self.decoder.input();
                let bits = input
                    .get(start + 1..start + 3)
                    .and_then(|b| b.try_into().ok());
                let bits = bits.ok_or(JsonError::at(input.len(), "unexpected end of input"))?;
                let half = u16::from_be_bytes(bits);
                self.decoder.set_position(start + 3);
                json_write::single(&mut self.out, json_write::half_to_single(half));
            }
            Type::F32 => {
                let x = self.decoder.f32().map_err(|e| malformed(self, e))?;
                json_write::single(&mut self.out, x);
            }
            Type::F64 => {
                let x = self.decoder.f64().map_err(|e| malformed(self, e))?;
                json_write::double(&mut self.out, x);
            }
            Type::Bytes | Type::BytesIndef => self.bytes(start)?,
            Type::String | Type::StringIndef => self.text(start)?,
            Type::Array | Type::ArrayIndef => self.array(start, deeper(depth, start)?)?,
            Type::Map | Type::MapIndef => self.map(start, deeper(depth, start)?)?,
            Type::Break => return Err(JsonError::at(start, "unexpected break")),
            Type::Simple => return Err(JsonError::at(start, "unsupported simple value")),
            Type::Tag | Type::Unknown(_) => return Err(JsonError::at(start, "invalid item")),
        }
        Ok(())
    }

    fn integer(&mut self, start: usize) -> Result<(), JsonError> {
        let value = self
            .decoder
            .int()
            .map_err(|e| self.fail(&e, start, "malformed integer"))?;
        // Writing to a String cannot fail.
        let _ = core::fmt::Write::write_fmt(&mut self.out, format_args!("{value}"));
        Ok(())
    }

    fn bytes(&mut self, start: usize) -> Result<(), JsonError> {
        let mut hex = String::from("h'");
        let len = self.decoder.input().len();
        let chunks = self.decoder.bytes_iter();
        let chunks = chunks.map_err(|e| failure(len, &e, start, "malformed byte string"))?;
        for chunk in chunks {
            let chunk = chunk.map_err(|e| failure(len, &e, start, "malformed byte string"))?;
            json_write::hex(&mut hex, chunk);
        }
        hex.push('\'');
        json_write::string(&mut self.out, &hex);
        Ok(())
    }

    fn text(&mut self, start: usize) -> Result<(), JsonError> {
        let mut text = String::new();
        let len = self.decoder.input().len();
        let chunks = self.decoder.str_iter();
        let chunks = chunks.map_err(|e| failure(len, &e, start, "malformed text"))?;
        for chunk in chunks {
            let chunk = chunk.map_err(|e| failure(len, &e, start, "malformed text"))?;
            text.push_str(chunk);
        }
        json_write::string(&mut self.out, &text);
        Ok(())
    }

    /// Calls `each` once per element of a definite or indefinite
    /// container whose length (or `None`) is `length`.
    fn elements(
        &mut self,
        length: Option<u64>,
        mut each: impl FnMut(&mut Self, bool) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        let mut first = true;
        let mut left = length;
        loop {
            match left {
                Some(0) => return Ok(()),
                Some(n) => left = Some(n - 1),
                None if self.kind()? == Type::Break => {
                    self.decoder.set_position(self.decoder.position() + 1);
                    return Ok(());
                }
                None => {}
            }
            each(self, first)?;
            first = false;
        }
    }

    fn array(&mut self, start: usize, depth: usize) -> Result<(), JsonError> {
        let length = self.decoder.array();
        let length = length.map_err(|e| self.fail(&e, start, "malformed array"))?;
        self.out.push('[');
        self.elements(length, |reader, first| {
            if !first {
                reader.out.push(',');
            }
            reader.item(depth)
        })?;
        self.out.push(']');
        Ok(())
    }

    fn map(&mut self, start: usize, depth: usize) -> Result<(), JsonError> {
        let length = self.decoder.map();
        let length = length.map_err(|e| self.fail(&e, start, "malformed map"))?;
        self.out.push('{');
        self.elements(length, |reader, first| {
            if !first {
                reader.out.push(',');
            }
            reader.key()?;
            reader.out.push(':');
            reader.item(depth)
        })?;
        self.out.push('}');
        Ok(())
    }

    /// A map key: text as is, an integer as a string.
    fn key(&mut self) -> Result<(), JsonError> {
        let start = self.decoder.position();
        match self.kind()? {
            Type::String | Type::StringIndef => self.text(start),
            Type::U8 | Type::U16 | Type::U32 | Type::U64 => self.integer_key(start),
            Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => self.integer_key(start),
            _ => Err(JsonError::at(start, "map key is not text or an integer")),
        }
    }

    fn integer_key(&mut self, start: usize) -> Result<(), JsonError> {
        self.out.push('"');
        self.integer(start)?;
        self.out.push('"');
        Ok(())
    }
}

/// An error for a minicbor failure while reading the item at `start` of
/// an input of `len` bytes.
fn failure(
    len: usize,
    error: &minicbor::decode::Error,
    start: usize,
    what: &'static str,
) -> JsonError {
    if error.is_end_of_input() {
        JsonError::at(len, "unexpected end of input")
    } else {
        JsonError::at(error.position().unwrap_or(start), what)
    }
}

/// The depth inside a container opened at `depth`, if allowed.
fn deeper(depth: usize, start: usize) -> Result<usize, JsonError> {
    if depth >= MAX_DEPTH {
        return Err(JsonError::at(start, "nested deeper than 64 levels"));
    }
    Ok(depth + 1)
}
