//! f32 compute kernels with run-time dispatch between portable scalar code and the
//! AVX2/FMA micro-kernels of `aios-simd`.
//!
//! The backend is always passed explicitly: in the AIOS kernel the AVX state is live only
//! inside an FPU section, so the caller decides when SIMD may run.

mod activation;
mod scalar;

pub(crate) use activation::check_len;
pub use activation::{gelu_erf, gelu_tanh, l2_normalize, layer_norm, rms_norm, silu, softmax};

use crate::error::{Error, Result};
use aios_simd::Avx2;

/// Which implementation of the hot loops to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// Portable Rust; works everywhere, including soft-float code outside FPU sections.
    Scalar,
    /// AVX2/FMA `asm!` micro-kernels; the token proves the CPU and OS support them.
    Avx2(Avx2),
}

impl Backend {
    /// The fastest backend this CPU supports right now (AVX2 state enabled), else scalar.
    pub fn detect() -> Backend {
        Avx2::detect().map_or(Backend::Scalar, Backend::Avx2)
    }

    /// `dot(a, b)`; the slices must be equally long.
    pub fn dot(self, a: &[f32], b: &[f32]) -> Result<f32> {
        check_len("dot", a.len(), b.len())?;
        Ok(match self {
            Backend::Scalar => scalar::dot(a, b),
            Backend::Avx2(avx2) => avx2.dot(a, b).unwrap_or_else(|| scalar::dot(a, b)),
        })
    }

    /// `out[r] = dot(weights[r], x)` where `weights` is row-major with `out.len()` rows
    /// of `x.len()` columns.
    pub fn matvec(self, out: &mut [f32], weights: &[f32], x: &[f32]) -> Result<()> {
        self.matmul(out, x, weights, x.len())
    }

    /// `out[b][r] = dot(x[b], weights[r])`, i.e. `out = x · weightsᵀ` (a linear layer):
    /// `x` is `batch × inner`, `weights` is `rows × inner`, `out` is `batch × rows`,
    /// all row-major.
    pub fn matmul(self, out: &mut [f32], x: &[f32], weights: &[f32], inner: usize) -> Result<()> {
        let (batch, rows) = matmul_shape(out.len(), x.len(), weights.len(), inner)?;
        match self {
            Backend::Scalar => scalar::matmul(out, x, weights, inner),
            Backend::Avx2(avx2) => avx2_matmul(avx2, out, x, weights, inner, batch, rows),
        }
        Ok(())
    }

    /// `y += a · x` element-wise; the slices must be equally long.
    pub fn axpy(self, y: &mut [f32], a: f32, x: &[f32]) -> Result<()> {
        check_len("axpy", y.len(), x.len())?;
        match self {
            Backend::Scalar => scalar::axpy(y, a, x),
            Backend::Avx2(avx2) => {
                if avx2.axpy(y, a, x).is_none() {
                    scalar::axpy(y, a, x);
                }
            }
        }
        Ok(())
    }
}

/// Checks a matmul's buffer lengths and returns `(batch, rows)`.
fn matmul_shape(out: usize, x: usize, weights: usize, inner: usize) -> Result<(usize, usize)> {
    if inner == 0 {
        return if out == 0 && x == 0 && weights == 0 {
            Ok((0, 0))
        } else {
            Err(Error::Malformed {
                what: "matmul with an empty inner dimension",
            })
        };
    }
    if !x.is_multiple_of(inner) {
        return Err(Error::LengthMismatch {
            what: "matmul input",
            expected: inner,
            found: x,
        });
    }
    if !weights.is_multiple_of(inner) {
        let what = "matmul weights";
        return Err(Error::LengthMismatch {
            what,
            expected: inner,
            found: weights,
        });
    }
    let (batch, rows) = (x / inner, weights / inner);
    let expected = batch.checked_mul(rows).ok_or(Error::TooLarge {
        what: "matmul output",
    })?;
    check_len("matmul output", expected, out)?;
    Ok((batch, rows))
}

/// Bytes of weights kept hot in the L2 cache while every input row passes over them.
const WEIGHT_BLOCK_BYTES: usize = 64 * 1024;

/// Cache-blocked matmul: the weights are taken in blocks of about 64 KiB, and each block
/// meets every input row before the next block is read, so a matrix larger than the cache
/// is streamed from memory once, not once per input row. Within a block, pairs of weight
/// rows meet groups of four input rows in the 4×2 register-blocked `dot4x2` kernel.
fn avx2_matmul(
    avx2: Avx2,
    out: &mut [f32],
    x: &[f32],
    weights: &[f32],
    inner: usize,
    batch: usize,
    rows: usize,
) {
    let block_rows = (WEIGHT_BLOCK_BYTES / (inner * 4)).max(4);
    let mut first_row = 0;
    while first_row < rows {
        let block_end = (first_row + block_rows).min(rows);
        let block = &weights[first_row * inner..block_end * inner];
        let mut b = 0;
        while b < batch {
            let valid = (batch - b).min(4);
            if valid == 1 {
                single_row(
                    avx2,
                    &mut out[b * rows..][..rows],
                    &x[b * inner..][..inner],
                    block,
                    first_row,
                );
                break;
            }
            // A short last group repeats its last row rather than falling back to one row
            // at a time: the weights are streamed once either way.
            let xs: [&[f32]; 4] =
                core::array::from_fn(|i| &x[(b + i.min(valid - 1)) * inner..][..inner]);
            let mut pairs = block.chunks_exact(2 * inner);
            for (pair_index, pair) in (&mut pairs).enumerate() {
                let (w0, w1) = pair.split_at(inner);
                let values = avx2
                    .dot4x2([w0, w1], xs)
                    .unwrap_or_else(|| [w0, w1].map(|w| xs.map(|xi| scalar::dot(w, xi))));
                let r = first_row + 2 * pair_index;
                for (offset, row_values) in values.into_iter().enumerate() {
                    for (i, value) in row_values.into_iter().take(valid).enumerate() {
                        out[(b + i) * rows + r + offset] = value;
                    }
                }
            }
            let row = pairs.remainder();
            if !row.is_empty() {
                let values = avx2
                    .dot4(row, xs)
                    .unwrap_or_else(|| xs.map(|xi| scalar::dot(row, xi)));
                for (i, value) in values.into_iter().take(valid).enumerate() {
                    out[(b + i) * rows + block_end - 1] = value;
                }
            }
            b += valid;
        }
        first_row = block_end;
    }
}

/// One input row against a block of weight rows starting at `first_row`: `out` is that
/// input's whole output row.
fn single_row(avx2: Avx2, out: &mut [f32], x_row: &[f32], block: &[f32], first_row: usize) {
    let inner = x_row.len();
    for (o, row) in out[first_row..].iter_mut().zip(block.chunks_exact(inner)) {
        *o = avx2
            .dot(row, x_row)
            .unwrap_or_else(|| scalar::dot(row, x_row));
    }
}
