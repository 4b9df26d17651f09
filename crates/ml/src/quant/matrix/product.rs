//! Products of a quantised matrix with a batch of f32 vectors, which are quantised
//! first as llama.cpp does for the weight type (Q8_1 for Q4_1, Q8_0 for Q8_0).

use alloc::vec;

use super::Matrix;
use crate::error::{Error, Result};
use crate::kernels::Backend;
use crate::quant::{BLOCK, QuantizedVector, TensorType, q4_1, q8};

impl Matrix<'_> {
    /// `out[t][r] = row_r · x[t]` for a batch of row-major inputs `x` (`t × cols`)
    /// into `out` (`t × rows`). Each weight row is read once for the whole batch
    /// (and, on AVX2, unpacked once per four tokens), so prompt evaluation and
    /// batched decoding stream the weights from memory once, not once per token.
    /// Every output is bit-identical to the same product computed alone.
    pub fn matmul(
        &self,
        backend: Backend,
        x: &[f32],
        out: &mut [f32],
        scratch: &mut QuantizedVector,
    ) -> Result<()> {
        Matrix::matmul_shared(backend, x, &mut [(self, out)], scratch)
    }

    /// [`Matrix::matmul`] of several matrices with the same input `x` (a layer's
    /// query, key and value, or its gate and up projections): `x` is quantised once
    /// per weight encoding instead of once per matrix. Results equal separate calls.
    pub fn matmul_shared(
        backend: Backend,
        x: &[f32],
        products: &mut [(&Matrix<'_>, &mut [f32])],
        scratch: &mut QuantizedVector,
    ) -> Result<()> {
        let mut quantized_for = None;
        for (matrix, out) in products.iter_mut() {
            let batch = matrix.batch(x.len(), out.len())?;
            if quantized_for != Some(matrix.ty) {
                match matrix.ty {
                    TensorType::Q4_1 => q8::quantize_on(backend, x, scratch, true),
                    TensorType::Q8_0 => q8::quantize_on(backend, x, scratch, false),
                    TensorType::F32 | TensorType::F16 => {}
                }
                quantized_for = Some(matrix.ty);
            }
            matrix.matmul_quantized(backend, x, scratch, batch, out)?;
        }
        Ok(())
    }

    /// The number of input vectors in `x_len` floats, checking `out_len` against it.
    fn batch(&self, x_len: usize, out_len: usize) -> Result<usize> {
        if !x_len.is_multiple_of(self.cols) {
            return Err(Error::LengthMismatch {
                what: "matmul input",
                expected: self.cols,
                found: x_len,
            });
        }
        let batch = x_len / self.cols;
        let expected = batch.checked_mul(self.rows).ok_or(Error::TooLarge {
            what: "matmul output",
        })?;
        crate::kernels::check_len("matmul output", expected, out_len)?;
        Ok(batch)
    }

    /// The product once `q` holds `x` quantised for this matrix's encoding.
    fn matmul_quantized(
        &self,
        backend: Backend,
        x: &[f32],
        q: &QuantizedVector,
        batch: usize,
        out: &mut [f32],
    ) -> Result<()> {
        let blocks = self.cols / BLOCK;
        match self.ty {
            TensorType::F32 | TensorType::F16 => {
                let mut row = vec![0.0f32; self.cols];
                for r in 0..self.rows {
                    self.dequantize_row(r, &mut row)?;
                    for (t, xt) in x.chunks_exact(self.cols).enumerate() {
                        out[t * self.rows + r] = backend.dot(&row, xt)?;
                    }
                }
            }
            TensorType::Q4_1 => {
                // Fewer than four vectors gain nothing from sharing a row's unpacking.
                if let Backend::Avx2(avx2) = backend
                    && (batch < 4 && self.matmul_rows_avx2(avx2, q, batch, out)
                        || self.matmul_q4_1_avx2(avx2, q, batch, out))
                {
                    return Ok(());
                }
                for (r, row) in self.data.chunks_exact(self.row_bytes).enumerate() {
                    for t in 0..batch {
                        let (b, e) = (t * blocks, (t + 1) * blocks);
                        let (d, s, qs) = (&q.d[b..e], &q.s[b..e], &q.qs[b * BLOCK..e * BLOCK]);
                        out[t * self.rows + r] = q4_1::dot_row(row, d, s, qs);
                    }
                }
            }
            TensorType::Q8_0 => {
                if let Backend::Avx2(avx2) = backend
                    && self.matmul_rows_avx2(avx2, q, batch, out)
                {
                    return Ok(());
                }
                for (r, row) in self.data.chunks_exact(self.row_bytes).enumerate() {
                    for t in 0..batch {
                        let (b, e) = (t * blocks, (t + 1) * blocks);
                        let (d, qs) = (&q.d[b..e], &q.qs[b * BLOCK..e * BLOCK]);
                        out[t * self.rows + r] = q8::dot_row(row, d, qs);
                    }
                }
            }
        }
        Ok(())
    }
}
