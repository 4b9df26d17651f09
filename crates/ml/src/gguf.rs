//! GGUF (v2/v3) loader: validated, zero-copy view of metadata and tensors.
//!
//! Every count and offset read from the file is checked against the bytes that
//! remain, so a truncated or hostile file yields an error, never a panic.

mod reader;
mod value;

use alloc::vec::Vec;

use crate::error::{Error, Result};
use crate::quant::TensorType;
use reader::Reader;
pub use value::{Array, Value, ValueType};

/// Default alignment of the tensor data section when `general.alignment` is absent.
const DEFAULT_ALIGNMENT: u64 = 32;
/// Most dimensions a GGUF tensor may have (ggml's `GGML_MAX_DIMS`).
const MAX_DIMS: u32 = 4;

/// A parsed GGUF file borrowing its bytes.
#[derive(Debug)]
pub struct Gguf<'a> {
    /// Format version (2 or 3).
    pub version: u32,
    metadata: Vec<(&'a str, Value<'a>)>,
    tensors: Vec<Tensor<'a>>,
}

/// One tensor: its name, shape (innermost dimension first), type and bytes.
#[derive(Debug, Clone, Copy)]
pub struct Tensor<'a> {
    /// Tensor name, e.g. `blk.0.attn_q.weight`.
    pub name: &'a str,
    /// Dimensions, `dims[0]` being the contiguous one; unused dimensions are 1.
    pub dims: [u64; 4],
    /// Number of dimensions actually declared.
    pub n_dims: u32,
    /// Element encoding.
    pub ty: TensorType,
    /// The encoded elements, a slice of the file.
    pub data: &'a [u8],
}

impl<'a> Gguf<'a> {
    /// Parses and validates a GGUF file held in memory.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        let mut r = Reader::new(bytes);
        if r.bytes(4)? != b"GGUF" {
            return Err(Error::Malformed {
                what: "gguf: bad magic",
            });
        }
        let version = r.u32()?;
        if version != 2 && version != 3 {
            return Err(Error::Unsupported {
                what: "gguf: version other than 2 or 3",
            });
        }
        let tensor_count = r.u64()?;
        let kv_count = r.u64()?;
        // Each key-value needs at least 12 bytes and each tensor info 24: refuse
        // counts the file cannot possibly hold before allocating for them.
        r.check_count(kv_count, 12)?;
        r.check_count(tensor_count, 24)?;
        let mut metadata = Vec::new();
        for _ in 0..kv_count {
            let key = r.string()?;
            let ty = ValueType::from_u32(r.u32()?)?;
            let value = value::read_value(&mut r, ty, 0)?;
            metadata.push((key, value));
        }
        let alignment = match metadata.iter().find(|(k, _)| *k == "general.alignment") {
            Some((_, Value::U32(a))) if *a != 0 && a.is_power_of_two() => u64::from(*a),
            Some(_) => {
                return Err(Error::Malformed {
                    what: "gguf: bad general.alignment",
                });
            }
            None => DEFAULT_ALIGNMENT,
        };
        let mut infos = Vec::new();
        for _ in 0..tensor_count {
            let name = r.string()?;
            let n_dims = r.u32()?;
            if n_dims == 0 || n_dims > MAX_DIMS {
                return Err(Error::Malformed {
                    what: "gguf: tensor dimension count",
                });
            }
            let mut dims = [1u64; 4];
            for d in dims.iter_mut().take(n_dims as usize) {
                *d = r.u64()?;
            }
            let ty = TensorType::from_u32(r.u32()?)?;
            let offset = r.u64()?;
            if offset % alignment != 0 {
                return Err(Error::Malformed {
                    what: "gguf: misaligned tensor offset",
                });
            }
            infos.push((name, dims, n_dims, ty, offset));
        }
        let header_end = r.position() as u64;
        let data_start =
            header_end
                .checked_next_multiple_of(alignment)
                .ok_or(Error::Malformed {
                    what: "gguf: data offset overflow",
                })?;
        let mut tensors = Vec::with_capacity(infos.len());
        for (name, dims, n_dims, ty, offset) in infos {
            let size = tensor_size(ty, &dims)?;
            let start = data_start.checked_add(offset).ok_or(Error::Malformed {
                what: "gguf: tensor offset overflow",
            })?;
            let end = start.checked_add(size).ok_or(Error::Malformed {
                what: "gguf: tensor size overflow",
            })?;
            let data = usize::try_from(start)
                .ok()
                .zip(usize::try_from(end).ok())
                .and_then(|(s, e)| bytes.get(s..e))
                .ok_or(Error::Truncated {
                    what: "gguf: tensor data beyond end of file",
                })?;
            tensors.push(Tensor {
                name,
                dims,
                n_dims,
                ty,
                data,
            });
        }
        Ok(Gguf {
            version,
            metadata,
            tensors,
        })
    }

    /// All metadata entries in file order.
    pub fn metadata(&self) -> &[(&'a str, Value<'a>)] {
        &self.metadata
    }

    /// All tensors in file order.
    pub fn tensors(&self) -> &[Tensor<'a>] {
        &self.tensors
    }

    /// The metadata value stored under `key`, if any.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.metadata
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    /// The metadata value under `key`, or an error naming that it is missing.
    pub fn require(&self, key: &'static str) -> Result<&Value<'a>> {
        self.get(key).ok_or(Error::MissingMetadata { key })
    }

    /// The integer under `key` (any integer type that fits a `u64`).
    pub fn get_u64(&self, key: &'static str) -> Result<u64> {
        self.require(key)?
            .as_u64()
            .ok_or(Error::Malformed { what: key })
    }

    /// The float under `key` (`f32` or `f64`).
    pub fn get_f32(&self, key: &'static str) -> Result<f32> {
        self.require(key)?
            .as_f32()
            .ok_or(Error::Malformed { what: key })
    }

    /// The string under `key`.
    pub fn get_str(&self, key: &'static str) -> Result<&'a str> {
        match self.require(key)? {
            Value::String(s) => Ok(s),
            _ => Err(Error::Malformed { what: key }),
        }
    }

    /// The tensor called `name`.
    pub fn tensor(&self, name: &str) -> Option<&Tensor<'a>> {
        self.tensors.iter().find(|t| t.name == name)
    }
}

impl Tensor<'_> {
    /// Total number of elements.
    pub fn element_count(&self) -> u64 {
        self.dims.iter().product()
    }
}

/// Bytes needed by a tensor of this type and shape, with overflow checks.
fn tensor_size(ty: TensorType, dims: &[u64; 4]) -> Result<u64> {
    let overflow = Error::Malformed {
        what: "gguf: tensor element count overflow",
    };
    let count = dims
        .iter()
        .try_fold(1u64, |acc, &d| acc.checked_mul(d))
        .ok_or(overflow)?;
    let block = ty.block_elements() as u64;
    if !dims[0].is_multiple_of(block) {
        return Err(Error::Malformed {
            what: "gguf: row length not a multiple of the block size",
        });
    }
    (count / block)
        .checked_mul(ty.block_bytes() as u64)
        .ok_or(Error::Malformed {
            what: "gguf: tensor byte size overflow",
        })
}
