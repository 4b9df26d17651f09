//! The Llama forward pass over a batch of new tokens, appending to a session's KV cache.
//!
//! Numerics follow llama.cpp's CPU graph so greedy decoding picks the same tokens:
//! RMSNorm sums squares in f64, RoPE is the "normal" (adjacent pairs) layout with the
//! angle advanced by repeated multiplication, keys and values are cached as f16, the
//! query and the attention weights are rounded to f16 before their products with the
//! cache, and the softmax sum is taken in f64.

use alloc::vec;
use alloc::vec::Vec;

use super::Session;
use super::attention::attend;
use crate::error::{Error, Result};
use crate::kernels::Backend;
use crate::quant::{QuantizedVector, f32_to_f16};

/// Tokens evaluated together: enough to reuse each weight row from cache, few
/// enough to keep the activations small.
const CHUNK: usize = 32;

/// Evaluates `tokens` after the session's history and returns the next-token logits.
pub(crate) fn forward(
    s: &mut Session<'_, '_>,
    tokens: &[u32],
    backend: Backend,
) -> Result<Vec<f32>> {
    let c = s.llm.config;
    if tokens.is_empty() {
        return Err(Error::Malformed {
            what: "feed needs at least one token",
        });
    }
    if tokens.iter().any(|&t| t as usize >= c.vocab) {
        return Err(Error::Malformed {
            what: "token id out of range",
        });
    }
    if tokens.len() > s.remaining_context() {
        return Err(Error::TooLarge {
            what: "tokens beyond the model's context length",
        });
    }
    let mut last = Vec::new();
    for chunk in tokens.chunks(CHUNK) {
        last = forward_chunk(s, chunk, backend)?;
    }
    let w = &s.llm.weights;
    rms_norm(&mut last, &w.output_norm, c.norm_eps);
    let mut logits = vec![0.0; c.vocab];
    w.output
        .matvec(backend, &last, &mut logits, &mut QuantizedVector::default())?;
    Ok(logits)
}

/// Runs every layer over `tokens`, extends the cache, and returns the last
/// token's final hidden state (before the output norm).
fn forward_chunk(s: &mut Session<'_, '_>, tokens: &[u32], backend: Backend) -> Result<Vec<f32>> {
    let llm = s.llm;
    let (c, w) = (&llm.config, &llm.weights);
    let (n, e, kvw, ff) = (tokens.len(), c.embedding, c.kv_width(), c.feed_forward);
    let past = s.tokens.len();
    let mut x = vec![0.0f32; n * e];
    for (row, &t) in x.chunks_exact_mut(e).zip(tokens) {
        w.embed.dequantize_row(t as usize, row)?;
    }
    let mut scratch = QuantizedVector::default();
    let (mut xb, mut q, mut att, mut o) = (
        vec![0.0; n * e],
        vec![0.0; n * e],
        vec![0.0; n * e],
        vec![0.0; n * e],
    );
    let (mut k, mut v) = (vec![0.0; n * kvw], vec![0.0; n * kvw]);
    let (mut g, mut u) = (vec![0.0; n * ff], vec![0.0; n * ff]);
    let rope: Vec<Vec<(f32, f32)>> = (0..n).map(|t| rope_table(c, past + t)).collect();
    for (l, layer) in w.layers.iter().enumerate() {
        xb.copy_from_slice(&x);
        xb.chunks_exact_mut(e)
            .for_each(|r| rms_norm(r, &layer.attn_norm, c.norm_eps));
        layer.wq.matmul(backend, &xb, &mut q, &mut scratch)?;
        layer.wk.matmul(backend, &xb, &mut k, &mut scratch)?;
        layer.wv.matmul(backend, &xb, &mut v, &mut scratch)?;
        for t in 0..n {
            apply_rope(&mut q[t * e..(t + 1) * e], c.head_dim, &rope[t]);
            apply_rope(&mut k[t * kvw..(t + 1) * kvw], c.head_dim, &rope[t]);
        }
        s.keys[l].extend(k.iter().map(|&f| f32_to_f16(f)));
        s.values[l].extend(v.iter().map(|&f| f32_to_f16(f)));
        attend(
            c,
            &llm.half_table,
            &q,
            (&s.keys[l], &s.values[l]),
            past,
            &mut att,
            backend,
        )?;
        layer.wo.matmul(backend, &att, &mut o, &mut scratch)?;
        x.iter_mut().zip(&o).for_each(|(a, b)| *a += b);
        xb.copy_from_slice(&x);
        xb.chunks_exact_mut(e)
            .for_each(|r| rms_norm(r, &layer.ffn_norm, c.norm_eps));
        layer.gate.matmul(backend, &xb, &mut g, &mut scratch)?;
        layer.up.matmul(backend, &xb, &mut u, &mut scratch)?;
        g.iter_mut()
            .zip(&u)
            .for_each(|(a, b)| *a = *a / (1.0 + libm::expf(-*a)) * b);
        layer.down.matmul(backend, &g, &mut o, &mut scratch)?;
        x.iter_mut().zip(&o).for_each(|(a, b)| *a += b);
    }
    s.tokens.extend_from_slice(tokens);
    Ok(x[(n - 1) * e..].to_vec())
}

/// RMSNorm as ggml computes it: f64 sum of squares, scale, then the weight.
pub(crate) fn rms_norm(row: &mut [f32], weight: &[f32], eps: f32) {
    let sum: f64 = row.iter().map(|&v| f64::from(v * v)).sum();
    let mean = (sum / row.len() as f64) as f32;
    let scale = 1.0 / libm::sqrtf(mean + eps);
    row.iter_mut()
        .zip(weight)
        .for_each(|(v, w)| *v = (*v * scale) * w);
}

/// `(cos, sin)` of each rotated pair at position `pos`, the angle advanced by
/// repeated multiplication as ggml does (not `pos * base^(-2i/d)` directly).
fn rope_table(c: &super::Config, pos: usize) -> Vec<(f32, f32)> {
    let scale = libm::powf(c.rope_theta, -2.0 / c.rope_dims as f32);
    let mut theta = pos as f32;
    (0..c.rope_dims / 2)
        .map(|_| {
            let pair = (libm::cosf(theta), libm::sinf(theta));
            theta *= scale;
            pair
        })
        .collect()
}

/// Rotates adjacent pairs `(x[2i], x[2i+1])` of every head in `row` (llama.cpp's
/// "normal" RoPE; the GGUF converter already permuted Q and K for this layout).
fn apply_rope(row: &mut [f32], head_dim: usize, table: &[(f32, f32)]) {
    for head in row.chunks_exact_mut(head_dim) {
        for (pair, &(cos, sin)) in head.chunks_exact_mut(2).zip(table) {
            let (x0, x1) = (pair[0], pair[1]);
            pair[0] = x0 * cos - x1 * sin;
            pair[1] = x0 * sin + x1 * cos;
        }
    }
}
