//! llama.cpp's attention arithmetic, operation for operation, in portable Rust.
//!
//! Greedy decoding is only reproducible if every rounding happens where llama.cpp's
//! CPU backend (AVX2/FMA build, `flash_attn` off) does it. Which kernel ggml runs
//! depends on how many tokens were evaluated together:
//!
//! * **one token** ([`Order::Single`]): `llamafile_sgemm` declines (`n < 2`), so both
//!   `K·q` and `V·p` go through `ggml_vec_dot_f16`: four 8-lane FMA accumulators over
//!   blocks of 32 elements, reduced as `(a0 + a2) + (a1 + a3)`, then the halves of
//!   the register, then two horizontal adds;
//! * **a batch of two or more** ([`Order::Batch`]): tinyBLAS computes every product
//!   with one 8-lane FMA accumulator (element `i` in lane `i mod 8`) and `hsum`
//!   (halves added, then `movehl`, then `movehdup`).
//!
//! The softmax exponentiates groups of 8 with ggml's `ggml_v_expf` polynomial (not
//! libm's `expf`), sums each group with the `hsum` order in f32 and the groups in
//! f64. ggml pads the KV length to a multiple of 256 with masked cells whose weight is
//! exactly zero, so padding only ever adds `+0`: the functions here take the visible
//! cells and treat the rest as absent, which gives the same bits.

use core::cmp::Ordering;

use aios_simd::SumOrder;

use crate::quant::round_to_f16;

/// How llama.cpp evaluated the token whose attention is computed: alone, or in a
/// batch (one `llama_decode` micro-batch) of at least two tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// `ggml_vec_dot_f16`'s order (generation, one token per step).
    Single,
    /// tinyBLAS's order (prompt evaluation).
    Batch,
}

impl Order {
    /// The order llama.cpp uses for a micro-batch of `tokens` tokens.
    pub fn for_batch(tokens: usize) -> Order {
        if tokens >= 2 {
            Order::Batch
        } else {
            Order::Single
        }
    }
}

/// Lanes of an AVX2 register of floats.
const LANES: usize = 8;
/// Elements per iteration of `ggml_vec_dot_f16` (four registers).
const STEP: usize = 32;

fn fma(a: f32, b: f32, c: f32) -> f32 {
    libm::fmaf(a, b, c)
}

/// tinyBLAS's `hsum` of one register.
fn hsum(l: &[f32; LANES]) -> f32 {
    let a = [l[0] + l[4], l[1] + l[5], l[2] + l[6], l[3] + l[7]];
    (a[0] + a[2]) + (a[1] + a[3])
}

/// `GGML_F32x8_REDUCE` of `ggml_vec_dot_f16`'s four accumulators.
fn reduce4(acc: &[[f32; LANES]; 4]) -> f32 {
    let mut x = [0.0f32; LANES];
    for (i, x) in x.iter_mut().enumerate() {
        *x = (acc[0][i] + acc[2][i]) + (acc[1][i] + acc[3][i]);
    }
    let t = [x[0] + x[4], x[1] + x[5], x[2] + x[6], x[3] + x[7]];
    (t[0] + t[1]) + (t[2] + t[3])
}

/// The dot product of `n` products `term(i)` in `order`'s summation order. In
/// [`Order::Single`], terms past the last full block of 32 go to their block positions
/// as if the block were padded with zeros (ggml's KV length is padded to 256, so its
/// leftover loop never runs).
pub(crate) fn dot(order: Order, n: usize, term: impl Fn(usize) -> (f32, f32)) -> f32 {
    match order {
        Order::Batch => {
            let mut lanes = [0.0f32; LANES];
            for i in 0..n {
                let (a, b) = term(i);
                lanes[i % LANES] = fma(a, b, lanes[i % LANES]);
            }
            hsum(&lanes)
        }
        Order::Single => {
            let mut acc = [[0.0f32; LANES]; 4];
            for i in 0..n {
                let (a, b) = term(i);
                let (r, l) = ((i % STEP) / LANES, i % LANES);
                acc[r][l] = fma(a, b, acc[r][l]);
            }
            reduce4(&acc)
        }
    }
}

/// ggml's `ggml_v_expf` for one lane: a degree-5 polynomial after reducing by
/// powers of two, with the overflow and underflow handling of the vector code.
pub(crate) fn v_expf(x: f32) -> f32 {
    let f = f32::from_bits;
    let r = f(0x4b40_0000);
    let z = fma(x, f(0x3fb8_aa3b), r);
    let n = z - r;
    let b = fma(-n, f(0x35bf_be8e), fma(-n, f(0x3f31_7200), x));
    let e = z.to_bits() << 23;
    let k = f(e.wrapping_add(1.0f32.to_bits()));
    let u = b * b;
    let j = fma(
        fma(
            fma(f(0x3c07_2010), b, f(0x3d2b_9f17)),
            u,
            fma(f(0x3e2a_af33), b, f(0x3eff_fedb)),
        ),
        u,
        f(0x3f7f_fff6) * b,
    );
    let magnitude = f(n.to_bits() & 0x7fff_ffff);
    if !matches!(magnitude.partial_cmp(&126.0), Some(Ordering::Greater)) {
        return fma(k, j, k);
    }
    let g = if n <= 0.0 { 0x8200_0000u32 } else { 0 };
    let s1 = f(g.wrapping_add(0x7f00_0000));
    let s2 = f(e.wrapping_sub(g));
    if magnitude > 192.0 {
        s1 * s1
    } else {
        fma(s2, j, s2) * s1
    }
}

/// The largest of `x` (`-inf` when empty), as `ggml_vec_max_f32`.
pub(crate) fn max(x: &[f32]) -> f32 {
    x.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v))
}

/// The exponentiation step of ggml's `soft_max`: `x[i] = ggml_v_expf(x[i] - max)`, each
/// group of 8 summed with `hsum` in f32 (missing lanes of the last group count as
/// zero, as ggml's masked cells do) and the groups summed in f64; returns that sum.
pub(crate) fn exp_sub_max(x: &mut [f32], max: f32) -> f64 {
    let mut sum = 0.0f64;
    for group in x.chunks_mut(LANES) {
        let mut lanes = [0.0f32; LANES];
        for (lane, v) in lanes.iter_mut().zip(group.iter_mut()) {
            *v = v_expf(*v - max);
            *lane = *v;
        }
        sum += f64::from(hsum(&lanes));
    }
    sum
}

/// The end of ggml's `soft_max` and the conversion to the cache's type: multiply by
/// the f32 inverse of `sum`, then round each weight to f16 precision (ggml converts
/// the weights to F16 before their products with the value cache).
pub(crate) fn normalize_to_f16(x: &mut [f32], sum: f64) {
    let inv = (1.0 / sum) as f32;
    x.iter_mut().for_each(|v| *v = round_to_f16(*v * inv));
}

impl Order {
    /// The `aios_simd` kernels' name for this order.
    pub(crate) fn sum_order(self) -> SumOrder {
        match self {
            Order::Single => SumOrder::Blocks32,
            Order::Batch => SumOrder::Lanes8,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v_expf_is_close_to_expf_and_handles_the_ends() {
        for i in -1700..1700 {
            let x = i as f32 * 0.05;
            let (got, want) = (v_expf(x), libm::expf(x));
            assert!((got - want).abs() <= want * 4e-7, "{x}: {got} vs {want}");
        }
        assert_eq!(v_expf(f32::NEG_INFINITY), 0.0);
        assert_eq!(v_expf(-200.0), 0.0);
        assert_eq!(v_expf(0.0), 1.0);
        assert_eq!(v_expf(100.0), f32::INFINITY);
        assert!(v_expf(f32::NAN).is_nan());
    }

    #[test]
    fn the_orders_sum_differently() {
        // Terms 0, 8 and 16: one lane in Batch order ((1e8 + 1) - 1e8 = 0: the 1 is
        // absorbed), three blocks in Single order ((1e8 - 1e8) + 1 = 1).
        let term = |i: usize| match i {
            0 => (1.0e8, 1.0),
            8 => (1.0, 1.0),
            16 => (-1.0e8, 1.0),
            _ => (0.0, 0.0),
        };
        assert_eq!(dot(Order::Batch, 64, term), 0.0);
        assert_eq!(dot(Order::Single, 64, term), 1.0);
    }

    #[test]
    fn softmax_weights_sum_to_one() {
        let mut x = [0.5f32, -1.0, 2.0, 0.0, 3.5, -7.0, 1.25, 0.75, 0.1, 9.0];
        let top = max(&x);
        let sum = exp_sub_max(&mut x, top);
        normalize_to_f16(&mut x, sum);
        let s: f32 = x.iter().sum();
        assert!((s - 1.0).abs() < 2e-3);
        assert!(x[9] > x[4] && x[4] > x[2]);
    }
}
