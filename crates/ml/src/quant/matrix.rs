//! A weight matrix stored in one of ggml's encodings, borrowed from the model file.

use super::{BLOCK, QuantizedVector, TensorType, f16_to_f32, q4_1, q8};
use crate::error::{Error, Result};
use crate::gguf::Tensor;
use crate::kernels::Backend;
use alloc::string::ToString;
use alloc::vec;

mod product;
mod q4_1_avx2;
mod rows_avx2;

/// A row-major matrix of `rows` rows of `cols` elements, in its file encoding.
#[derive(Debug, Clone, Copy)]
pub struct Matrix<'a> {
    /// Element encoding.
    pub ty: TensorType,
    /// Number of rows (outputs of a matrix-vector product).
    pub rows: usize,
    /// Elements per row (inputs of a matrix-vector product).
    pub cols: usize,
    data: &'a [u8],
    row_bytes: usize,
}

impl<'a> Matrix<'a> {
    /// Views `tensor` as a `rows × cols` matrix, refusing any other shape.
    pub fn from_tensor(tensor: &Tensor<'a>, cols: usize, rows: usize) -> Result<Self> {
        let shape_ok = tensor.dims[0] == cols as u64
            && tensor.dims[1] == rows as u64
            && tensor.dims[2] == 1
            && tensor.dims[3] == 1;
        if !shape_ok {
            return Err(Error::ShapeMismatch {
                name: tensor.name.to_string(),
                expected: vec![cols, rows],
                found: tensor.dims.iter().map(|&d| d as usize).collect(),
            });
        }
        // The loader already checked that `data` holds exactly rows * row_bytes bytes.
        let row_bytes = cols / tensor.ty.block_elements() * tensor.ty.block_bytes();
        Ok(Matrix {
            ty: tensor.ty,
            rows,
            cols,
            data: tensor.data,
            row_bytes,
        })
    }

    /// The encoded bytes of row `r`.
    fn row_bytes(&self, r: usize) -> Result<&'a [u8]> {
        let start = r
            .checked_mul(self.row_bytes)
            .ok_or(Error::TooLarge { what: "matrix row" })?;
        self.data
            .get(start..start + self.row_bytes)
            .ok_or(Error::Malformed {
                what: "matrix row index out of range",
            })
    }

    /// Decodes row `r` into `out` (`cols` floats).
    pub fn dequantize_row(&self, r: usize, out: &mut [f32]) -> Result<()> {
        crate::kernels::check_len("dequantize_row", self.cols, out.len())?;
        let row = self.row_bytes(r)?;
        match self.ty {
            TensorType::F32 => {
                for (o, b) in out.iter_mut().zip(row.chunks_exact(4)) {
                    *o = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
                }
            }
            TensorType::F16 => {
                for (o, b) in out.iter_mut().zip(row.chunks_exact(2)) {
                    *o = f16_to_f32(u16::from_le_bytes([b[0], b[1]]));
                }
            }
            TensorType::Q4_1 => {
                for (o, b) in out
                    .chunks_exact_mut(BLOCK)
                    .zip(row.chunks_exact(q4_1::BLOCK_BYTES))
                {
                    q4_1::dequantize_block(b, o);
                }
            }
            TensorType::Q8_0 => {
                for (o, b) in out
                    .chunks_exact_mut(BLOCK)
                    .zip(row.chunks_exact(q8::BLOCK_BYTES))
                {
                    q8::dequantize_block(b, o);
                }
            }
        }
        Ok(())
    }

    /// `out[r] = row_r · x`, quantising `x` into `scratch` first as llama.cpp does
    /// for this weight type.
    pub fn matvec(
        &self,
        backend: Backend,
        x: &[f32],
        out: &mut [f32],
        scratch: &mut QuantizedVector,
    ) -> Result<()> {
        self.matmul(backend, x, out, scratch)
    }
}

/// Sums 8 lanes in the order of llama.cpp's `hsum_float_8`.
pub(crate) fn hsum8(v: &[f32; 8]) -> f32 {
    let r = [v[0] + v[4], v[1] + v[5], v[2] + v[6], v[3] + v[7]];
    (r[0] + r[2]) + (r[1] + r[3])
}
