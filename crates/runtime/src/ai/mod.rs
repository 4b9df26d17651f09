//! AI inside the kernel: the embedding model, loaded on first use from
//! the store's kernel namespace `aios.models`, and the `embed` syscall's
//! work. Without the model the AI syscalls answer `Unavailable` ("model
//! not installed").

mod models;

pub(crate) use models::{EMBED_MODEL, Models};
