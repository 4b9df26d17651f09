//! Vector arithmetic for the index: the dot product and normalisation.

/// Independent accumulators in [`dot`]: enough parallel chains that LLVM
/// turns the loop into packed SIMD and the adds do not wait on each other.
const LANES: usize = 16;

/// The inner product of `a` and `b` over their common length.
///
/// This is the one hot function of the vector index; the kernel may route
/// it through its AVX2 micro-kernels, so keep every caller on it.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let len = a.len().min(b.len());
    let (chunks_a, tail_a) = a[..len].as_chunks::<LANES>();
    let (chunks_b, tail_b) = b[..len].as_chunks::<LANES>();
    let lanes = accumulate(chunks_a, chunks_b);
    let mut tail = 0.0f32;
    for (x, y) in tail_a.iter().zip(tail_b) {
        tail += x * y;
    }
    lanes.iter().sum::<f32>() + tail
}

/// Lane-wise sums of products. Kept out of line on purpose: inlined into
/// `dot`, LLVM's SLP pass fuses it with the final reduction and emits
/// two-float operations; alone, it becomes full-width packed multiply-adds.
#[inline(never)]
fn accumulate(a: &[[f32; LANES]], b: &[[f32; LANES]]) -> [f32; LANES] {
    let mut lanes = [0.0f32; LANES];
    for (x, y) in a.iter().zip(b) {
        for lane in 0..LANES {
            lanes[lane] += x[lane] * y[lane];
        }
    }
    lanes
}

/// Cosine distance between two unit vectors: `1 - dot`, so smaller is closer.
pub fn cosine_distance(a: &[f32], b: &[f32]) -> f32 {
    1.0 - dot(a, b)
}

/// Copies `input` scaled to unit length into `out`.
///
/// Returns `false` (leaving `out` unspecified) when the vector has a
/// non-finite component or zero length, which has no direction to compare.
pub fn normalize_into(input: &[f32], out: &mut alloc::vec::Vec<f32>) -> bool {
    out.clear();
    if input.iter().any(|x| !x.is_finite()) {
        return false;
    }
    let norm = libm::sqrtf(dot(input, input));
    if !norm.is_normal() {
        return false;
    }
    out.extend(input.iter().map(|x| x / norm));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn naive(a: &[f32], b: &[f32]) -> f64 {
        a.iter()
            .zip(b)
            .map(|(x, y)| f64::from(*x) * f64::from(*y))
            .sum()
    }

    #[test]
    fn dot_matches_naive_sum_for_every_length() {
        for len in 0..70 {
            let a: Vec<f32> = (0..len).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..len).map(|i| (i as f32 * 0.11).cos()).collect();
            let got = f64::from(dot(&a, &b));
            assert!((got - naive(&a, &b)).abs() < 1e-4, "len {len}");
        }
    }

    #[test]
    fn normalise_gives_unit_length_and_refuses_degenerate_vectors() {
        let mut out = Vec::new();
        assert!(normalize_into(&[3.0, 4.0], &mut out));
        assert_eq!(out, [0.6, 0.8]);
        assert!((dot(&out, &out) - 1.0).abs() < 1e-6);
        assert!(!normalize_into(&[0.0, 0.0], &mut out));
        assert!(!normalize_into(&[1.0, f32::NAN], &mut out));
        assert!(!normalize_into(&[f32::INFINITY, 1.0], &mut out));
        assert!(cosine_distance(&[1.0, 0.0], &[1.0, 0.0]).abs() < 1e-6);
    }
}
