//! The BERT encoder forward pass for one sequence: embeddings, then per layer
//! self-attention and the GELU feed-forward block, each followed by a residual LayerNorm.

use super::weights::{Bert, Linear, Norm};
use crate::error::{Error, Result};
use crate::kernels::{self, Backend};
use alloc::vec;
use alloc::vec::Vec;

impl Bert {
    /// Hidden states of the last layer for `ids`, `ids.len() × hidden`, row-major.
    pub fn forward(&self, ids: &[u32], backend: Backend) -> Result<Vec<f32>> {
        let config = self.config;
        let (n, hidden) = (ids.len(), config.hidden);
        if n > config.max_positions {
            return Err(Error::TooLarge {
                what: "sequence longer than the position table",
            });
        }
        let mut x = vec![0.0f32; n * hidden];
        for (t, (&id, row)) in ids.iter().zip(x.chunks_exact_mut(hidden)).enumerate() {
            let id = usize::try_from(id).ok().filter(|id| *id < config.vocab);
            let id = id.ok_or(Error::Malformed {
                what: "token id outside the vocabulary",
            })?;
            let word = &self.word[id * hidden..(id + 1) * hidden];
            let position = &self.position[t * hidden..(t + 1) * hidden];
            for (i, value) in row.iter_mut().enumerate() {
                *value = word[i] + position[i] + self.token_type[i];
            }
            normalize(row, &self.embedding_norm, config.eps)?;
        }
        let mut qkv = vec![0.0f32; n * 3 * hidden];
        let mut context = vec![0.0f32; n * hidden];
        let mut projected = vec![0.0f32; n * hidden];
        let mut inner = vec![0.0f32; n * config.intermediate];
        for layer in &self.layers {
            apply(&layer.qkv, backend, &x, &mut qkv)?;
            self.attention(&qkv, &mut context, backend)?;
            apply(&layer.attention_out, backend, &context, &mut projected)?;
            add_and_normalize(
                &mut x,
                &projected,
                &layer.attention_norm,
                config.eps,
                hidden,
            )?;
            apply(&layer.intermediate, backend, &x, &mut inner)?;
            kernels::gelu_erf(&mut inner);
            apply(&layer.output, backend, &inner, &mut projected)?;
            add_and_normalize(&mut x, &projected, &layer.output_norm, config.eps, hidden)?;
        }
        Ok(x)
    }

    /// Multi-head self-attention over all positions (one unpadded sequence, so no mask):
    /// `context = softmax(q·kᵀ / √d) · v` per head, as two matmuls over gathered copies
    /// of the head's queries, keys and transposed values.
    fn attention(&self, qkv: &[f32], context: &mut [f32], backend: Backend) -> Result<()> {
        let hidden = self.config.hidden;
        let head_dim = hidden / self.config.heads;
        let n = context.len() / hidden;
        let scale = 1.0 / libm::sqrtf(head_dim as f32);
        let stride = 3 * hidden;
        let mut queries = vec![0.0f32; n * head_dim];
        let mut keys = vec![0.0f32; n * head_dim];
        let mut values_t = vec![0.0f32; head_dim * n];
        let mut scores = vec![0.0f32; n * n];
        let mut head_context = vec![0.0f32; n * head_dim];
        for head in 0..self.config.heads {
            let offset = head * head_dim;
            for (i, row) in qkv.chunks_exact(stride).enumerate() {
                let query = &row[offset..offset + head_dim];
                for (q, value) in queries[i * head_dim..][..head_dim].iter_mut().zip(query) {
                    *q = value * scale;
                }
                keys[i * head_dim..][..head_dim]
                    .copy_from_slice(&row[hidden + offset..][..head_dim]);
                for (c, value) in row[2 * hidden + offset..][..head_dim].iter().enumerate() {
                    values_t[c * n + i] = *value;
                }
            }
            backend.matmul(&mut scores, &queries, &keys, head_dim)?;
            for row in scores.chunks_exact_mut(n) {
                kernels::softmax(row);
            }
            backend.matmul(&mut head_context, &scores, &values_t, n)?;
            for (row, head_row) in context
                .chunks_exact_mut(hidden)
                .zip(head_context.chunks_exact(head_dim))
            {
                row[offset..offset + head_dim].copy_from_slice(head_row);
            }
        }
        Ok(())
    }
}

/// `out = x · Wᵀ + b` for every row of `x`.
fn apply(layer: &Linear, backend: Backend, x: &[f32], out: &mut [f32]) -> Result<()> {
    backend.matmul(out, x, &layer.weight, layer.inputs)?;
    for row in out.chunks_exact_mut(layer.bias.len()) {
        for (value, bias) in row.iter_mut().zip(&layer.bias) {
            *value += bias;
        }
    }
    Ok(())
}

/// `x = LayerNorm(x + residual)`, row by row.
fn add_and_normalize(
    x: &mut [f32],
    residual: &[f32],
    norm: &Norm,
    eps: f32,
    hidden: usize,
) -> Result<()> {
    for (row, add) in x
        .chunks_exact_mut(hidden)
        .zip(residual.chunks_exact(hidden))
    {
        for (value, extra) in row.iter_mut().zip(add) {
            *value += extra;
        }
        normalize(row, norm, eps)?;
    }
    Ok(())
}

fn normalize(row: &mut [f32], norm: &Norm, eps: f32) -> Result<()> {
    kernels::layer_norm(row, &norm.gamma, &norm.beta, eps)
}
