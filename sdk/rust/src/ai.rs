//! The kernel's models (embeddings) and the memory fabric.

use crate::reply::query;
use crate::status::{check, check_wide};
use aios_abi::Error;
use aios_abi::payload::{MemoryHits, MemoryQueryRequest, MemoryStoreRequest};
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

/// Stores an entry in the memory region `region_cap` names (needs
/// `write`); with `embed_text`, the kernel embeds it (needs a Model
/// capability). Returns the entry's new version.
pub fn memory_store(region_cap: u32, request: &MemoryStoreRequest) -> Result<u64, Error> {
    let bytes = aios_abi::encode(request);
    // SAFETY: `bytes` is a live buffer the kernel only reads.
    check_wide(unsafe { crate::sys::memory_store(region_cap, bytes.as_ptr(), bytes.len()) })
}

/// Reads a key or queries the memory region `region_cap` names (needs
/// `read`): by tags, by similarity to a vector or to a text the kernel
/// embeds, best first.
pub fn memory_query(region_cap: u32, request: &MemoryQueryRequest) -> Result<MemoryHits, Error> {
    let bytes = aios_abi::encode(request);
    query(16 * 1024, |out| {
        // SAFETY: `bytes` is only read; `out` is a live, writable buffer of
        // `out.len()` bytes.
        unsafe {
            crate::sys::memory_query(
                region_cap,
                bytes.as_ptr(),
                bytes.len(),
                out.as_mut_ptr(),
                out.len(),
            )
        }
    })
}
