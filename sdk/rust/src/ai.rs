//! The kernel's models: embeddings.

use crate::status::check;
use aios_abi::Error;
use std::vec::Vec;

/// Most values an embedding has (the kernel's model gives 384).
const MAX_DIM: usize = 4096;

/// Embeds `text` with the kernel's embedding model (needs `read` on a
/// Model capability; its quota is a token budget). The vector has unit
/// length. `Error::Unavailable` means the model is not installed.
pub fn embed(model_cap: u32, text: &str) -> Result<Vec<f32>, Error> {
    let mut out = vec![0u8; MAX_DIM * 4];
    // SAFETY: `text` is a live buffer the kernel only reads; `out` a live,
    // writable one of `out.len()` bytes it writes at most that many of.
    let ret = unsafe {
        crate::sys::embed(
            model_cap,
            text.as_ptr(),
            text.len(),
            out.as_mut_ptr(),
            out.len(),
        )
    };
    let count = check(ret)? as usize;
    Ok(out[..count.min(MAX_DIM) * 4]
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}
