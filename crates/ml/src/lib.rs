//! The ML engine: model loaders, tokenizers, embeddings and a small LLM.
#![no_std]

extern crate alloc;
#[cfg(test)]
extern crate std;

pub mod bert;
pub mod bpe;
pub mod error;
pub mod gguf;
pub mod json;
pub mod kernels;
pub mod llama;
pub mod quant;
pub mod safetensors;
pub mod sample;
pub mod wordpiece;

pub use bert::Embedder;
pub use error::{Error, Result};
pub use kernels::Backend;
pub use llama::{Decoder, Generator, Llm, MICRO_BATCH, Message, Order, Role, Session, Step};
pub use sample::SamplerConfig;
