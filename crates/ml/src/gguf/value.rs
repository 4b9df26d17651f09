//! GGUF metadata values, including arrays that are decoded lazily from the file.

use super::reader::Reader;
use crate::error::{Error, Result};

/// Deepest nesting of arrays inside arrays accepted (guards the stack).
const MAX_DEPTH: u32 = 4;

/// The type tag of a metadata value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// `u8`.
    U8,
    /// `i8`.
    I8,
    /// `u16`.
    U16,
    /// `i16`.
    I16,
    /// `u32`.
    U32,
    /// `i32`.
    I32,
    /// `f32`.
    F32,
    /// `bool` (one byte, 0 or 1).
    Bool,
    /// UTF-8 string.
    String,
    /// Array of one element type.
    Array,
    /// `u64`.
    U64,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
}

impl ValueType {
    /// Decodes a type tag; unknown tags are unsupported.
    pub fn from_u32(tag: u32) -> Result<Self> {
        use ValueType::*;
        Ok(match tag {
            0 => U8,
            1 => I8,
            2 => U16,
            3 => I16,
            4 => U32,
            5 => I32,
            6 => F32,
            7 => Bool,
            8 => String,
            9 => Array,
            10 => U64,
            11 => I64,
            12 => F64,
            _ => {
                return Err(Error::Unsupported {
                    what: "gguf: unknown metadata value type",
                });
            }
        })
    }

    /// Encoded size of a fixed-size value, `None` for strings and arrays.
    fn fixed_size(self) -> Option<usize> {
        use ValueType::*;
        match self {
            U8 | I8 | Bool => Some(1),
            U16 | I16 => Some(2),
            U32 | I32 | F32 => Some(4),
            U64 | I64 | F64 => Some(8),
            String | Array => None,
        }
    }
}

/// One metadata value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// `u8`.
    U8(u8),
    /// `i8`.
    I8(i8),
    /// `u16`.
    U16(u16),
    /// `i16`.
    I16(i16),
    /// `u32`.
    U32(u32),
    /// `i32`.
    I32(i32),
    /// `f32`.
    F32(f32),
    /// `bool`.
    Bool(bool),
    /// A string borrowed from the file.
    String(&'a str),
    /// An array, validated at parse time and decoded on demand.
    Array(Array<'a>),
    /// `u64`.
    U64(u64),
    /// `i64`.
    I64(i64),
    /// `f64`.
    F64(f64),
}

impl<'a> Value<'a> {
    /// The value as an unsigned integer, if it is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::U8(v) => Some(v.into()),
            Value::U16(v) => Some(v.into()),
            Value::U32(v) => Some(v.into()),
            Value::U64(v) => Some(v),
            Value::I8(v) => u64::try_from(v).ok(),
            Value::I16(v) => u64::try_from(v).ok(),
            Value::I32(v) => u64::try_from(v).ok(),
            Value::I64(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }

    /// The value as an `f32`, if it is a float.
    pub fn as_f32(&self) -> Option<f32> {
        match *self {
            Value::F32(v) => Some(v),
            Value::F64(v) => Some(v as f32),
            _ => None,
        }
    }

    /// The value as an array, if it is one.
    pub fn as_array(&self) -> Option<&Array<'a>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
}

/// An array value: element type, length and the encoded elements.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Array<'a> {
    /// Element type.
    pub elem: ValueType,
    /// Number of elements.
    pub len: usize,
    raw: &'a [u8],
}

impl<'a> Array<'a> {
    /// Iterates over the elements (each already validated at parse time).
    pub fn iter(&self) -> impl Iterator<Item = Result<Value<'a>>> + '_ {
        let mut r = Reader::new(self.raw);
        (0..self.len).map(move |_| read_value(&mut r, self.elem, 1))
    }
}

/// Reads one value of type `ty`; `depth` counts enclosing arrays.
pub(crate) fn read_value<'a>(r: &mut Reader<'a>, ty: ValueType, depth: u32) -> Result<Value<'a>> {
    Ok(match ty {
        ValueType::U8 => Value::U8(r.array::<1>()?[0]),
        ValueType::I8 => Value::I8(i8::from_le_bytes(r.array()?)),
        ValueType::U16 => Value::U16(u16::from_le_bytes(r.array()?)),
        ValueType::I16 => Value::I16(i16::from_le_bytes(r.array()?)),
        ValueType::U32 => Value::U32(r.u32()?),
        ValueType::I32 => Value::I32(i32::from_le_bytes(r.array()?)),
        ValueType::F32 => Value::F32(f32::from_le_bytes(r.array()?)),
        ValueType::Bool => match r.array::<1>()?[0] {
            0 => Value::Bool(false),
            1 => Value::Bool(true),
            _ => {
                return Err(Error::Malformed {
                    what: "gguf: bool not 0 or 1",
                });
            }
        },
        ValueType::String => Value::String(r.string()?),
        ValueType::U64 => Value::U64(r.u64()?),
        ValueType::I64 => Value::I64(i64::from_le_bytes(r.array()?)),
        ValueType::F64 => Value::F64(f64::from_le_bytes(r.array()?)),
        ValueType::Array => {
            if depth >= MAX_DEPTH {
                return Err(Error::Unsupported {
                    what: "gguf: arrays nested too deeply",
                });
            }
            let elem = ValueType::from_u32(r.u32()?)?;
            let len = r.length()?;
            let start = r.position();
            match elem.fixed_size() {
                Some(size) => {
                    let n = len.checked_mul(size).ok_or(Error::Truncated {
                        what: "gguf: array size overflow",
                    })?;
                    r.bytes(n)?;
                }
                None => {
                    // A string or array element is at least 8 bytes (its length).
                    r.check_count(len as u64, 8)?;
                    for _ in 0..len {
                        read_value(r, elem, depth + 1)?;
                    }
                }
            }
            Value::Array(Array {
                elem,
                len,
                raw: r.consumed_since(start),
            })
        }
    })
}
