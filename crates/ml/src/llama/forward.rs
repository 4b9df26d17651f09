//! The Llama forward pass over new tokens of one or several sessions, appending to
//! each session's KV cache.
//!
//! Numerics follow llama.cpp's CPU graph so greedy decoding picks the same tokens:
//! RMSNorm sums squares in f64, RoPE is the "normal" (adjacent pairs) layout with the
//! angle advanced by repeated multiplication, keys and values are cached as f16, the
//! query and the attention weights are rounded to f16 before their products with the
//! cache, and the softmax sum is taken in f64.

use alloc::vec;
use alloc::vec::Vec;

use super::attention::{Order, attend};
use super::{Llm, Session};
use crate::error::{Error, Result};
use crate::kernels::Backend;
use crate::quant::{Matrix, QuantizedVector, f32_to_f16};

/// Tokens evaluated together: enough to reuse each weight row from cache, few
/// enough to keep the activations small.
const CHUNK: usize = 32;

/// llama.cpp's default micro-batch (`n_ubatch`): a longer prompt is evaluated in
/// micro-batches of this many tokens, each with the attention order of its size.
pub const MICRO_BATCH: usize = 512;

/// Evaluates `tokens` after the session's history and returns the next-token logits.
/// With `order`, every token is computed in that attention order (the caller evaluates
/// part of a larger micro-batch); without, each micro-batch of `tokens` in its own.
pub(crate) fn forward(
    s: &mut Session<'_, '_>,
    tokens: &[u32],
    (backend, order): (Backend, Option<Order>),
) -> Result<Vec<f32>> {
    let llm = s.llm;
    let c = llm.config;
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
    for micro in tokens.chunks(MICRO_BATCH) {
        let order = order.unwrap_or_else(|| Order::for_batch(micro.len()));
        for chunk in micro.chunks(CHUNK) {
            last = run_layers(llm, &mut [&mut *s], &[chunk], (backend, order))?;
        }
    }
    logits(llm, &mut last, backend)
}

/// The next-token logits (`rows × vocab`) of final hidden states (`rows × embedding`,
/// normalised in place), all rows through the output matrix together.
pub(super) fn logits(llm: &Llm<'_>, hidden: &mut [f32], backend: Backend) -> Result<Vec<f32>> {
    let (c, w) = (&llm.config, &llm.weights);
    hidden
        .chunks_exact_mut(c.embedding)
        .for_each(|r| rms_norm(r, &w.output_norm, c.norm_eps));
    let rows = hidden.len() / c.embedding;
    let too_large = Error::TooLarge { what: "logits" };
    let mut out = vec![0.0; rows.checked_mul(c.vocab).ok_or(too_large)?];
    w.output
        .matmul(backend, hidden, &mut out, &mut QuantizedVector::default())?;
    Ok(out)
}

/// Runs every layer over new tokens of several sessions at once (`tokens[i]`, at least
/// one, follow `sessions[i]`'s history): the rows of all sessions pass through each
/// weight matrix together, each row is rotated at its own position and attends over
/// its own session's cache. Extends every session's cache and tokens, and returns
/// the final hidden state (before the output norm) of each session's last new token.
pub(super) fn run_layers(
    llm: &Llm<'_>,
    sessions: &mut [&mut Session<'_, '_>],
    tokens: &[&[u32]],
    (backend, order): (Backend, Order),
) -> Result<Vec<f32>> {
    let (c, w) = (&llm.config, &llm.weights);
    let (e, kvw, ff) = (c.embedding, c.kv_width(), c.feed_forward);
    if sessions.len() != tokens.len() || tokens.iter().any(|t| t.is_empty()) {
        return Err(Error::Malformed {
            what: "every session in a forward pass needs new tokens",
        });
    }
    let n: usize = tokens.iter().map(|t| t.len()).sum();
    let mut x = vec![0.0f32; n * e];
    for (row, &t) in x.chunks_exact_mut(e).zip(tokens.iter().copied().flatten()) {
        w.embed.dequantize_row(t as usize, row)?;
    }
    // Per session: its first row in the batch, its row count, its cache length before them.
    let mut spans = Vec::with_capacity(sessions.len());
    let mut rope = Vec::with_capacity(n);
    for (s, t) in sessions.iter().zip(tokens) {
        let (first, past) = (rope.len(), s.tokens.len());
        rope.extend((past..past + t.len()).map(|pos| rope_table(c, pos)));
        spans.push((first, t.len(), past));
    }
    let mut scratch = QuantizedVector::default();
    let [mut xb, mut q, mut att, mut o] = core::array::from_fn(|_| vec![0.0; n * e]);
    let (mut k, mut v) = (vec![0.0; n * kvw], vec![0.0; n * kvw]);
    let (mut g, mut u) = (vec![0.0; n * ff], vec![0.0; n * ff]);
    for (l, layer) in w.layers.iter().enumerate() {
        xb.copy_from_slice(&x);
        xb.chunks_exact_mut(e)
            .for_each(|r| rms_norm(r, &layer.attn_norm, c.norm_eps));
        let qkv: &mut [(&Matrix<'_>, &mut [f32])] = &mut [
            (&layer.wq, &mut q),
            (&layer.wk, &mut k),
            (&layer.wv, &mut v),
        ];
        Matrix::matmul_shared(backend, &xb, qkv, &mut scratch)?;
        for (t, table) in rope.iter().enumerate() {
            apply_rope(&mut q[t * e..(t + 1) * e], c.head_dim, table);
            apply_rope(&mut k[t * kvw..(t + 1) * kvw], c.head_dim, table);
        }
        for (s, &(first, count, past)) in sessions.iter_mut().zip(&spans) {
            let (rows, kv_rows) = (
                first * e..(first + count) * e,
                first * kvw..(first + count) * kvw,
            );
            s.keys[l].extend(k[kv_rows.clone()].iter().map(|&f| f32_to_f16(f)));
            s.values[l].extend(v[kv_rows].iter().map(|&f| f32_to_f16(f)));
            let cache = (&s.keys[l][..], &s.values[l][..]);
            let (q_rows, att_rows) = (&q[rows.clone()], &mut att[rows]);
            let how = (backend, order);
            attend(c, &llm.half_table, q_rows, cache, past, att_rows, how)?;
        }
        layer.wo.matmul(backend, &att, &mut o, &mut scratch)?;
        x.iter_mut().zip(&o).for_each(|(a, b)| *a += b);
        xb.copy_from_slice(&x);
        xb.chunks_exact_mut(e)
            .for_each(|r| rms_norm(r, &layer.ffn_norm, c.norm_eps));
        let gate_up: &mut [(&Matrix<'_>, &mut [f32])] =
            &mut [(&layer.gate, &mut g), (&layer.up, &mut u)];
        Matrix::matmul_shared(backend, &xb, gate_up, &mut scratch)?;
        silu_mul(&mut g, &u, backend);
        layer.down.matmul(backend, &g, &mut o, &mut scratch)?;
        x.iter_mut().zip(&o).for_each(|(a, b)| *a += b);
    }
    let mut last = Vec::with_capacity(sessions.len() * e);
    for ((s, t), &(first, count, _)) in sessions.iter_mut().zip(tokens).zip(&spans) {
        s.tokens.extend_from_slice(t);
        let end = first + count;
        last.extend_from_slice(&x[(end - 1) * e..end * e]);
    }
    Ok(last)
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

/// ggml's SwiGLU: `gate = gate / (1 + ggml_v_expf(0 - gate)) · up`, element-wise.
fn silu_mul(gate: &mut [f32], up: &[f32], backend: Backend) {
    if let Backend::Avx2(avx2) = backend
        && avx2.silu_mul(gate, up).is_some()
    {
        return;
    }
    gate.iter_mut()
        .zip(up)
        .for_each(|(a, b)| *a = *a / (1.0 + super::attention::v_expf(0.0 - *a)) * b);
}

/// `(cos, sin)` of each rotated pair at position `pos`, the angle advanced by
/// repeated multiplication as ggml does (not `pos * base^(-2i/d)` directly).
fn rope_table(c: &super::Config, pos: usize) -> Vec<(f32, f32)> {
    let scale = libm::powf(c.rope_theta, -2.0 / c.rope_dims as f32);
    let mut theta = pos as f32;
    (0..c.rope_dims / 2)
        .map(|_| {
            let pair = (super::trig::cosf(theta), super::trig::sinf(theta));
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
            // ggml's C is compiled with FMA contraction: each `a·b ∓ c·d` is
            // `fma(a, b, ∓(c·d))`, and one rounding less changes RoPE'd keys.
            pair[0] = libm::fmaf(x0, cos, -(x1 * sin));
            pair[1] = libm::fmaf(x0, sin, x1 * cos);
        }
    }
}
