//! A parsed JSON value and its CBOR encoding (definite lengths, shortest
//! integer heads, floats as `f64`).

use alloc::string::String;
use alloc::vec::Vec;

/// One JSON value, as parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A non-negative integer.
    Unsigned(u64),
    /// A negative integer.
    Negative(i64),
    /// A number with a fraction or exponent, or an integer out of range.
    Float(f64),
    /// A string.
    Text(String),
    /// An array.
    Array(Vec<Value>),
    /// An object, members in the order written (duplicates kept).
    Object(Vec<(String, Value)>),
}

/// CBOR major types.
const UNSIGNED: u8 = 0;
const NEGATIVE: u8 = 1;
const TEXT: u8 = 3;
const ARRAY: u8 = 4;
const MAP: u8 = 5;

impl Value {
    /// The first member `key` of an object (`None` for anything else).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The value as one CBOR item.
    pub fn to_cbor(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }

    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Value::Null => out.push(0xf6),
            Value::Bool(false) => out.push(0xf4),
            Value::Bool(true) => out.push(0xf5),
            Value::Unsigned(n) => head(out, UNSIGNED, *n),
            // -1 - n for n < 0 is the CBOR argument; `!n` computes it
            // without overflow for every negative i64.
            Value::Negative(n) => head(out, NEGATIVE, !*n as u64),
            Value::Float(x) => {
                out.push(0xfb);
                out.extend_from_slice(&x.to_bits().to_be_bytes());
            }
            Value::Text(text) => text_item(out, text),
            Value::Array(items) => {
                head(out, ARRAY, items.len() as u64);
                items.iter().for_each(|item| item.encode(out));
            }
            Value::Object(members) => {
                head(out, MAP, members.len() as u64);
                for (key, value) in members {
                    text_item(out, key);
                    value.encode(out);
                }
            }
        }
    }
}

fn text_item(out: &mut Vec<u8>, text: &str) {
    head(out, TEXT, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

/// Writes an item head: the major type and its argument in the shortest
/// form.
fn head(out: &mut Vec<u8>, major: u8, argument: u64) {
    let major = major << 5;
    if argument < 24 {
        out.push(major | argument as u8);
    } else if let Ok(byte) = u8::try_from(argument) {
        out.extend_from_slice(&[major | 24, byte]);
    } else if let Ok(short) = u16::try_from(argument) {
        out.push(major | 25);
        out.extend_from_slice(&short.to_be_bytes());
    } else if let Ok(word) = u32::try_from(argument) {
        out.push(major | 26);
        out.extend_from_slice(&word.to_be_bytes());
    } else {
        out.push(major | 27);
        out.extend_from_slice(&argument.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn heads_are_shortest() {
        assert_eq!(Value::Unsigned(23).to_cbor(), [0x17]);
        assert_eq!(Value::Unsigned(24).to_cbor(), [0x18, 24]);
        assert_eq!(Value::Unsigned(256).to_cbor(), [0x19, 1, 0]);
        assert_eq!(Value::Unsigned(65_536).to_cbor(), [0x1a, 0, 1, 0, 0]);
        assert_eq!(
            Value::Unsigned(u64::MAX).to_cbor(),
            [0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
        assert_eq!(Value::Negative(-1).to_cbor(), [0x20]);
        assert_eq!(Value::Negative(-25).to_cbor(), [0x38, 24]);
        assert_eq!(
            Value::Negative(i64::MIN).to_cbor(),
            [0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
    }

    #[test]
    fn containers_and_scalars() {
        let value = Value::Object(vec![
            (
                "a".into(),
                Value::Array(vec![Value::Null, Value::Bool(true)]),
            ),
            ("b".into(), Value::Float(1.5)),
        ]);
        assert_eq!(
            value.to_cbor(),
            [
                0xa2, 0x61, b'a', 0x82, 0xf6, 0xf5, 0x61, b'b', 0xfb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0
            ]
        );
        assert_eq!(Value::Bool(false).to_cbor(), [0xf4]);
    }
}
