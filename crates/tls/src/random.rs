//! Randomness comes from the caller: the kernel's DRBG, a test's seeded generator.

use core::fmt;

use rustls::crypto::{GetRandomFailed, SecureRandom};

/// A source of cryptographically secure random bytes, supplied by the caller.
///
/// The kernel implements it with its DRBG; this crate never reads RDRAND or
/// any other global source. Key shares, ML-KEM encapsulations, the hello
/// randoms and session ids all come from here.
pub trait Random: Send + Sync {
    /// Fills `destination` with random bytes, or reports that the source
    /// could not (for example, a DRBG whose health check failed).
    fn fill(&self, destination: &mut [u8]) -> Result<(), RandomUnavailable>;
}

/// The random source could not produce bytes; the handshake that asked fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RandomUnavailable;

/// The caller's source seen through rustls' `SecureRandom`.
#[derive(Clone, Copy)]
pub(crate) struct RandomSource(pub(crate) &'static dyn Random);

impl RandomSource {
    /// Returns `N` fresh random bytes.
    pub(crate) fn array<const N: usize>(&self) -> Result<[u8; N], rustls::Error> {
        let mut bytes = [0u8; N];
        self.0
            .fill(&mut bytes)
            .map_err(|RandomUnavailable| rustls::Error::FailedToGetRandomBytes)?;
        Ok(bytes)
    }
}

impl SecureRandom for RandomSource {
    fn fill(&self, destination: &mut [u8]) -> Result<(), GetRandomFailed> {
        self.0
            .fill(destination)
            .map_err(|RandomUnavailable| GetRandomFailed)
    }
}

impl fmt::Debug for RandomSource {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("RandomSource")
    }
}
