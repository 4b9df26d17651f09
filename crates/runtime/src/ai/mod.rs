//! AI inside the kernel: the models, loaded on first use from the
//! store's kernel namespace `aios.models`, the `embed` syscall's work,
//! the inference scheduler behind `infer`, and the memory fabric.
//! Without a model the AI syscalls answer `Unavailable` ("model not
//! installed").

mod infer;
mod memory;
mod models;
mod persist;
mod routing;

pub use infer::InferenceStats;
pub(crate) use infer::{Inference, Submission};
pub(crate) use memory::{Memory, actor, hit, to_abi};
pub(crate) use models::{EMBED_MODEL, LLM_MODEL, Models};
