//! Q8_0 weights and the Q8_0/Q8_1 quantisation of activation vectors.
//!
//! Activations are quantised the way llama.cpp's AVX2 path does: scale
//! `d = max|x| / 127`, codes `round_half_even(x * 127 / max|x|)`, `d` stored as
//! f16, and for Q8_1 the f16 sum `s = d * Σ codes` that Q4_1's minimum needs.

use alloc::vec::Vec;

use super::{BLOCK, f16_to_f32, round_to_f16};
use crate::kernels::Backend;

/// Bytes of one Q8_0 block: f16 scale then 32 signed codes.
pub const BLOCK_BYTES: usize = 34;

/// Activation vectors quantised in blocks of 32 (a batch is stored one vector after
/// the other).
#[derive(Debug, Clone, Default)]
pub struct QuantizedVector {
    /// Per-block scale (an f16 value widened to f32).
    pub d: Vec<f32>,
    /// Per-block `d * Σ codes` (f16-rounded); only filled for Q8_1.
    pub s: Vec<f32>,
    /// The codes, `32 * d.len()` of them.
    pub qs: Vec<i8>,
}

/// Quantises `x` (length a multiple of 32) to Q8_0 into `out`.
pub fn quantize_q8_0(x: &[f32], out: &mut QuantizedVector) {
    quantize(x, out, false);
}

/// Quantises `x` (length a multiple of 32) to Q8_1 into `out`.
pub fn quantize_q8_1(x: &[f32], out: &mut QuantizedVector) {
    quantize(x, out, true);
}

/// [`quantize_q8_0`] (`with_sum` false) or [`quantize_q8_1`] on `backend`: the AVX2
/// kernel gives the same bits as the portable code (and in the soft-float kernel
/// costs a fraction of it).
pub(crate) fn quantize_on(backend: Backend, x: &[f32], out: &mut QuantizedVector, with_sum: bool) {
    if let Backend::Avx2(avx2) = backend {
        let blocks = x.len() / BLOCK;
        out.d.resize(blocks, 0.0);
        out.s.resize(if with_sum { blocks } else { 0 }, 0.0);
        out.qs.resize(x.len(), 0);
        let s = with_sum.then_some(&mut out.s[..]);
        if avx2.quantize_q8(x, &mut out.d, s, &mut out.qs).is_some() {
            return;
        }
    }
    quantize(x, out, with_sum);
}

fn quantize(x: &[f32], out: &mut QuantizedVector, with_sum: bool) {
    out.d.clear();
    out.s.clear();
    out.qs.clear();
    for block in x.chunks_exact(BLOCK) {
        let max = block.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        let d = max / 127.0;
        let id = if max != 0.0 { 127.0 / max } else { 0.0 };
        let mut sum = 0i32;
        for &v in block {
            // Codes lie in [-127, 127] because |v * id| <= 127.
            let q = round_half_even(v * id) as i8;
            sum += i32::from(q);
            out.qs.push(q);
        }
        out.d.push(round_to_f16(d));
        if with_sum {
            out.s.push(round_to_f16(d * sum as f32));
        }
    }
}

/// Rounds to the nearest integer, ties to even (as `vroundps` does), for |x| < 2^22:
/// adding and subtracting 1.5 · 2^23 leaves no fraction bits, so the FPU rounds.
fn round_half_even(x: f32) -> f32 {
    const MAGIC: f32 = 12_582_912.0;
    (x + MAGIC) - MAGIC
}

/// Decodes one Q8_0 block into 32 floats.
pub(crate) fn dequantize_block(block: &[u8], out: &mut [f32]) {
    let d = f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
    for (o, &q) in out.iter_mut().zip(&block[2..BLOCK_BYTES]) {
        *o = f32::from(q as i8) * d;
    }
}

/// Dot product of a Q8_0 row with a Q8_0 activation vector (scales `d`, codes `qs`).
///
/// Integer products are summed in 8 lanes of 4 consecutive codes and scaled
/// per block, mirroring the lane order of llama.cpp's AVX2 kernel.
pub(crate) fn dot_row(row: &[u8], d: &[f32], qs: &[i8]) -> f32 {
    let mut acc = [0.0f32; 8];
    for ((block, &dy), qy) in row
        .chunks_exact(BLOCK_BYTES)
        .zip(d)
        .zip(qs.chunks_exact(BLOCK))
    {
        let dx = f16_to_f32(u16::from_le_bytes([block[0], block[1]]));
        let scale = dx * dy;
        let qx = &block[2..BLOCK_BYTES];
        for (lane, a) in acc.iter_mut().enumerate() {
            let mut sum = 0i32;
            for j in lane * 4..lane * 4 + 4 {
                sum += i32::from(qx[j] as i8) * i32::from(qy[j]);
            }
            *a += scale * sum as f32;
        }
    }
    super::matrix::hsum8(&acc)
}

#[cfg(test)]
mod backend_tests {
    use super::*;

    /// The AVX2 kernel and the portable code give the same blocks, Q8_0 and Q8_1.
    #[test]
    fn quantize_on_avx2_equals_the_portable_code() {
        let backend = Backend::detect();
        let x: Vec<f32> = (0..32 * 37)
            .map(|i| {
                ((i * 7919 % 1000) as f32 - 500.0) * 0.013 * if i % 97 == 0 { 50.0 } else { 1.0 }
            })
            .collect();
        for with_sum in [false, true] {
            let (mut fast, mut portable) = (QuantizedVector::default(), QuantizedVector::default());
            quantize_on(backend, &x, &mut fast, with_sum);
            quantize(&x, &mut portable, with_sum);
            let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<u32>>();
            assert_eq!(bits(&fast.d), bits(&portable.d));
            assert_eq!(bits(&fast.s), bits(&portable.s));
            assert_eq!(fast.qs, portable.qs);
        }
    }
}
