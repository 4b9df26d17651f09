//! What can go wrong: a source that fails, a generator that may not answer.

use core::fmt;

/// Why entropy could not be taken from a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntropyError {
    /// The source delivered no sample (the instruction is missing or kept
    /// failing).
    Unavailable,
    /// The Repetition Count Test failed: a sample repeated the previous one.
    RepetitionCount,
    /// The Adaptive Proportion Test failed: one byte value filled too much
    /// of a window.
    AdaptiveProportion,
}

/// Why the generator gave no output or did not (re)seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrbgError {
    /// The generator has never been seeded.
    NotSeeded,
    /// Seeding or an explicit reseed failed: the source failed.
    Entropy(EntropyError),
    /// A reseed was due and the source failed, so there is no output until
    /// a reseed succeeds.
    ReseedOverdue(EntropyError),
    /// Less entropy input than the security strength (32 bytes) was given.
    EntropyTooShort,
    /// One request asked for more than `MAX_REQUEST_BYTES`.
    RequestTooLarge,
}

impl fmt::Display for EntropyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EntropyError::Unavailable => "the source delivered no sample",
            EntropyError::RepetitionCount => "repetition count test failed (a repeated sample)",
            EntropyError::AdaptiveProportion => {
                "adaptive proportion test failed (one byte value too frequent)"
            }
        })
    }
}

impl fmt::Display for DrbgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DrbgError::NotSeeded => f.write_str("the generator is not seeded"),
            DrbgError::Entropy(e) => write!(f, "entropy source failed: {e}"),
            DrbgError::ReseedOverdue(e) => write!(f, "reseed overdue and the source failed: {e}"),
            DrbgError::EntropyTooShort => f.write_str("entropy input shorter than 32 bytes"),
            DrbgError::RequestTooLarge => f.write_str("request larger than 64 KiB"),
        }
    }
}
