//! Causal grouped-query attention of a batch of queries against the f16 KV cache,
//! in llama.cpp's arithmetic (see `ggml`): bit-identical on both backends.

use alloc::vec;

mod ggml;

pub use ggml::Order;
pub(crate) use ggml::v_expf;

use super::Config;
use crate::error::Result;
use crate::kernels::Backend;
use crate::quant::{f16_to_f32, round_to_f16};

/// `half` maps every f16 bit pattern to its f32 value. For each of the
/// `q.len() / embedding` new tokens (at positions `past..`), writes
/// the attention output of every head into `out`, summing in `order`. `keys` and
/// `values` already hold the new tokens; token `t` sees cache entries `0..=past + t`.
pub(crate) fn attend(
    c: &Config,
    half: &[f32],
    q: &[f32],
    cache: (&[u16], &[u16]),
    past: usize,
    out: &mut [f32],
    (backend, order): (Backend, Order),
) -> Result<()> {
    let scale = 1.0 / libm::sqrtf(c.head_dim as f32);
    if let Backend::Avx2(avx2) = backend
        && attend_avx2(avx2, c, q, cache, past, out, (scale, order))
    {
        return Ok(());
    }
    let (keys, values) = cache;
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
                let seen = &mut scores[..past + t + 1];
                for (a, &b) in qh.iter_mut().zip(&q_row[head * hd..(head + 1) * hd]) {
                    *a = round_to_f16(b);
                }
                for (j, score) in seen.iter_mut().enumerate() {
                    let key = &k[j * hd..(j + 1) * hd];
                    *score = ggml::dot(order, hd, |d| (key[d], qh[d])) * scale;
                }
                let max = ggml::max(seen);
                let sum = ggml::exp_sub_max(seen, max);
                ggml::normalize_to_f16(seen, sum);
                let o = &mut out_row[head * hd..(head + 1) * hd];
                let n = seen.len();
                for (d, o) in o.iter_mut().enumerate() {
                    *o = ggml::dot(order, n, |j| (v[j * hd + d], seen[j]));
                }
            }
        }
    }
    Ok(())
}

/// [`attend`] with the AVX2 kernels, reading the f16 cache in place. False if a kernel
/// refused the shape (then the caller computes everything the portable way).
fn attend_avx2(
    avx2: aios_simd::Avx2,
    c: &Config,
    q: &[f32],
    (keys, values): (&[u16], &[u16]),
    past: usize,
    out: &mut [f32],
    (scale, order): (f32, Order),
) -> bool {
    let (e, hd, kvw) = (c.embedding, c.head_dim, c.kv_width());
    let group = c.heads / c.kv_heads;
    let sum_order = order.sum_order();
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
            if avx2
                .attn_scores(k, kvw, &qh, scale, seen, sum_order)
                .is_none()
            {
                return false;
            }
            let max = ggml::max(seen);
            let Some(sum) = avx2.exp_sub_max(seen, max) else {
                return false;
            };
            ggml::normalize_to_f16(seen, sum);
            if avx2.attn_weighted_sum(v, kvw, seen, o, sum_order).is_none() {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quant::f32_to_f16;
    use alloc::vec::Vec;

    /// SmolLM2's attention shape: 9 query heads of 64 sharing 3 KV heads.
    fn config() -> Config {
        Config {
            embedding: 576,
            layers: 1,
            heads: 9,
            kv_heads: 3,
            head_dim: 64,
            feed_forward: 1536,
            vocab: 16,
            context: 2048,
            rope_theta: 100_000.0,
            rope_dims: 64,
            norm_eps: 1e-5,
        }
    }

    fn random(state: &mut u64, n: usize, scale: f32) -> Vec<f32> {
        (0..n)
            .map(|_| {
                *state ^= *state << 13;
                *state ^= *state >> 7;
                *state ^= *state << 17;
                ((*state >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * scale
            })
            .collect()
    }

    /// The AVX2 kernels and the portable emulation give the same bits, in both orders,
    /// for prompts and single tokens over caches of many lengths.
    #[test]
    fn avx2_attention_equals_the_portable_emulation() {
        let Backend::Avx2(kernels) = Backend::detect() else {
            return;
        };
        let c = config();
        let mut state = 0x9e37_79b9_7f4a_7c15;
        for (past, new) in [
            (0, 1),
            (0, 7),
            (3, 1),
            (30, 5),
            (40, 1),
            (100, 33),
            (257, 1),
        ] {
            let rows = past + new;
            let half = |v: Vec<f32>| v.into_iter().map(f32_to_f16).collect::<Vec<u16>>();
            let keys = half(random(&mut state, rows * c.kv_width(), 6.0));
            let values = half(random(&mut state, rows * c.kv_width(), 2.0));
            let q = random(&mut state, new * c.embedding, 8.0);
            for order in [Order::Single, Order::Batch] {
                let run = |backend| {
                    let mut out = vec![0.0f32; new * c.embedding];
                    attend(
                        &c,
                        &[],
                        &q,
                        (&keys, &values),
                        past,
                        &mut out,
                        (backend, order),
                    )
                    .unwrap();
                    out.iter().map(|f| f.to_bits()).collect::<Vec<u32>>()
                };
                // The kernels themselves, not a fallback to the portable path.
                let mut out = vec![0.0f32; new * c.embedding];
                let cache = (&keys[..], &values[..]);
                let how = (0.125, order);
                assert!(attend_avx2(kernels, &c, &q, cache, past, &mut out, how));
                let avx2: Vec<u32> = out.iter().map(|f| f.to_bits()).collect();
                assert_eq!(avx2, run(Backend::detect()));
                assert_eq!(
                    avx2,
                    run(Backend::Scalar),
                    "past {past} new {new} {order:?}"
                );
            }
        }
    }
}
