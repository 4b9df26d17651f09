//! Causal grouped-query attention of a batch of queries against the f16 KV cache.

use alloc::vec;

use super::Config;
use crate::error::Result;
use crate::kernels::Backend;
use crate::quant::{f16_to_f32, round_to_f16};

/// `half` maps every f16 bit pattern to its f32 value. For each of the
/// `q.len() / embedding` new tokens (at positions `past..`), writes
/// the attention output of every head into `out`. `keys` and `values` already hold
/// the new tokens; token `t` sees cache entries `0..=past + t`.
pub(crate) fn attend(
    c: &Config,
    half: &[f32],
    q: &[f32],
    (keys, values): (&[u16], &[u16]),
    past: usize,
    out: &mut [f32],
    backend: Backend,
) -> Result<()> {
    let scale = 1.0 / libm::sqrtf(c.head_dim as f32);
    if let Backend::Avx2(avx2) = backend
        && attend_in_place(avx2, c, q, (keys, values), past, out, scale)
    {
        return Ok(());
    }
    let (e, hd, kvw) = (c.embedding, c.head_dim, c.kv_width());
    let group = c.heads / c.kv_heads;
    let total = keys.len() / kvw;
    let (mut k, mut v) = (vec![0.0f32; total * hd], vec![0.0f32; total * hd]);
    let (mut qh, mut scores) = (vec![0.0f32; hd], vec![0.0f32; total]);
    for kv_head in 0..c.kv_heads {
        // Widen this head's cache once; its `group` query heads all read it.
        for j in 0..total {
            let at = j * kvw + kv_head * hd;
            let widen = |h: u16| {
                half.get(usize::from(h))
                    .copied()
                    .unwrap_or_else(|| f16_to_f32(h))
            };
            for d in 0..hd {
                k[j * hd + d] = widen(keys[at + d]);
                v[j * hd + d] = widen(values[at + d]);
            }
        }
        for head in kv_head * group..(kv_head + 1) * group {
            for (t, (q_row, out_row)) in q.chunks_exact(e).zip(out.chunks_exact_mut(e)).enumerate()
            {
                let seen = past + t + 1;
                for (a, &b) in qh.iter_mut().zip(&q_row[head * hd..(head + 1) * hd]) {
                    *a = round_to_f16(b);
                }
                for (j, score) in scores[..seen].iter_mut().enumerate() {
                    *score = backend.dot(&k[j * hd..(j + 1) * hd], &qh)? * scale;
                }
                softmax(&mut scores[..seen]);
                let o = &mut out_row[head * hd..(head + 1) * hd];
                o.fill(0.0);
                for (j, &p) in scores[..seen].iter().enumerate() {
                    backend.axpy(o, round_to_f16(p), &v[j * hd..(j + 1) * hd])?;
                }
            }
        }
    }
    Ok(())
}

/// [`attend`] on AVX2 with the cache read in place (F16C widens it inside the kernels),
/// bit-identical to widening first. False if a kernel refused this shape (then the
/// caller computes everything the portable way).
fn attend_in_place(
    avx2: aios_simd::Avx2,
    c: &Config,
    q: &[f32],
    (keys, values): (&[u16], &[u16]),
    past: usize,
    out: &mut [f32],
    scale: f32,
) -> bool {
    let (e, hd, kvw) = (c.embedding, c.head_dim, c.kv_width());
    let group = c.heads / c.kv_heads;
    let (mut qh, mut scores) = (vec![0.0f32; hd], vec![0.0f32; keys.len() / kvw]);
    for head in 0..c.heads {
        let at = head / group * hd;
        let (Some(k), Some(v)) = (keys.get(at..), values.get(at..)) else {
            return false;
        };
        for (t, (q_row, out_row)) in q.chunks_exact(e).zip(out.chunks_exact_mut(e)).enumerate() {
            let Some(seen) = scores.get_mut(..past + t + 1) else {
                return false;
            };
            for (a, &b) in qh.iter_mut().zip(&q_row[head * hd..(head + 1) * hd]) {
                *a = round_to_f16(b);
            }
            let o = &mut out_row[head * hd..(head + 1) * hd];
            if avx2.scores_f16(k, kvw, &qh, scale, seen).is_none() {
                return false;
            }
            softmax(seen);
            if avx2.weighted_sum_f16(v, kvw, seen, o).is_none() {
                return false;
            }
        }
    }
    true
}

/// ggml's softmax: subtract the maximum, exponentiate, sum in f64, scale by the inverse.
fn softmax(x: &mut [f32]) {
    let max = x.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    let mut sum = 0.0f64;
    for v in x.iter_mut() {
        *v = libm::expf(*v - max);
        sum += f64::from(*v);
    }
    let inv = (1.0 / sum) as f32;
    x.iter_mut().for_each(|v| *v *= inv);
}
