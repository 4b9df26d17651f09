//! The ML engine's error type: every way a model file, a tokenizer or an input can be refused.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Everything the ML engine can refuse. Loaders never panic on bad input: they return one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The input ended before `what` was complete.
    Truncated {
        /// The structure that was cut short.
        what: &'static str,
    },
    /// The input is structurally wrong: `what` names the broken part.
    Malformed {
        /// The structure that is invalid.
        what: &'static str,
    },
    /// The input is valid but uses something this engine does not implement.
    Unsupported {
        /// The unsupported feature (a dtype, an architecture, a tokenizer model...).
        what: &'static str,
    },
    /// A tensor the model needs is absent from the file.
    MissingTensor {
        /// The tensor's name in the file.
        name: String,
    },
    /// A tensor has a different shape from the one the model expects.
    ShapeMismatch {
        /// The tensor's name in the file.
        name: String,
        /// The shape the model needs.
        expected: Vec<usize>,
        /// The shape found in the file.
        found: Vec<usize>,
    },
    /// Two buffers handed to a compute kernel do not have compatible lengths.
    LengthMismatch {
        /// The operation that was called.
        what: &'static str,
        /// The length it needed.
        expected: usize,
        /// The length it was given.
        found: usize,
    },
    /// A metadata key the model needs is absent from the file.
    MissingMetadata {
        /// The key, e.g. `llama.embedding_length`.
        key: &'static str,
    },
    /// A size computed from the input overflows or exceeds what this engine accepts.
    TooLarge {
        /// The quantity that is too large.
        what: &'static str,
    },
}

/// The ML engine's result type.
pub type Result<T> = core::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated { what } => write!(f, "truncated input: {what} is cut short"),
            Error::Malformed { what } => write!(f, "malformed input: {what}"),
            Error::Unsupported { what } => write!(f, "unsupported: {what}"),
            Error::MissingTensor { name } => write!(f, "missing tensor {name}"),
            Error::ShapeMismatch {
                name,
                expected,
                found,
            } => write!(
                f,
                "tensor {name} has shape {found:?}, expected {expected:?}"
            ),
            Error::LengthMismatch {
                what,
                expected,
                found,
            } => write!(f, "{what}: length {found}, expected {expected}"),
            Error::MissingMetadata { key } => write!(f, "missing metadata key {key}"),
            Error::TooLarge { what } => write!(f, "too large: {what}"),
        }
    }
}

impl core::error::Error for Error {}
