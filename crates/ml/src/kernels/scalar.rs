//! Portable scalar f32 kernels: the reference every SIMD kernel is tested against.

/// Number of independent partial sums in [`dot`]: breaks the add dependency chain
/// and groups the additions the same way as the 8-wide SIMD kernels do.
const LANES: usize = 8;

/// Dot product of two equally long slices (the caller has checked the lengths).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut partial = [0.0f32; LANES];
    let mut a_chunks = a.chunks_exact(LANES);
    let mut b_chunks = b.chunks_exact(LANES);
    for (ca, cb) in (&mut a_chunks).zip(&mut b_chunks) {
        for lane in 0..LANES {
            partial[lane] += ca[lane] * cb[lane];
        }
    }
    let mut sum = partial.iter().sum::<f32>();
    for (x, y) in a_chunks.remainder().iter().zip(b_chunks.remainder()) {
        sum += x * y;
    }
    sum
}

/// `out[r] = dot(weights[r], x)` for row-major `weights` with `x.len()` columns.
pub fn matvec(out: &mut [f32], weights: &[f32], x: &[f32]) {
    for (o, row) in out.iter_mut().zip(weights.chunks_exact(x.len().max(1))) {
        *o = dot(row, x);
    }
}

/// `out[b][r] = dot(x[b], weights[r])`: a batch of rows of `x` times `weightsᵀ`.
pub fn matmul(out: &mut [f32], x: &[f32], weights: &[f32], inner: usize) {
    let rows = weights.len() / inner.max(1);
    for (out_row, x_row) in out
        .chunks_exact_mut(rows.max(1))
        .zip(x.chunks_exact(inner.max(1)))
    {
        matvec(out_row, weights, x_row);
    }
}

/// `y += a · x` element-wise.
pub fn axpy(y: &mut [f32], a: f32, x: &[f32]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}
