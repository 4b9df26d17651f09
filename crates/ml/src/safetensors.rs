//! safetensors loader: validates the header and every tensor's dtype, shape and byte range
//! before any data is read, and converts F32/F16/BF16 tensors to f32.
//!
//! Layout: an 8-byte little-endian header length, a JSON header mapping tensor names to
//! `{dtype, shape, data_offsets: [begin, end]}` (offsets relative to the data that follows),
//! then the data. Offsets must lie inside the file, match `product(shape) × dtype size`,
//! and not overlap.

use crate::error::{Error, Result};
use crate::json::Value;
use alloc::string::String;
use alloc::vec::Vec;

/// Largest header accepted (the format's own limit is 100 MB).
const MAX_HEADER: usize = 100_000_000;

/// A tensor element type named in the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dtype {
    /// IEEE binary32.
    F32,
    /// IEEE binary16.
    F16,
    /// bfloat16.
    BF16,
    /// Any other dtype the format defines (integers, bool, f64): validated, not convertible.
    Other {
        /// Bytes per element.
        size: usize,
    },
}

impl Dtype {
    fn parse(name: &str) -> Result<Dtype> {
        Ok(match name {
            "F32" => Dtype::F32,
            "F16" => Dtype::F16,
            "BF16" => Dtype::BF16,
            "F64" | "I64" | "U64" => Dtype::Other { size: 8 },
            "I32" | "U32" => Dtype::Other { size: 4 },
            "I16" | "U16" => Dtype::Other { size: 2 },
            "I8" | "U8" | "BOOL" | "F8_E4M3" | "F8_E5M2" => Dtype::Other { size: 1 },
            _ => {
                return Err(Error::Unsupported {
                    what: "safetensors dtype",
                });
            }
        })
    }

    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            Dtype::F32 => 4,
            Dtype::F16 | Dtype::BF16 => 2,
            Dtype::Other { size } => size,
        }
    }
}

/// One tensor's header entry, already checked against the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TensorInfo {
    /// The tensor's name.
    pub name: String,
    /// Element type.
    pub dtype: Dtype,
    /// Dimensions, outermost first.
    pub shape: Vec<usize>,
    /// Byte range within the data section.
    pub range: core::ops::Range<usize>,
}

/// A validated safetensors file borrowed from memory.
#[derive(Debug)]
pub struct SafeTensors<'a> {
    data: &'a [u8],
    tensors: Vec<TensorInfo>,
}

impl<'a> SafeTensors<'a> {
    /// Parses and validates the whole header of `bytes`.
    pub fn parse(bytes: &'a [u8]) -> Result<SafeTensors<'a>> {
        let length_bytes: [u8; 8] =
            bytes
                .get(..8)
                .and_then(|b| b.try_into().ok())
                .ok_or(Error::Truncated {
                    what: "safetensors header length",
                })?;
        let header_len = usize::try_from(u64::from_le_bytes(length_bytes))
            .ok()
            .filter(|len| *len <= MAX_HEADER)
            .ok_or(Error::TooLarge {
                what: "safetensors header",
            })?;
        let header = bytes.get(8..8 + header_len).ok_or(Error::Truncated {
            what: "safetensors header",
        })?;
        let data = &bytes[8 + header_len..];
        let root = Value::parse(header)?;
        let members = root.as_object().ok_or(Error::Malformed {
            what: "safetensors header is not an object",
        })?;
        let mut tensors = Vec::with_capacity(members.len());
        for (name, entry) in members {
            if name != "__metadata__" {
                tensors.push(tensor_info(name, entry, data.len())?);
            }
        }
        let mut ranges: Vec<_> = tensors.iter().map(|t| t.range.clone()).collect();
        ranges.sort_by_key(|r| (r.start, r.end));
        if ranges.windows(2).any(|w| w[1].start < w[0].end) {
            return Err(Error::Malformed {
                what: "safetensors tensors overlap",
            });
        }
        Ok(SafeTensors { data, tensors })
    }

    /// All tensors in header order.
    pub fn tensors(&self) -> &[TensorInfo] {
        &self.tensors
    }

    /// The entry named `name`.
    pub fn info(&self, name: &str) -> Result<&TensorInfo> {
        self.tensors
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| Error::MissingTensor { name: name.into() })
    }

    /// Tensor `name` as f32, which must have exactly the shape `expected`.
    pub fn f32_tensor(&self, name: &str, expected: &[usize]) -> Result<Vec<f32>> {
        let info = self.info(name)?;
        if info.shape != expected {
            return Err(Error::ShapeMismatch {
                name: name.into(),
                expected: expected.into(),
                found: info.shape.clone(),
            });
        }
        let bytes = &self.data[info.range.clone()];
        Ok(match info.dtype {
            Dtype::F32 => bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            Dtype::F16 => bytes
                .chunks_exact(2)
                .map(|c| f16_to_f32(u16::from_le_bytes([c[0], c[1]])))
                .collect(),
            Dtype::BF16 => bytes
                .chunks_exact(2)
                .map(|c| f32::from_bits(u32::from(u16::from_le_bytes([c[0], c[1]])) << 16))
                .collect(),
            Dtype::Other { .. } => {
                return Err(Error::Unsupported {
                    what: "tensor dtype is not a float",
                });
            }
        })
    }
}

/// Validates one header entry against a data section of `data_len` bytes.
fn tensor_info(name: &str, entry: &Value, data_len: usize) -> Result<TensorInfo> {
    let malformed = |what| Error::Malformed { what };
    let dtype = Dtype::parse(
        entry
            .get("dtype")
            .and_then(Value::as_str)
            .ok_or(malformed("safetensors dtype"))?,
    )?;
    let shape = entry
        .get("shape")
        .and_then(Value::as_array)
        .ok_or(malformed("safetensors shape"))?
        .iter()
        .map(|d| {
            d.as_u64()
                .and_then(|d| usize::try_from(d).ok())
                .ok_or(malformed("safetensors dimension"))
        })
        .collect::<Result<Vec<usize>>>()?;
    let offsets = entry
        .get("data_offsets")
        .and_then(Value::as_array)
        .filter(|o| o.len() == 2)
        .ok_or(malformed("safetensors data_offsets"))?;
    let bound = |v: &Value| {
        v.as_u64()
            .and_then(|v| usize::try_from(v).ok())
            .ok_or(malformed("safetensors offset"))
    };
    let (start, end) = (bound(&offsets[0])?, bound(&offsets[1])?);
    if start > end {
        return Err(malformed("safetensors offsets are reversed"));
    }
    if end > data_len {
        return Err(Error::Truncated {
            what: "safetensors tensor data",
        });
    }
    let too_large = Error::TooLarge {
        what: "safetensors tensor size",
    };
    let bytes = shape
        .iter()
        .try_fold(dtype.size(), |acc, d| acc.checked_mul(*d))
        .ok_or(too_large)?;
    if bytes != end - start {
        return Err(malformed(
            "safetensors tensor size does not match its shape",
        ));
    }
    Ok(TensorInfo {
        name: name.into(),
        dtype,
        shape,
        range: start..end,
    })
}

/// Converts an IEEE binary16 value (including subnormals, infinities and NaN) to f32.
pub fn f16_to_f32(bits: u16) -> f32 {
    let sign = u32::from(bits >> 15) << 31;
    let exponent = u32::from((bits >> 10) & 0x1f);
    let mantissa = u32::from(bits & 0x3ff);
    let magnitude = match (exponent, mantissa) {
        (0, 0) => 0,
        (0, m) => {
            // Subnormal: value = m · 2⁻²⁴; renormalise for f32.
            let shift = m.leading_zeros() - 21;
            let exponent = 127 - 15 - shift + 1;
            (exponent << 23) | ((m << shift) & 0x3ff) << 13
        }
        (0x1f, m) => 0x7f80_0000 | (m << 13),
        (e, m) => ((e + 127 - 15) << 23) | (m << 13),
    };
    f32::from_bits(sign | magnitude)
}
