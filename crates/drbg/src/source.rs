//! Where raw entropy comes from.

/// A raw entropy source delivering 64-bit samples (the kernel's: RDSEED or
/// RDRAND words). Samples are health-tested before any reaches the
/// generator.
pub trait EntropySource: Send {
    /// One raw sample, or `None` when the source could not deliver one.
    fn sample(&mut self) -> Option<u64>;
}

impl<F: FnMut() -> Option<u64> + Send> EntropySource for F {
    fn sample(&mut self) -> Option<u64> {
        self()
    }
}
