//! Q4_1 weights times a batch of Q8_1 vectors on AVX2: four vectors per weight row
//! unpack, pairs of rows for the vectors left over, each weight row read once.

use super::Matrix;
use crate::quant::{BLOCK, QuantizedVector};

impl Matrix<'_> {
    /// `out[t][r] = row_r · q[t]` for the `batch` vectors of `q`. Each pair of weight
    /// rows meets every group of four vectors in `dot4` (the codes unpacked once per
    /// four vectors), then each leftover vector in `dot2` (one vector, two rows: the
    /// single-token hot loop of generation), so a batch of any size streams the weights
    /// once. All kernels give bit-identical results. False if a kernel refused (then
    /// the caller computes the whole product portably).
    pub(super) fn matmul_q4_1_avx2(
        &self,
        avx2: aios_simd::Avx2,
        q: &QuantizedVector,
        batch: usize,
        out: &mut [f32],
    ) -> bool {
        let (rows, blocks) = (self.rows, self.cols / BLOCK);
        let grouped = batch - batch % 4;
        let vectors = |first: usize, count: usize| {
            let (b, e) = (first * blocks, (first + count) * blocks);
            (&q.d[b..e], &q.s[b..e], &q.qs[b * BLOCK..e * BLOCK])
        };
        let mut weights = self.data.chunks_exact(self.row_bytes);
        let mut r = 0;
        while r < rows {
            let Some(a) = weights.next() else {
                return false;
            };
            let b = if r + 1 < rows { weights.next() } else { None };
            for t in (0..grouped).step_by(4) {
                let (d, s, qs) = vectors(t, 4);
                for (offset, row) in [Some(a), b].into_iter().flatten().enumerate() {
                    let Some(four) = avx2.dot4_q4_1_q8_1(row, d, s, qs) else {
                        return false;
                    };
                    for (i, v) in four.into_iter().enumerate() {
                        out[(t + i) * rows + r + offset] = v;
                    }
                }
            }
            for t in grouped..batch {
                let (d, s, qs) = vectors(t, 1);
                let at = t * rows + r;
                match b {
                    Some(b) => match avx2.dot2_q4_1_q8_1((a, b), d, s, qs) {
                        Some(two) => out[at..at + 2].copy_from_slice(&two),
                        None => return false,
                    },
                    None => match avx2.dot_q4_1_q8_1(a, d, s, qs) {
                        Some(one) => out[at] = one,
                        None => return false,
                    },
                }
            }
            r += 2;
        }
        true
    }
}
