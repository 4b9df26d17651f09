//! A conversation's state: the tokens seen so far and their keys and values (the KV
//! cache), which can be saved to bytes and restored later, like a context switch.

use alloc::vec::Vec;

use super::Llm;
use super::attention::Order;
use crate::error::{Error, Result};
use crate::kernels::Backend;

/// Magic at the start of a saved session.
const MAGIC: &[u8; 4] = b"AIKV";
/// Version of the saved-session layout.
const VERSION: u32 = 1;
/// Header: magic, version, layers, kv width, context, vocabulary, token count.
const HEADER_BYTES: usize = 4 + 4 * 6;

/// The state of one sequence being evaluated by an [`Llm`].
#[derive(Debug, Clone)]
pub struct Session<'m, 'a> {
    pub(crate) llm: &'m Llm<'a>,
    pub(crate) tokens: Vec<u32>,
    /// Per layer: `tokens.len() × kv_width` keys (after RoPE), as f16 bits.
    pub(crate) keys: Vec<Vec<u16>>,
    /// Per layer: `tokens.len() × kv_width` values, as f16 bits.
    pub(crate) values: Vec<Vec<u16>>,
}

impl<'m, 'a> Session<'m, 'a> {
    /// An empty session for `llm`.
    pub(crate) fn new(llm: &'m Llm<'a>) -> Self {
        let layers = llm.config.layers;
        Session {
            llm,
            tokens: Vec::new(),
            keys: (0..layers).map(|_| Vec::new()).collect(),
            values: (0..layers).map(|_| Vec::new()).collect(),
        }
    }

    /// The tokens evaluated so far.
    pub fn tokens(&self) -> &[u32] {
        &self.tokens
    }

    /// How many more tokens fit before the model's context length.
    pub fn remaining_context(&self) -> usize {
        self.llm.config.context.saturating_sub(self.tokens.len())
    }

    /// Evaluates `tokens` after those already seen and returns the logits
    /// (one per vocabulary entry) predicting the token that follows the last one.
    /// The tokens are evaluated as llama.cpp's `llama_decode` evaluates one batch
    /// (micro-batches of [`MICRO_BATCH`](super::MICRO_BATCH)), so a prompt fed whole and
    /// then one token per step reproduces its logits bit for bit.
    pub fn feed(&mut self, tokens: &[u32], backend: Backend) -> Result<Vec<f32>> {
        super::forward::forward(self, tokens, (backend, None))
    }

    /// Like [`Session::feed`] for a piece of a larger batch: every token is computed in
    /// `order`, the order of the micro-batch the piece belongs to. A scheduler that
    /// evaluates a prompt a few tokens at a time passes `Order::for_batch` of the whole
    /// micro-batch, so the result equals feeding the prompt at once.
    pub fn feed_as(&mut self, tokens: &[u32], order: Order, backend: Backend) -> Result<Vec<f32>> {
        super::forward::forward(self, tokens, (backend, Some(order)))
    }

    /// Serialises the session (tokens and KV cache) to bytes.
    pub fn save(&self) -> Vec<u8> {
        let c = &self.llm.config;
        let cache: usize = self.keys.iter().chain(&self.values).map(Vec::len).sum();
        let mut out = Vec::with_capacity(HEADER_BYTES + 4 * self.tokens.len() + 2 * cache);
        out.extend_from_slice(MAGIC);
        for v in [
            VERSION,
            c.layers as u32,
            c.kv_width() as u32,
            c.context as u32,
            c.vocab as u32,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&(self.tokens.len() as u32).to_le_bytes());
        for t in &self.tokens {
            out.extend_from_slice(&t.to_le_bytes());
        }
        for layer in self.keys.iter().chain(&self.values) {
            for h in layer {
                out.extend_from_slice(&h.to_le_bytes());
            }
        }
        out
    }

    /// Rebuilds a session saved by [`Session::save`] for the same model; a saved
    /// session of another model shape, or damaged bytes, is refused.
    pub fn restore(llm: &'m Llm<'a>, bytes: &[u8]) -> Result<Self> {
        let c = &llm.config;
        let word = |i: usize| -> Result<u32> {
            let b = bytes.get(i..i + 4).ok_or(Error::Truncated {
                what: "saved session header",
            })?;
            Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        if bytes.get(..4) != Some(MAGIC.as_slice()) {
            return Err(Error::Malformed {
                what: "saved session: bad magic",
            });
        }
        if word(4)? != VERSION {
            return Err(Error::Unsupported {
                what: "saved session version",
            });
        }
        let shape = [c.layers, c.kv_width(), c.context, c.vocab];
        for (i, expected) in shape.into_iter().enumerate() {
            if word(8 + 4 * i)? as usize != expected {
                return Err(Error::Malformed {
                    what: "saved session belongs to another model",
                });
            }
        }
        let count = word(24)? as usize;
        if count > c.context {
            return Err(Error::Malformed {
                what: "saved session longer than the context",
            });
        }
        let too_large = Error::TooLarge {
            what: "saved session size",
        };
        let per_layer = count.checked_mul(c.kv_width()).ok_or(too_large.clone())?;
        let expected = per_layer
            .checked_mul(2 * 2 * c.layers)
            .and_then(|kv| kv.checked_add(HEADER_BYTES + 4 * count))
            .ok_or(too_large)?;
        if bytes.len() != expected {
            return Err(Error::Truncated {
                what: "saved session length",
            });
        }
        let (token_bytes, cache) = bytes[HEADER_BYTES..].split_at(4 * count);
        let tokens: Vec<u32> = token_bytes
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if tokens.iter().any(|&t| t as usize >= c.vocab) {
            return Err(Error::Malformed {
                what: "saved session token out of range",
            });
        }
        let mut layers = cache.chunks_exact(2 * per_layer.max(1)).map(|layer| {
            layer
                .chunks_exact(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
                .collect::<Vec<u16>>()
        });
        let (keys, values): (Vec<_>, Vec<_>) = if per_layer == 0 {
            (
                (0..c.layers).map(|_| Vec::new()).collect(),
                (0..c.layers).map(|_| Vec::new()).collect(),
            )
        } else {
            let keys = layers.by_ref().take(c.layers).collect();
            (keys, layers.collect())
        };
        Ok(Session {
            llm,
            tokens,
            keys,
            values,
        })
    }
}
