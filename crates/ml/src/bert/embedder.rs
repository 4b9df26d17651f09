//! Sentence embeddings: WordPiece tokens through the BERT encoder, mean-pooled and
//! L2-normalised, as sentence-transformers does for all-MiniLM-L6-v2.

use super::weights::Bert;
use crate::error::{Error, Result};
use crate::kernels::{self, Backend};
use crate::safetensors::SafeTensors;
use crate::wordpiece::WordPiece;
use alloc::vec;
use alloc::vec::Vec;

/// A sentence-embedding model: tokenizer plus encoder.
#[derive(Debug)]
pub struct Embedder {
    tokenizer: WordPiece,
    model: Bert,
}

impl Embedder {
    /// Loads the model from a safetensors file and a `tokenizer.json`, checking that every
    /// id the tokenizer can produce has an embedding row.
    pub fn load(safetensors: &[u8], tokenizer_json: &[u8]) -> Result<Embedder> {
        let tokenizer = WordPiece::from_json(tokenizer_json)?;
        let model = Bert::load(&SafeTensors::parse(safetensors)?)?;
        if tokenizer
            .max_id()
            .is_some_and(|id| id as usize >= model.config().vocab)
        {
            return Err(Error::Malformed {
                what: "tokenizer ids exceed the model's vocabulary",
            });
        }
        Ok(Embedder { tokenizer, model })
    }

    /// The unit-length embedding of `text` (`dim()` values). `backend` chooses the
    /// kernels; in the AIOS kernel, pass [`Backend::Avx2`] only inside an FPU section.
    pub fn embed(&self, text: &str, backend: Backend) -> Result<Vec<f32>> {
        let ids = self.tokenizer.encode(text);
        self.embed_ids(&ids, backend)
    }

    /// The unit-length embedding of an already tokenized sequence.
    pub fn embed_ids(&self, ids: &[u32], backend: Backend) -> Result<Vec<f32>> {
        let hidden = self.dim();
        if ids.is_empty() {
            return Err(Error::Malformed {
                what: "empty token sequence",
            });
        }
        let states = self.model.forward(ids, backend)?;
        let mut pooled = vec![0.0f32; hidden];
        for row in states.chunks_exact(hidden) {
            for (sum, value) in pooled.iter_mut().zip(row) {
                *sum += value;
            }
        }
        let count = ids.len() as f32;
        pooled.iter_mut().for_each(|v| *v /= count);
        kernels::l2_normalize(&mut pooled);
        Ok(pooled)
    }

    /// Number of values in an embedding (384 for all-MiniLM-L6-v2).
    pub fn dim(&self) -> usize {
        self.model.config().hidden
    }

    /// The tokenizer, e.g. to count tokens before embedding.
    pub fn tokenizer(&self) -> &WordPiece {
        &self.tokenizer
    }

    /// The encoder.
    pub fn model(&self) -> &Bert {
        &self.model
    }
}
