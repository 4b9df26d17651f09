//! The ML engine: model loaders, tokenizers, embeddings and a small LLM
#![no_std]
