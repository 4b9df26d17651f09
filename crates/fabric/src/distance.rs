//! Vector arithmetic for the index: the dot product and normalisation,
//! portable, and through the AVX2/FMA micro-kernels where the CPU has them.

use aios_simd::Avx2;

/// Independent accumulators in [`dot`]: enough parallel chains that LLVM
/// turns the loop into packed SIMD and the adds do not wait on each other.
const LANES: usize = 16;

/// Which code computes an index's dot products.
///
/// Both give the same products up to float rounding (summation order),
/// so an index built with one finds the same neighbours with the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// Portable Rust (packed SSE on the host, soft-float in the kernel).
    Portable,
    /// The AVX2/FMA `asm!` micro-kernels; the token proves the CPU and the
    /// OS's vector state allow them.
    Avx2(Avx2),
}

impl Kernel {
    /// The fastest kernel this CPU allows.
    pub fn detect() -> Kernel {
        Avx2::detect().map_or(Kernel::Portable, Kernel::Avx2)
    }

    /// The inner product of `a` and `b` over their common length.
    #[inline]
    pub fn dot(self, a: &[f32], b: &[f32]) -> f32 {
        let len = a.len().min(b.len());
        match self {
            Kernel::Portable => dot(a, b),
            Kernel::Avx2(avx2) => avx2.dot(&a[..len], &b[..len]).unwrap_or_else(|| dot(a, b)),
        }
    }

    /// `Σ a[i] · codes[i]` over the common length: with a vector's
    /// [`quantize`] scale, its approximate dot product with `a`.
    #[inline]
    pub fn dot_codes(self, a: &[f32], codes: &[i8]) -> f32 {
        let len = a.len().min(codes.len());
        let (a, codes) = (&a[..len], &codes[..len]);
        match self {
            Kernel::Portable => dot_codes(a, codes),
            Kernel::Avx2(avx2) => avx2
                .dot_codes(a, codes)
                .unwrap_or_else(|| dot_codes(a, codes)),
        }
    }

    /// [`dot_upper_bound`], computed by this kernel.
    #[inline]
    pub fn dot_upper_bound(
        self,
        query_head: &[f32],
        query_tail_norm: f32,
        vector_head: &[f32],
    ) -> f32 {
        let len = query_head.len().min(vector_head.len());
        let (query_head, vector_head) = (&query_head[..len], &vector_head[..len]);
        let (head_dot, head_square) = match self {
            Kernel::Portable => dot_and_square(query_head, vector_head),
            Kernel::Avx2(avx2) => avx2
                .dot_and_square(query_head, vector_head)
                .unwrap_or_else(|| dot_and_square(query_head, vector_head)),
        };
        bound_from_head(head_dot, head_square, query_tail_norm)
    }
}

/// The inner product of `a` and `b` over their common length, in portable
/// Rust (an index computes through its [`Kernel`]).
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

/// Lane-wise sums of products and of the second operand's squares, for
/// [`dot_upper_bound`]; out of line for the same reason as [`accumulate`].
#[inline(never)]
fn accumulate_with_norm(a: &[[f32; LANES]], b: &[[f32; LANES]]) -> ([f32; LANES], [f32; LANES]) {
    let mut products = [0.0f32; LANES];
    let mut squares = [0.0f32; LANES];
    for (x, y) in a.iter().zip(b) {
        for lane in 0..LANES {
            products[lane] += x[lane] * y[lane];
            squares[lane] += y[lane] * y[lane];
        }
    }
    (products, squares)
}

/// Slack added to a stored unit vector's squared norm in
/// [`dot_upper_bound`]: normalisation leaves it within a few ulps of 1, and
/// over-estimating the unread tail only makes the bound looser.
const NORM_SLACK: f32 = 1e-4;

/// How many leading components [`dot_upper_bound`] reads for vectors of
/// `dim` components: a quarter, in whole lane groups (0 for small vectors,
/// where screening would read as much as the dot product itself).
pub fn screen_len(dim: usize) -> usize {
    dim / 4 / LANES * LANES
}

/// An upper bound on `dot(query, vector)` for a unit `vector`, reading only
/// `vector`'s first `query_head.len()` components.
///
/// By Cauchy–Schwarz the unread part contributes at most
/// `query_tail_norm · |vector tail|`, and for a unit vector
/// `|tail|² = 1 − |head|²`, so the bound needs no stored norms. It lets a
/// search drop a clearly distant node after a few cache lines instead of
/// loading the whole vector; callers keep a margin above float rounding.
pub fn dot_upper_bound(query_head: &[f32], query_tail_norm: f32, vector_head: &[f32]) -> f32 {
    let len = query_head.len().min(vector_head.len());
    let (head_dot, head_square) = dot_and_square(&query_head[..len], &vector_head[..len]);
    bound_from_head(head_dot, head_square, query_tail_norm)
}

/// `(dot(a, b), dot(b, b))` for equally long `a` and `b`, portably.
fn dot_and_square(a: &[f32], b: &[f32]) -> (f32, f32) {
    let (chunks_a, tail_a) = a.as_chunks::<LANES>();
    let (chunks_b, tail_b) = b.as_chunks::<LANES>();
    let (products, squares) = accumulate_with_norm(chunks_a, chunks_b);
    let mut dot = products.iter().sum::<f32>();
    let mut square = squares.iter().sum::<f32>();
    for (x, y) in tail_a.iter().zip(tail_b) {
        dot += x * y;
        square += y * y;
    }
    (dot, square)
}

/// The bound of [`dot_upper_bound`] from the head's dot product and the
/// vector head's squared norm.
fn bound_from_head(head_dot: f32, head_square: f32, query_tail_norm: f32) -> f32 {
    let unread = libm::sqrtf((1.0 + NORM_SLACK - head_square).max(0.0));
    head_dot + query_tail_norm * unread
}

/// Largest magnitude of an 8-bit code (symmetric, so -128 is never used).
const CODE_MAX: f32 = 127.0;

/// Writes `vector`'s 8-bit codes into `codes` (as long as `vector`) and
/// returns their scale: `vector[i] ≈ scale · codes[i]`, each component
/// rounded to the nearest of 255 evenly spaced levels spanning the
/// vector's largest magnitude. A zero vector gets zero codes and scale.
pub fn quantize(vector: &[f32], codes: &mut [i8]) -> f32 {
    let largest = vector.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    if !largest.is_normal() {
        codes.fill(0);
        return 0.0;
    }
    let scale = largest / CODE_MAX;
    for (code, x) in codes.iter_mut().zip(vector) {
        *code = libm::roundf(x / scale).clamp(-CODE_MAX, CODE_MAX) as i8;
    }
    scale
}

/// `Σ a[i] · codes[i]` for equally long operands, portably.
fn dot_codes(a: &[f32], codes: &[i8]) -> f32 {
    let (chunks_a, tail_a) = a.as_chunks::<LANES>();
    let (chunks_c, tail_c) = codes.as_chunks::<LANES>();
    let mut lanes = [0.0f32; LANES];
    for (x, c) in chunks_a.iter().zip(chunks_c) {
        for lane in 0..LANES {
            lanes[lane] += x[lane] * f32::from(c[lane]);
        }
    }
    let mut tail = 0.0f32;
    for (x, c) in tail_a.iter().zip(tail_c) {
        tail += x * f32::from(*c);
    }
    lanes.iter().sum::<f32>() + tail
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
    fn upper_bound_holds_and_tightens_with_distance() {
        let dim = 384;
        let head = screen_len(dim);
        assert_eq!(head, 96);
        assert_eq!(screen_len(32), 0);
        let mut query = Vec::new();
        let mut near = Vec::new();
        let mut far = Vec::new();
        let raw = |phase: f32| -> Vec<f32> { (0..dim).map(|i| (i as f32 * phase).sin()).collect() };
        assert!(normalize_into(&raw(0.37), &mut query));
        assert!(normalize_into(&raw(0.3701), &mut near));
        assert!(normalize_into(&raw(1.9), &mut far));
        let tail_norm = libm::sqrtf(dot(&query[head..], &query[head..]));
        for vector in [&near, &far, &query] {
            let bound = dot_upper_bound(&query[..head], tail_norm, &vector[..head]);
            assert!(bound >= dot(&query, vector), "bound {bound}");
            assert!(bound <= 1.0 + 1e-3);
        }
        // An unrelated vector is bounded well below a close one.
        let far_bound = dot_upper_bound(&query[..head], tail_norm, &far[..head]);
        assert!(far_bound < 0.95 && dot(&query, &near) > 0.99, "{far_bound}");
        // With the whole vector read, the bound is the dot product itself.
        let whole = dot_upper_bound(&query, 0.0, &far);
        assert!((whole - dot(&query, &far)).abs() < 1e-5);
    }

    #[test]
    fn kernels_agree_on_dots_and_bounds() {
        let kernels = [Kernel::Portable, Kernel::detect()];
        for len in [0, 1, 15, 16, 17, 96, 383, 384] {
            let a: Vec<f32> = (0..len).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..len).map(|i| (i as f32 * 0.11).cos()).collect();
            let want = naive(&a, &b);
            for kernel in kernels {
                let got = f64::from(kernel.dot(&a, &b));
                assert!((got - want).abs() < 1e-4, "{kernel:?} len {len}");
                // Bounds agree with the portable function.
                let portable = dot_upper_bound(&a, 0.5, &b);
                let bound = kernel.dot_upper_bound(&a, 0.5, &b);
                assert!((bound - portable).abs() < 1e-4, "{kernel:?} len {len}");
            }
        }
        // Operands of different lengths are taken over their common length.
        assert_eq!(Kernel::detect().dot(&[1.0, 2.0, 3.0], &[4.0, 5.0]), 14.0);
    }

    #[test]
    fn codes_approximate_the_dot_product_with_either_kernel() {
        let dim = 384;
        let mut a = Vec::new();
        let mut b = Vec::new();
        let raw = |phase: f32| -> Vec<f32> { (0..dim).map(|i| (i as f32 * phase).sin()).collect() };
        assert!(normalize_into(&raw(0.37), &mut a));
        assert!(normalize_into(&raw(0.41), &mut b));
        let mut codes = alloc::vec![0i8; dim];
        let scale = quantize(&b, &mut codes);
        let largest = b.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!((scale * 127.0 - largest).abs() < 1e-6);
        assert!(codes.iter().any(|&c| c == 127 || c == -127));
        // Each component is within half a level of its code.
        for (x, c) in b.iter().zip(&codes) {
            assert!((x - scale * f32::from(*c)).abs() <= scale * 0.5 + 1e-7);
        }
        let exact = dot(&a, &b);
        for kernel in [Kernel::Portable, Kernel::detect()] {
            let approximate = scale * kernel.dot_codes(&a, &codes);
            assert!((approximate - exact).abs() < 2e-3, "{kernel:?}");
        }
        // A zero vector has no levels to spread.
        assert_eq!(quantize(&[0.0, 0.0], &mut codes[..2]), 0.0);
        assert_eq!(&codes[..2], &[0, 0]);
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
