//! A small no_std JSON reader (RFC 8259) for safetensors headers and `tokenizer.json`.
//!
//! It builds a [`Value`] tree, limits nesting depth so hostile input cannot exhaust the
//! stack, and reports every syntax error as [`Error::Malformed`] or [`Error::Truncated`].

use crate::error::{Error, Result};
use alloc::string::String;
use alloc::vec::Vec;

/// Deepest nesting of arrays and objects accepted.
const MAX_DEPTH: usize = 64;

/// A parsed JSON value. Objects keep their members in file order.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// Any number, as an f64 (integers up to 2⁵³ are exact).
    Number(f64),
    /// A string with escapes resolved.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, as `(key, value)` pairs in file order.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// Parses one JSON document; trailing non-whitespace is an error.
    pub fn parse(text: &[u8]) -> Result<Value> {
        let mut parser = Parser { text, pos: 0 };
        let value = parser.value(0)?;
        parser.skip_whitespace();
        if parser.pos != text.len() {
            return Err(Error::Malformed {
                what: "JSON: trailing data",
            });
        }
        Ok(value)
    }

    /// The member `key` of an object (the first one if repeated).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number as an exact non-negative integer, if it is one (below 2⁵³).
    pub fn as_u64(&self) -> Option<u64> {
        const EXACT: f64 = 9_007_199_254_740_992.0;
        match self {
            Value::Number(n) if *n >= 0.0 && *n < EXACT && *n == libm::trunc(*n) => Some(*n as u64),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.text.get(self.pos) {
            self.pos += 1;
        }
    }

    fn next_byte(&mut self) -> Result<u8> {
        let byte = *self
            .text
            .get(self.pos)
            .ok_or(Error::Truncated { what: "JSON text" })?;
        self.pos += 1;
        Ok(byte)
    }

    fn expect_literal(&mut self, literal: &[u8], value: Value) -> Result<Value> {
        let end = self.pos.saturating_add(literal.len());
        match self.text.get(self.pos..end) {
            Some(found) if found == literal => {
                self.pos = end;
                Ok(value)
            }
            Some(_) => Err(Error::Malformed {
                what: "JSON: unknown literal",
            }),
            None => Err(Error::Truncated {
                what: "JSON literal",
            }),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value> {
        if depth > MAX_DEPTH {
            return Err(Error::TooLarge {
                what: "JSON nesting depth",
            });
        }
        self.skip_whitespace();
        match self.text.get(self.pos) {
            None => Err(Error::Truncated { what: "JSON value" }),
            Some(b'n') => self.expect_literal(b"null", Value::Null),
            Some(b't') => self.expect_literal(b"true", Value::Bool(true)),
            Some(b'f') => self.expect_literal(b"false", Value::Bool(false)),
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b'[') => self.array(depth),
            Some(b'{') => self.object(depth),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(Error::Malformed {
                what: "JSON: unexpected character",
            }),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.text.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_whitespace();
            match self.next_byte()? {
                b',' => continue,
                b']' => return Ok(Value::Array(items)),
                _ => {
                    return Err(Error::Malformed {
                        what: "JSON: expected , or ] in array",
                    });
                }
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value> {
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.text.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.next_byte()? != b'"' {
                return Err(Error::Malformed {
                    what: "JSON: object key is not a string",
                });
            }
            self.pos -= 1;
            let key = self.string()?;
            self.skip_whitespace();
            if self.next_byte()? != b':' {
                return Err(Error::Malformed {
                    what: "JSON: expected : after key",
                });
            }
            members.push((key, self.value(depth + 1)?));
            self.skip_whitespace();
            match self.next_byte()? {
                b',' => continue,
                b'}' => return Ok(Value::Object(members)),
                _ => {
                    return Err(Error::Malformed {
                        what: "JSON: expected , or } in object",
                    });
                }
            }
        }
    }

    fn number(&mut self) -> Result<Value> {
        let start = self.pos;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.text.get(self.pos) {
            self.pos += 1;
        }
        let text =
            core::str::from_utf8(&self.text[start..self.pos]).map_err(|_| Error::Malformed {
                what: "JSON number",
            })?;
        let valid_start = text
            .trim_start_matches('-')
            .starts_with(|c: char| c.is_ascii_digit());
        match text.parse::<f64>() {
            Ok(n) if valid_start && n.is_finite() => Ok(Value::Number(n)),
            _ => Err(Error::Malformed {
                what: "JSON number",
            }),
        }
    }
}

impl Parser<'_> {
    /// Parses a string starting at its opening quote.
    fn string(&mut self) -> Result<String> {
        self.pos += 1;
        let mut bytes = Vec::new();
        loop {
            match self.next_byte()? {
                b'"' => break,
                b'\\' => {
                    let escaped = match self.next_byte()? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => {
                            return Err(Error::Malformed {
                                what: "JSON: unknown escape",
                            });
                        }
                    };
                    let mut buffer = [0u8; 4];
                    bytes.extend_from_slice(escaped.encode_utf8(&mut buffer).as_bytes());
                }
                0..0x20 => {
                    return Err(Error::Malformed {
                        what: "JSON: control character in string",
                    });
                }
                byte => bytes.push(byte),
            }
        }
        String::from_utf8(bytes).map_err(|_| Error::Malformed {
            what: "JSON: string is not UTF-8",
        })
    }

    /// Decodes the `XXXX` of a `\uXXXX` escape, joining UTF-16 surrogate pairs.
    fn unicode_escape(&mut self) -> Result<char> {
        let high = self.hex4()?;
        let code = if (0xd800..0xdc00).contains(&high) {
            if self.next_byte()? != b'\\' || self.next_byte()? != b'u' {
                return Err(Error::Malformed {
                    what: "JSON: lone high surrogate",
                });
            }
            let low = self.hex4()?;
            if !(0xdc00..0xe000).contains(&low) {
                return Err(Error::Malformed {
                    what: "JSON: bad low surrogate",
                });
            }
            0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00)
        } else {
            high
        };
        char::from_u32(code).ok_or(Error::Malformed {
            what: "JSON: invalid \\u escape",
        })
    }

    fn hex4(&mut self) -> Result<u32> {
        let mut value = 0u32;
        for _ in 0..4 {
            let digit = char::from(self.next_byte()?)
                .to_digit(16)
                .ok_or(Error::Malformed {
                    what: "JSON: bad hex digit in \\u escape",
                })?;
            value = value * 16 + digit;
        }
        Ok(value)
    }
}
