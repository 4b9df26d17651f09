//! Quantised weights times one or a few vectors on AVX2: the row-loop kernels (the
//! whole product in one asm call), the weights taken in cache-sized slices of rows so
//! that several vectors share each slice while it is hot.

use super::Matrix;
use crate::quant::{BLOCK, QuantizedVector, TensorType};

/// Bytes of weight rows one slice holds when several vectors pass over it: well inside
/// the L2 cache, so the second vector reads the slice from there, not from memory.
const SLICE_BYTES: usize = 256 * 1024;

impl Matrix<'_> {
    /// `out[t][r] = row_r · q[t]` for the `batch` vectors of `q` (quantised as this
    /// matrix's type needs: Q8_1 for Q4_1, Q8_0 for Q8_0), each value bit-identical to
    /// the single-row kernel. False if the type has no row-loop kernel or a kernel
    /// refused (then the caller computes the whole product another way).
    pub(super) fn matmul_rows_avx2(
        &self,
        avx2: aios_simd::Avx2,
        q: &QuantizedVector,
        batch: usize,
        out: &mut [f32],
    ) -> bool {
        let (rows, blocks) = (self.rows, self.cols / BLOCK);
        let slice_rows = if batch == 1 {
            rows
        } else {
            (SLICE_BYTES / self.row_bytes.max(1)).max(2) & !1
        };
        let mut first = 0;
        while first < rows {
            let end = rows.min(first + slice_rows);
            let Some(weights) = self.data.get(first * self.row_bytes..end * self.row_bytes) else {
                return false;
            };
            for t in 0..batch {
                let (b, e) = (t * blocks, (t + 1) * blocks);
                let (d, qs) = (&q.d[b..e], &q.qs[b * BLOCK..e * BLOCK]);
                let Some(o) = out.get_mut(t * rows + first..t * rows + end) else {
                    return false;
                };
                let done = match self.ty {
                    TensorType::Q4_1 => {
                        q.s.get(b..e)
                            .and_then(|s| avx2.matvec_q4_1_q8_1(weights, d, s, qs, o))
                    }
                    TensorType::Q8_0 => avx2.matvec_q8_0_q8_0(weights, d, qs, o),
                    TensorType::F32 | TensorType::F16 => None,
                };
                if done.is_none() {
                    return false;
                }
            }
            first = end;
        }
        true
    }
}
