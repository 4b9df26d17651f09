//! BERT sentence embeddings (all-MiniLM-L6-v2): weights from safetensors, the encoder
//! forward pass, mean pooling and L2 normalisation.

mod embedder;
mod forward;
mod weights;

pub use embedder::Embedder;
pub use weights::{Bert, BertConfig};
