//! Hyper-parameters of a Llama-architecture model, read from GGUF metadata.

use crate::error::{Error, Result};
use crate::gguf::Gguf;

/// Largest dimension accepted from a file (guards allocations sized from metadata).
const MAX_DIM: u64 = 1 << 16;
/// Largest layer count accepted from a file.
const MAX_LAYERS: u64 = 512;

/// The shape of a Llama model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Config {
    /// Width of the residual stream (`llama.embedding_length`).
    pub embedding: usize,
    /// Number of transformer blocks.
    pub layers: usize,
    /// Query heads.
    pub heads: usize,
    /// Key/value heads (grouped-query attention when fewer than `heads`).
    pub kv_heads: usize,
    /// Width of one head.
    pub head_dim: usize,
    /// Hidden width of the feed-forward block.
    pub feed_forward: usize,
    /// Vocabulary size.
    pub vocab: usize,
    /// Longest context the model was trained for; sessions stop there.
    pub context: usize,
    /// RoPE base frequency.
    pub rope_theta: f32,
    /// Leading dimensions of each head that RoPE rotates.
    pub rope_dims: usize,
    /// RMSNorm epsilon.
    pub norm_eps: f32,
}

impl Config {
    /// Reads the `llama.*` keys; other architectures are unsupported.
    pub fn from_gguf(gguf: &Gguf<'_>) -> Result<Self> {
        if gguf.get_str("general.architecture")? != "llama" {
            return Err(Error::Unsupported {
                what: "model architecture other than llama",
            });
        }
        let dim = |key: &'static str| -> Result<usize> {
            match gguf.get_u64(key)? {
                0 => Err(Error::Malformed { what: key }),
                v if v > MAX_DIM => Err(Error::TooLarge { what: key }),
                v => Ok(v as usize),
            }
        };
        let embedding = dim("llama.embedding_length")?;
        let heads = dim("llama.attention.head_count")?;
        let kv_heads = dim("llama.attention.head_count_kv")?;
        let layers = gguf.get_u64("llama.block_count")?;
        if layers == 0 || layers > MAX_LAYERS {
            return Err(Error::Malformed {
                what: "llama.block_count",
            });
        }
        if !embedding.is_multiple_of(heads) || !heads.is_multiple_of(kv_heads) {
            return Err(Error::Malformed {
                what: "head counts do not divide the embedding",
            });
        }
        let head_dim = embedding / heads;
        let rope_dims = match gguf.get("llama.rope.dimension_count") {
            Some(v) => v.as_u64().ok_or(Error::Malformed {
                what: "llama.rope.dimension_count",
            })?,
            None => head_dim as u64,
        };
        if rope_dims == 0 || rope_dims % 2 != 0 || rope_dims > head_dim as u64 {
            return Err(Error::Malformed {
                what: "llama.rope.dimension_count",
            });
        }
        let rope_theta = match gguf.get("llama.rope.freq_base") {
            Some(v) => v.as_f32().ok_or(Error::Malformed {
                what: "llama.rope.freq_base",
            })?,
            None => 10_000.0,
        };
        let vocab = match gguf.get("llama.vocab_size") {
            Some(v) => v.as_u64().ok_or(Error::Malformed {
                what: "llama.vocab_size",
            })? as usize,
            None => 0,
        };
        let config = Config {
            embedding,
            layers: layers as usize,
            heads,
            kv_heads,
            head_dim,
            feed_forward: dim("llama.feed_forward_length")?,
            vocab,
            context: dim("llama.context_length")?,
            rope_theta,
            rope_dims: rope_dims as usize,
            norm_eps: gguf.get_f32("llama.attention.layer_norm_rms_epsilon")?,
        };
        if !(config.rope_theta > 0.0 && config.norm_eps >= 0.0) {
            return Err(Error::Malformed {
                what: "rope base or norm epsilon",
            });
        }
        let blocks = [embedding, config.feed_forward, config.kv_width()];
        if blocks.iter().any(|w| !w.is_multiple_of(32)) {
            return Err(Error::Unsupported {
                what: "widths not a multiple of the 32-element block",
            });
        }
        Ok(config)
    }

    /// Width of the key (and value) vector of one token in one layer.
    pub fn kv_width(&self) -> usize {
        self.kv_heads * self.head_dim
    }
}
