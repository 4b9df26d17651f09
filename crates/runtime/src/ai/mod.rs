//! AI inside the kernel: the embedding model, loaded on first use from
//! the store's kernel namespace `aios.models`, the `embed` syscall's
//! work, and the memory fabric. Without the model the AI syscalls answer `Unavailable` ("model
//! not installed").

mod memory;
mod models;
mod routing;

pub(crate) use memory::{Memory, actor, to_abi};
pub(crate) use models::{EMBED_MODEL, Models};
