//! The kernel's deterministic random bit generator: HMAC_DRBG with
//! SHA-256 (NIST SP 800-90A rev. 1, section 10.1.2), seeded and reseeded
//! from an entropy source whose raw samples pass the SP 800-90B continuous
//! health tests. See `docs/random.md`.
//!
//! Why HMAC_DRBG: it is a NIST-approved construction whose only primitive
//! is HMAC-SHA-256 (RustCrypto `hmac` and `sha2`, the versions `aios-tls`
//! uses), so next to TLS the generator adds no cipher code, and its output can be checked against NIST's CAVP
//! known-answer vectors. The construction is short (an `update` and a
//! `generate`), so it is written here on top of `hmac` rather than taken
//! from the `hmac-drbg` crate, whose latest release (0.3.0) is built on
//! `hmac` 0.8 and `digest` 0.9 and would put a second generation of them
//! in the kernel. Its state is updated after every request, so a state
//! that leaks later does not reveal earlier output (forward secrecy).
//!
//! The crate holds no hardware: the entropy source is an
//! [`EntropySource`] the caller provides (the kernel: RDSEED or RDRAND;
//! tests: fakes that can be stuck, biased or empty).
#![no_std]

extern crate alloc;

mod error;
mod generator;
mod health;
mod hmac_drbg;
mod source;

pub use error::{DrbgError, EntropyError};
pub use generator::{Drbg, RESEED_INTERVAL, RESEED_WORDS, Status};
pub use health::{
    ADAPTIVE_PROPORTION_CUTOFF, ADAPTIVE_PROPORTION_WINDOW, HealthTests, REPETITION_CUTOFF,
    STARTUP_WORDS,
};
pub use hmac_drbg::{HmacDrbg, MAX_REQUEST_BYTES, SECURITY_STRENGTH_BYTES};
pub use source::EntropySource;
