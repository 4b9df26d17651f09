//! The generator the kernel holds globally: an [`HmacDrbg`] behind a lock,
//! with its entropy source, the health tests on that source and the
//! reseed policy.

use crate::health::{HealthTests, STARTUP_WORDS};
use crate::hmac_drbg::{HmacDrbg, MAX_REQUEST_BYTES};
use crate::{DrbgError, EntropyError, EntropySource};
use alloc::boxed::Box;
use alloc::vec;
use spin::Mutex;
use zeroize::Zeroize;

/// Requests answered between two reseeds from the source: at most
/// 1024 x 64 KiB = 64 MiB of output per seed, far inside SP 800-90A's
/// 2^48 requests, so that fresh entropy reaches the state often while a
/// reseed (16 hardware words) stays rare enough to cost nothing.
pub const RESEED_INTERVAL: u64 = 1024;

/// Words drawn for a reseed: 1024 bits, 512 at the claimed 32 bits per
/// word, twice the security strength.
pub const RESEED_WORDS: usize = 16;

/// Bytes kept from the seeding run as the instantiation nonce (SP 800-90A
/// 8.6.7 lets the nonce come from the entropy source): 128 bits.
const NONCE_BYTES: usize = 16;

/// What an operator may want to know about the generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// Whether it has been seeded (and so gives output).
    pub seeded: bool,
    /// Successful reseeds since it was seeded.
    pub reseeds: u64,
    /// Requests answered since the last seed or reseed.
    pub requests_since_reseed: u64,
    /// Samples that failed a health test, over its lifetime.
    pub health_failures: u64,
    /// Times the source delivered no sample.
    pub source_unavailable: u64,
    /// The most recent failure of the source, if any.
    pub last_failure: Option<EntropyError>,
}

struct Inner {
    state: Option<HmacDrbg>,
    source: Option<Box<dyn EntropySource>>,
    health: HealthTests,
    reseeds: u64,
    health_failures: u64,
    source_unavailable: u64,
    last_failure: Option<EntropyError>,
}

/// A thread-safe HMAC_DRBG that seeds and reseeds itself from a
/// health-tested [`EntropySource`]. Not for interrupt handlers: it holds a
/// spin lock while it draws from the source.
pub struct Drbg {
    inner: Mutex<Inner>,
    reseed_interval: u64,
}

impl Default for Drbg {
    fn default() -> Self {
        Drbg::new()
    }
}

impl Drbg {
    /// An unseeded generator reseeding every [`RESEED_INTERVAL`] requests.
    pub const fn new() -> Self {
        Drbg::with_reseed_interval(RESEED_INTERVAL)
    }

    /// An unseeded generator reseeding every `requests` requests (at
    /// least 1).
    pub const fn with_reseed_interval(requests: u64) -> Self {
        Drbg {
            inner: Mutex::new(Inner {
                state: None,
                source: None,
                health: HealthTests::new(),
                reseeds: 0,
                health_failures: 0,
                source_unavailable: 0,
                last_failure: None,
            }),
            reseed_interval: if requests == 0 { 1 } else { requests },
        }
    }

    /// Seeds from `source` after its start-up health test
    /// ([`STARTUP_WORDS`] words, all of which become the seed) and keeps
    /// it for reseeding. If the source fails, the generator and its
    /// previous source, if any, are left as they were.
    pub fn seed(
        &self,
        mut source: Box<dyn EntropySource>,
        personalization: &[u8],
    ) -> Result<(), DrbgError> {
        let mut inner = self.inner.lock();
        let mut health = HealthTests::new();
        let mut entropy = vec![0u8; STARTUP_WORDS * 8];
        let drawn = draw(source.as_mut(), &mut health, &mut entropy);
        if let Err(e) = drawn {
            entropy.as_mut_slice().zeroize();
            inner.count_failure(e);
            return Err(DrbgError::Entropy(e));
        }
        let (input, nonce) = entropy.split_at(entropy.len() - NONCE_BYTES);
        let state = HmacDrbg::new(input, nonce, personalization);
        entropy.as_mut_slice().zeroize();
        inner.state = Some(state?);
        inner.source = Some(source);
        inner.health = health;
        inner.reseeds = 0;
        Ok(())
    }

    /// Reseeds now from the source.
    pub fn reseed(&self) -> Result<(), DrbgError> {
        self.inner.lock().reseed()
    }

    /// Fills `out` with output, reseeding first when the reseed counter
    /// says so. On error `out` is zeroed: no partial output.
    pub fn fill(&self, out: &mut [u8]) -> Result<(), DrbgError> {
        let result = self.inner.lock().fill(out, self.reseed_interval);
        if result.is_err() {
            out.zeroize();
        }
        result
    }

    /// The generator's counters.
    pub fn status(&self) -> Status {
        let inner = self.inner.lock();
        Status {
            seeded: inner.state.is_some(),
            reseeds: inner.reseeds,
            requests_since_reseed: inner
                .state
                .as_ref()
                .map_or(0, HmacDrbg::requests_since_reseed),
            health_failures: inner.health_failures,
            source_unavailable: inner.source_unavailable,
            last_failure: inner.last_failure,
        }
    }
}

impl Inner {
    fn fill(&mut self, out: &mut [u8], reseed_interval: u64) -> Result<(), DrbgError> {
        if self.state.is_none() {
            return Err(DrbgError::NotSeeded);
        }
        for chunk in out.chunks_mut(MAX_REQUEST_BYTES) {
            let due = self
                .state
                .as_ref()
                .is_some_and(|state| state.requests_since_reseed() >= reseed_interval);
            if due {
                self.reseed().map_err(|e| match e {
                    DrbgError::Entropy(e) => DrbgError::ReseedOverdue(e),
                    other => other,
                })?;
            }
            let state = self.state.as_mut().ok_or(DrbgError::NotSeeded)?;
            state.generate(chunk, &[])?;
        }
        Ok(())
    }

    fn reseed(&mut self) -> Result<(), DrbgError> {
        let (Some(state), Some(source)) = (self.state.as_mut(), self.source.as_mut()) else {
            return Err(DrbgError::NotSeeded);
        };
        // After a failure the tests demand a whole start-up run again.
        let words = RESEED_WORDS.max(self.health.startup_remaining());
        let mut entropy = vec![0u8; words * 8];
        let entropy_input = entropy.as_mut_slice();
        let drawn = draw(source.as_mut(), &mut self.health, entropy_input)
            .map_err(DrbgError::Entropy)
            .and_then(|()| state.reseed(entropy_input, &[]));
        entropy.as_mut_slice().zeroize();
        match drawn {
            Ok(()) => {
                self.reseeds = self.reseeds.saturating_add(1);
                Ok(())
            }
            Err(DrbgError::Entropy(e)) => {
                self.count_failure(e);
                Err(DrbgError::Entropy(e))
            }
            Err(other) => Err(other),
        }
    }

    fn count_failure(&mut self, error: EntropyError) {
        match error {
            EntropyError::Unavailable => {
                self.source_unavailable = self.source_unavailable.saturating_add(1);
            }
            EntropyError::RepetitionCount | EntropyError::AdaptiveProportion => {
                self.health_failures = self.health_failures.saturating_add(1);
            }
        }
        self.last_failure = Some(error);
    }
}

/// Fills `out` (a whole number of words) from `source`, every word
/// health-tested first.
fn draw(
    source: &mut dyn EntropySource,
    health: &mut HealthTests,
    out: &mut [u8],
) -> Result<(), EntropyError> {
    for chunk in out.chunks_exact_mut(8) {
        let word = source.sample().ok_or(EntropyError::Unavailable)?;
        health.check(word)?;
        chunk.copy_from_slice(&word.to_le_bytes());
    }
    Ok(())
}
