//! Quantised tensor formats of ggml (Q4_1, Q8_0, F16, F32): decoding and dot products.
//!
//! Matrix-vector products follow llama.cpp's CPU path: the activation vector is
//! itself quantised (Q8_1 against Q4_1 weights, Q8_0 against Q8_0 weights) and
//! the dot products run on integers, so our logits track llama.cpp's closely.

mod half;
mod matrix;
mod q4_1;
mod q8;

use crate::error::{Error, Result};
pub use half::{f16_to_f32, f32_to_f16, round_to_f16};
pub use matrix::Matrix;
pub use q8::{QuantizedVector, quantize_q8_0, quantize_q8_1};

/// Elements in one quantisation block (`QK4_1`, `QK8_0`).
pub const BLOCK: usize = 32;

/// The element encodings of ggml this engine can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TensorType {
    /// IEEE single precision.
    F32,
    /// IEEE half precision.
    F16,
    /// 32 elements as 4-bit codes with an f16 scale and an f16 minimum (20 bytes).
    Q4_1,
    /// 32 elements as 8-bit codes with an f16 scale (34 bytes).
    Q8_0,
}

impl TensorType {
    /// Decodes ggml's type number; any other type is unsupported.
    pub fn from_u32(tag: u32) -> Result<Self> {
        Ok(match tag {
            0 => TensorType::F32,
            1 => TensorType::F16,
            3 => TensorType::Q4_1,
            8 => TensorType::Q8_0,
            _ => {
                return Err(Error::Unsupported {
                    what: "gguf: tensor type other than F32, F16, Q4_1, Q8_0",
                });
            }
        })
    }

    /// Elements per block (1 for the float types).
    pub fn block_elements(self) -> usize {
        match self {
            TensorType::F32 | TensorType::F16 => 1,
            TensorType::Q4_1 | TensorType::Q8_0 => BLOCK,
        }
    }

    /// Bytes per block.
    pub fn block_bytes(self) -> usize {
        match self {
            TensorType::F32 => 4,
            TensorType::F16 => 2,
            TensorType::Q4_1 => q4_1::BLOCK_BYTES,
            TensorType::Q8_0 => q8::BLOCK_BYTES,
        }
    }
}
