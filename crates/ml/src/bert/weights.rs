//! BERT weights: the configuration inferred from tensor shapes, and every tensor loaded
//! and shape-checked from a safetensors file.

use crate::error::{Error, Result};
use crate::safetensors::SafeTensors;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// Attention heads. safetensors records no configuration and the head count cannot be
/// read from the shapes; BERT-base, MiniLM-L6/L12-H384 and most sentence encoders use 12.
const HEADS: usize = 12;
/// `layer_norm_eps` of BERT checkpoints.
const LAYER_NORM_EPS: f32 = 1e-12;

/// The model's dimensions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BertConfig {
    /// Rows of the word-embedding table.
    pub vocab: usize,
    /// Width of the hidden state (384 for MiniLM-L6).
    pub hidden: usize,
    /// Encoder layers (6).
    pub layers: usize,
    /// Attention heads (12; each `hidden / heads` wide).
    pub heads: usize,
    /// Width of the feed-forward layer (1536).
    pub intermediate: usize,
    /// Longest sequence the position table covers (512).
    pub max_positions: usize,
    /// Layer-norm epsilon.
    pub eps: f32,
}

/// A dense layer `y = x · Wᵀ + b` with `W` stored row-major as `outputs × inputs`.
#[derive(Debug)]
pub(crate) struct Linear {
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
    pub inputs: usize,
}

/// Layer-norm parameters.
#[derive(Debug)]
pub(crate) struct Norm {
    pub gamma: Vec<f32>,
    pub beta: Vec<f32>,
}

/// One encoder layer; `qkv` holds the query, key and value projections stacked.
#[derive(Debug)]
pub(crate) struct Layer {
    pub qkv: Linear,
    pub attention_out: Linear,
    pub attention_norm: Norm,
    pub intermediate: Linear,
    pub output: Linear,
    pub output_norm: Norm,
}

/// A loaded BERT encoder.
#[derive(Debug)]
pub struct Bert {
    pub(crate) config: BertConfig,
    pub(crate) word: Vec<f32>,
    pub(crate) position: Vec<f32>,
    pub(crate) token_type: Vec<f32>,
    pub(crate) embedding_norm: Norm,
    pub(crate) layers: Vec<Layer>,
}

impl Bert {
    /// Loads and shape-checks every tensor; the dimensions are read from the shapes.
    pub fn load(file: &SafeTensors<'_>) -> Result<Bert> {
        let prefix = if file.info("embeddings.word_embeddings.weight").is_ok() {
            ""
        } else {
            "bert."
        };
        let name = |suffix: &str| format!("{prefix}{suffix}");
        let word_info = file.info(&name("embeddings.word_embeddings.weight"))?;
        let (vocab, hidden) = matrix_shape(&word_info.name, &word_info.shape)?;
        let position_info = file.info(&name("embeddings.position_embeddings.weight"))?;
        let (max_positions, _) = matrix_shape(&position_info.name, &position_info.shape)?;
        let intermediate_info = file.info(&name("encoder.layer.0.intermediate.dense.weight"))?;
        let (intermediate, _) = matrix_shape(&intermediate_info.name, &intermediate_info.shape)?;
        let layers = (0..)
            .take_while(|i| {
                file.info(&name(&format!(
                    "encoder.layer.{i}.attention.self.query.weight"
                )))
                .is_ok()
            })
            .count();
        if hidden == 0 || hidden % HEADS != 0 || layers == 0 {
            return Err(Error::Unsupported {
                what: "BERT hidden size not a multiple of 12 heads, or no layers",
            });
        }
        let config = BertConfig {
            vocab,
            hidden,
            layers,
            heads: HEADS,
            intermediate,
            max_positions,
            eps: LAYER_NORM_EPS,
        };
        let norm = |base: &str| -> Result<Norm> {
            Ok(Norm {
                gamma: file.f32_tensor(&name(&format!("{base}.weight")), &[hidden])?,
                beta: file.f32_tensor(&name(&format!("{base}.bias")), &[hidden])?,
            })
        };
        let linear = |base: &str, outputs: usize, inputs: usize| -> Result<Linear> {
            Ok(Linear {
                weight: file.f32_tensor(&name(&format!("{base}.weight")), &[outputs, inputs])?,
                bias: file.f32_tensor(&name(&format!("{base}.bias")), &[outputs])?,
                inputs,
            })
        };
        let mut encoder = Vec::with_capacity(layers);
        for i in 0..layers {
            let base = format!("encoder.layer.{i}");
            let mut qkv = linear(&format!("{base}.attention.self.query"), hidden, hidden)?;
            for part in ["key", "value"] {
                let next = linear(&format!("{base}.attention.self.{part}"), hidden, hidden)?;
                qkv.weight.extend_from_slice(&next.weight);
                qkv.bias.extend_from_slice(&next.bias);
            }
            encoder.push(Layer {
                qkv,
                attention_out: linear(&format!("{base}.attention.output.dense"), hidden, hidden)?,
                attention_norm: norm(&format!("{base}.attention.output.LayerNorm"))?,
                intermediate: linear(&format!("{base}.intermediate.dense"), intermediate, hidden)?,
                output: linear(&format!("{base}.output.dense"), hidden, intermediate)?,
                output_norm: norm(&format!("{base}.output.LayerNorm"))?,
            });
        }
        Ok(Bert {
            word: file.f32_tensor(&word_info.name, &[vocab, hidden])?,
            position: file.f32_tensor(&position_info.name, &[max_positions, hidden])?,
            token_type: file.f32_tensor(
                &name("embeddings.token_type_embeddings.weight"),
                &[2, hidden],
            )?,
            embedding_norm: norm("embeddings.LayerNorm")?,
            layers: encoder,
            config,
        })
    }

    /// The model's dimensions.
    pub fn config(&self) -> BertConfig {
        self.config
    }
}

/// `(rows, columns)` of a 2-D tensor.
fn matrix_shape(name: &str, shape: &[usize]) -> Result<(usize, usize)> {
    match shape {
        [rows, columns] => Ok((*rows, *columns)),
        _ => Err(Error::ShapeMismatch {
            name: String::from(name),
            expected: Vec::from([0, 0]),
            found: shape.into(),
        }),
    }
}
