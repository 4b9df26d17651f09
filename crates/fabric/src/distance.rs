//! Vector arithmetic for the index: the dot product and normalisation,
//! portable, and through the AVX2/FMA micro-kernels where the CPU has them.

use aios_simd::Avx2;

/// Independent accumulators in [`dot`]: enough parallel chains that LLVM
/// turns the loop into packed SIMD and the adds do not wait on each other.
const LANES: usize = 16;

/// Which code computes an index's dot products.
///
/// Both give the same products up to float rounding (summation order), so
/// the graphs they build differ at most where distances nearly tie; an
/// index computes with the one it was made with.
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

    /// `(Σ a[i] · code[i], Σ code[i]²)` for the codes [`quantize`] packed
    /// into `words` (`a.len().div_ceil(4)` of them; missing words count as
    /// zero codes). For a unit `a` and a unit vector so quantised,
    /// `dot / √square` is the cosine between `a` and the codes' direction,
    /// which is the vector's up to the rounding of its components.
    #[inline]
    pub fn dot_codes(self, a: &[f32], words: &[u32]) -> (f32, f32) {
        let len = a.len().min(words.len() * 4);
        let a = &a[..len];
        let words = &words[..len.div_ceil(4)];
        match self {
            Kernel::Portable => dot_codes(a, words),
            Kernel::Avx2(avx2) => avx2
                .dot_codes(a, words)
                .unwrap_or_else(|| dot_codes(a, words)),
        }
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

/// Largest magnitude of an 8-bit code (symmetric, so -128 is never used).
const CODE_MAX: f32 = 127.0;

/// Words that hold the 8-bit codes of a `dim`-component vector.
pub fn code_words(dim: usize) -> usize {
    dim.div_ceil(4)
}

/// Writes `vector`'s 8-bit codes into `words` ([`code_words`] of them:
/// code `i` is the signed byte `i % 4`, little-endian, of word `i / 4`;
/// spare bytes are zero): `vector[i] ≈ scale · code[i]`, each component
/// rounded to the nearest of 255 evenly spaced levels spanning the
/// vector's largest magnitude (`scale` = that magnitude / 127, not kept:
/// for a unit vector it is the inverse of the codes' norm). A zero vector
/// gets zero codes.
pub fn quantize(vector: &[f32], words: &mut [u32]) {
    words.fill(0);
    let largest = vector.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    if !largest.is_normal() {
        return;
    }
    let scale = largest / CODE_MAX;
    for (word, group) in words.iter_mut().zip(vector.chunks(4)) {
        let mut bytes = [0u8; 4];
        for (byte, x) in bytes.iter_mut().zip(group) {
            *byte = libm::roundf(x / scale).clamp(-CODE_MAX, CODE_MAX) as i8 as u8;
        }
        *word = u32::from_le_bytes(bytes);
    }
}

/// `(Σ a[i] · code[i], Σ code[i]²)` over `a`'s length, portably.
fn dot_codes(a: &[f32], words: &[u32]) -> (f32, f32) {
    let mut dots = [0.0f32; 4];
    let mut squares = [0.0f32; 4];
    for (group, word) in a.chunks(4).zip(words) {
        let codes = word.to_le_bytes().map(|byte| f32::from(byte as i8));
        for (lane, (x, code)) in group.iter().zip(codes).enumerate() {
            dots[lane] += x * code;
            squares[lane] += code * code;
        }
    }
    (dots.iter().sum(), squares.iter().sum())
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
    fn kernels_agree_on_dots() {
        let kernels = [Kernel::Portable, Kernel::detect()];
        for len in [0, 1, 15, 16, 17, 96, 383, 384] {
            let a: Vec<f32> = (0..len).map(|i| (i as f32 * 0.37).sin()).collect();
            let b: Vec<f32> = (0..len).map(|i| (i as f32 * 0.11).cos()).collect();
            let want = naive(&a, &b);
            for kernel in kernels {
                let got = f64::from(kernel.dot(&a, &b));
                assert!((got - want).abs() < 1e-4, "{kernel:?} len {len}");
            }
        }
        // Operands of different lengths are taken over their common length.
        assert_eq!(Kernel::detect().dot(&[1.0, 2.0, 3.0], &[4.0, 5.0]), 14.0);
    }

    #[test]
    fn codes_approximate_the_dot_product_with_either_kernel() {
        let dim = 383;
        let mut a = Vec::new();
        let mut b = Vec::new();
        let raw = |phase: f32| -> Vec<f32> { (0..dim).map(|i| (i as f32 * phase).sin()).collect() };
        assert!(normalize_into(&raw(0.37), &mut a));
        assert!(normalize_into(&raw(0.41), &mut b));
        let mut words = alloc::vec![u32::MAX; code_words(dim)];
        assert_eq!(words.len(), 96);
        quantize(&b, &mut words);
        let largest = b.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let scale = largest / 127.0;
        let codes: Vec<i8> = words
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .map(|b| b as i8)
            .collect();
        assert!(codes.iter().any(|&c| c == 127 || c == -127));
        assert_eq!(codes[dim], 0, "the spare byte is zero");
        // Each component is within half a level of its code.
        for (x, c) in b.iter().zip(&codes) {
            assert!((x - scale * f32::from(*c)).abs() <= scale * 0.5 + 1e-7);
        }
        let exact = dot(&a, &b);
        let square: f32 = codes.iter().map(|&c| f32::from(c) * f32::from(c)).sum();
        for kernel in [Kernel::Portable, Kernel::detect()] {
            let (dot, squares) = kernel.dot_codes(&a, &words);
            assert!((scale * dot - exact).abs() < 2e-3, "{kernel:?}");
            assert!(
                (dot / libm::sqrtf(squares) - exact).abs() < 2e-3,
                "{kernel:?}"
            );
            assert!((squares - square).abs() <= square * 1e-6, "{kernel:?}");
        }
        // A zero vector has no levels to spread.
        quantize(&[0.0, 0.0], &mut words[..1]);
        assert_eq!(words[0], 0);
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
    }
}
