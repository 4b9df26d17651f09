//! The kernel's random numbers: one HMAC_DRBG (`aios-drbg`) seeded at boot
//! from health-tested RDSEED words (RDRAND without RDSEED) and reseeded
//! from the same source by its reseed counter. Keys, nonces and seeds come
//! from here, never from raw hardware words. See `docs/random.md`.
//!
//! Without a healthy hardware source the kernel still boots: it seeds from
//! time-stamp-counter jitter, says so in a warning at boot, and reports
//! the generator as weak in [`status`] (and the console's `info`), so that
//! an operator, or a caller making long-lived keys, can tell. If even the
//! jitter fails its health test, the generator stays unseeded and [`fill`]
//! returns an error.

use aios_drbg::{Drbg, DrbgError, RESEED_INTERVAL, STARTUP_WORDS};
use aios_hal::entropy::{self, Source};
use alloc::boxed::Box;
use core::fmt;
use spin::Once;

static DRBG: Drbg = Drbg::new();

/// The source the generator was seeded from, and reseeds from.
static SOURCE: Once<Source> = Once::new();

/// Where the generator's entropy comes from and how it has fared.
#[derive(Debug, Clone, Copy)]
pub struct Status {
    /// The source it was seeded from (`None`: not seeded).
    pub source: Option<Source>,
    /// The generator's counters.
    pub drbg: aios_drbg::Status,
}

impl Status {
    /// Seeded from TSC jitter, not from the CPU's random-number hardware.
    pub fn is_weak(&self) -> bool {
        self.source == Some(Source::TscJitter)
    }
}

/// Seeds the generator: RDSEED, else RDRAND, else (with a warning) TSC
/// jitter. Logs the outcome. Called once, early in boot.
pub fn init() {
    let personalization = personalization();
    for source in [Source::Rdseed, Source::Rdrand] {
        if !source.available() {
            continue;
        }
        match seed(source, &personalization) {
            Ok(()) => {
                crate::info!("random: {}", status());
                return;
            }
            Err(e) => crate::warn!("random: {} unusable: {}", source.name(), e),
        }
    }
    if entropy::best_hardware().is_none() {
        crate::warn!("random: the CPU has neither RDSEED nor RDRAND");
    }
    match seed(Source::TscJitter, &personalization) {
        Ok(()) => crate::warn!(
            "random: WEAK: {}; jitter is guessable (and repeats under -icount): keys made on this boot are not secret",
            status()
        ),
        Err(e) => crate::error!(
            "random: TSC jitter unusable too ({}): no random numbers; keys, network and TLS will fail",
            e
        ),
    }
}

fn seed(source: Source, personalization: &[u8]) -> Result<(), DrbgError> {
    DRBG.seed(Box::new(move || entropy::sample(source)), personalization)?;
    SOURCE.call_once(|| source);
    Ok(())
}

/// SP 800-90A's personalization string: a constant naming the use and the
/// time-stamp counter, which keeps two seedings apart even if a source
/// repeated itself across boots.
fn personalization() -> [u8; 24] {
    let mut text = *b"AIOS kernel DRBG\0\0\0\0\0\0\0\0";
    text[16..].copy_from_slice(&aios_hal::cpu::rdtsc().to_le_bytes());
    text
}

/// Fills `out` with random bytes from the kernel's generator; an error
/// (and zeroed `out`) if it is unseeded, or a reseed was due and the
/// source failed its health test.
pub fn fill(out: &mut [u8]) -> Result<(), DrbgError> {
    DRBG.fill(out)
}

/// The generator's source and counters.
pub fn status() -> Status {
    Status {
        source: SOURCE.get().copied(),
        drbg: DRBG.status(),
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(source) = self.source.filter(|_| self.drbg.seeded) else {
            return write!(
                f,
                "HMAC_DRBG-SHA256 not seeded, {} health failures, {} times no sample",
                self.drbg.health_failures, self.drbg.source_unavailable
            );
        };
        write!(
            f,
            "HMAC_DRBG-SHA256 seeded from {} ({} health-tested words{}), reseeded {} times (every {} requests), {} health failures, {} times no sample",
            source.name(),
            STARTUP_WORDS,
            if self.is_weak() { ", weak" } else { "" },
            self.drbg.reseeds,
            RESEED_INTERVAL,
            self.drbg.health_failures,
            self.drbg.source_unavailable
        )?;
        if let Some(failure) = self.drbg.last_failure {
            write!(f, "; last failure: {}", failure)?;
        }
        Ok(())
    }
}
