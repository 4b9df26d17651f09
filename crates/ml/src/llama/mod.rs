//! A Llama-architecture language model (SmolLM2) running from a GGUF file.

mod attention;
mod batch;
mod chat;
mod config;
mod decode;
mod forward;
mod generate;
mod session;
mod trig;
mod weights;

pub use attention::Order;
pub use chat::{Message, Role};
pub use config::Config;
pub use decode::{Decoder, Step};
pub use forward::MICRO_BATCH;
pub use generate::Generator;
pub use session::Session;

use crate::bpe::Tokenizer;
use crate::error::{Error, Result};
use crate::gguf::Gguf;
use alloc::vec::Vec;
use weights::Weights;

/// A loaded model: configuration, tokenizer and weights borrowed from the file bytes.
#[derive(Debug)]
pub struct Llm<'a> {
    /// The model's hyper-parameters.
    pub config: Config,
    /// The model's tokenizer.
    pub tokenizer: Tokenizer<'a>,
    weights: Weights<'a>,
    /// Every f16 bit pattern widened to f32: the attention reads the f16 KV cache
    /// through it (256 KiB, far cheaper than converting each element every step).
    half_table: Vec<f32>,
}

impl<'a> Llm<'a> {
    /// Parses and validates a GGUF file and wires up the model without copying weights.
    pub fn load(gguf_bytes: &'a [u8]) -> Result<Self> {
        let gguf = Gguf::parse(gguf_bytes)?;
        let mut config = Config::from_gguf(&gguf)?;
        let tokenizer = Tokenizer::from_gguf(&gguf)?;
        match config.vocab {
            0 => config.vocab = tokenizer.vocab_size(),
            v if v != tokenizer.vocab_size() => {
                return Err(Error::Malformed {
                    what: "vocab_size differs from the tokenizer",
                });
            }
            _ => {}
        }
        let weights = Weights::from_gguf(&gguf, &config)?;
        let half_table = (0..=u16::MAX).map(crate::quant::f16_to_f32).collect();
        Ok(Llm {
            config,
            tokenizer,
            weights,
            half_table,
        })
    }

    /// A fresh session with an empty KV cache.
    pub fn new_session(&self) -> Session<'_, 'a> {
        Session::new(self)
    }
}
