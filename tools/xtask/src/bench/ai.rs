//! The `ai` suite. On the host, side by side in one run: AIOS's LLM
//! (single thread, prompt and generation apart) against llama.cpp on the
//! same GGUF, its embeddings against sentence-transformers, and its HNSW
//! index against hnswlib (M 16, ef_construction 200, queries per second
//! at the first ef reaching recall@10 >= 0.95, and build time); each
//! figure with the reference's and their ratio (above 1: AIOS is faster).
//! In the guest: the kernel's own models, tokens per second and
//! instructions per token (`guest.rs`).

mod compare;
mod guest;
mod host;
mod parse;
mod python;

use super::Measure;
use crate::error::Error;
use crate::paths::Paths;

/// Measures everything; a reference that cannot be installed or run is
/// reported and its figures are `null`.
pub fn run(paths: &Paths) -> Result<Vec<Measure>, Error> {
    let files = crate::models::fetch(paths)
        .map_err(|why| Error::Setup(format!("the models are needed: {why}")))?;
    println!("xtask: [host] AIOS and the references, one program at a time …");
    let host = host::run(paths)?;
    let mut measures = compare::host_measures(&host);
    measures.extend(guest::run(paths, &files)?);
    Ok(measures)
}
