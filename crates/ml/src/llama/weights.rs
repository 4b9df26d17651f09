//! The weights of a Llama model, borrowed zero-copy from the GGUF file.

use alloc::format;
use alloc::string::ToString;
use alloc::vec;
use alloc::vec::Vec;

use super::Config;
use crate::error::{Error, Result};
use crate::gguf::Gguf;
use crate::quant::Matrix;

/// One transformer block.
#[derive(Debug)]
pub(crate) struct Layer<'a> {
    pub attn_norm: Vec<f32>,
    pub wq: Matrix<'a>,
    pub wk: Matrix<'a>,
    pub wv: Matrix<'a>,
    pub wo: Matrix<'a>,
    pub ffn_norm: Vec<f32>,
    pub gate: Matrix<'a>,
    pub up: Matrix<'a>,
    pub down: Matrix<'a>,
}

/// All weights of the model.
#[derive(Debug)]
pub(crate) struct Weights<'a> {
    /// Token embeddings, one row per token.
    pub embed: Matrix<'a>,
    pub layers: Vec<Layer<'a>>,
    pub output_norm: Vec<f32>,
    /// Output head; the embedding matrix itself when the file has no `output.weight`.
    pub output: Matrix<'a>,
}

impl<'a> Weights<'a> {
    /// Finds and shape-checks every tensor the model needs.
    pub fn from_gguf(gguf: &Gguf<'a>, c: &Config) -> Result<Self> {
        let matrix = |name: &str, cols: usize, rows: usize| -> Result<Matrix<'a>> {
            let tensor = gguf.tensor(name).ok_or_else(|| Error::MissingTensor {
                name: name.to_string(),
            })?;
            Matrix::from_tensor(tensor, cols, rows)
        };
        let vector = |name: &str, len: usize| -> Result<Vec<f32>> {
            let mut out = vec![0.0; len];
            matrix(name, len, 1)?.dequantize_row(0, &mut out)?;
            Ok(out)
        };
        let (e, kv, ff) = (c.embedding, c.kv_width(), c.feed_forward);
        let mut layers = Vec::with_capacity(c.layers);
        for i in 0..c.layers {
            let name = |part: &str| format!("blk.{i}.{part}.weight");
            layers.push(Layer {
                attn_norm: vector(&name("attn_norm"), e)?,
                wq: matrix(&name("attn_q"), e, e)?,
                wk: matrix(&name("attn_k"), e, kv)?,
                wv: matrix(&name("attn_v"), e, kv)?,
                wo: matrix(&name("attn_output"), e, e)?,
                ffn_norm: vector(&name("ffn_norm"), e)?,
                gate: matrix(&name("ffn_gate"), e, ff)?,
                up: matrix(&name("ffn_up"), e, ff)?,
                down: matrix(&name("ffn_down"), ff, e)?,
            });
        }
        let embed = matrix("token_embd.weight", e, c.vocab)?;
        let output = match gguf.tensor("output.weight") {
            Some(_) => matrix("output.weight", e, c.vocab)?,
            None => embed,
        };
        Ok(Weights {
            embed,
            layers,
            output_norm: vector("output_norm.weight", e)?,
            output,
        })
    }
}
