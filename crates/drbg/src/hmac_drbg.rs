//! HMAC_DRBG with SHA-256, as NIST SP 800-90A rev. 1, section 10.1.2
//! specifies it (no prediction resistance; the caller decides when to
//! reseed).

use crate::DrbgError;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use zeroize::Zeroize;

type HmacSha256 = Hmac<Sha256>;

/// The security strength of HMAC_DRBG with SHA-256, in bytes (256 bits):
/// the least entropy input accepted when seeding or reseeding.
pub const SECURITY_STRENGTH_BYTES: usize = 32;

/// The most one request may ask for: SP 800-90A's
/// `max_number_of_bits_per_request` for HMAC_DRBG, 2^19 bits.
pub const MAX_REQUEST_BYTES: usize = 1 << 16;

/// The generator's working state: the key `K`, the value `V` and the
/// number of requests since the last (re)seed. Wiped when dropped.
pub struct HmacDrbg {
    key: [u8; 32],
    value: [u8; 32],
    requests_since_reseed: u64,
}

impl HmacDrbg {
    /// Instantiates from `entropy` (at least [`SECURITY_STRENGTH_BYTES`]),
    /// a `nonce` and an optional `personalization` string.
    pub fn new(entropy: &[u8], nonce: &[u8], personalization: &[u8]) -> Result<Self, DrbgError> {
        if entropy.len() < SECURITY_STRENGTH_BYTES {
            return Err(DrbgError::EntropyTooShort);
        }
        let mut drbg = HmacDrbg {
            key: [0x00; 32],
            value: [0x01; 32],
            requests_since_reseed: 0,
        };
        drbg.update(&[entropy, nonce, personalization]);
        Ok(drbg)
    }

    /// Mixes in fresh `entropy` (at least [`SECURITY_STRENGTH_BYTES`]) and
    /// optional `additional` input, and restarts the request count.
    pub fn reseed(&mut self, entropy: &[u8], additional: &[u8]) -> Result<(), DrbgError> {
        if entropy.len() < SECURITY_STRENGTH_BYTES {
            return Err(DrbgError::EntropyTooShort);
        }
        self.update(&[entropy, additional]);
        self.requests_since_reseed = 0;
        Ok(())
    }

    /// Fills `out` (at most [`MAX_REQUEST_BYTES`]) with output, then moves
    /// the state on so that this output cannot be recomputed from it.
    pub fn generate(&mut self, out: &mut [u8], additional: &[u8]) -> Result<(), DrbgError> {
        if out.len() > MAX_REQUEST_BYTES {
            return Err(DrbgError::RequestTooLarge);
        }
        if !additional.is_empty() {
            self.update(&[additional]);
        }
        for chunk in out.chunks_mut(32) {
            self.value = hmac(&self.key, &[&self.value]);
            chunk.copy_from_slice(&self.value[..chunk.len()]);
        }
        self.update(&[additional]);
        self.requests_since_reseed = self.requests_since_reseed.saturating_add(1);
        Ok(())
    }

    /// Requests answered since the last seed or reseed.
    pub fn requests_since_reseed(&self) -> u64 {
        self.requests_since_reseed
    }

    /// HMAC_DRBG_Update with `provided` (the concatenation of the parts).
    fn update(&mut self, provided: &[&[u8]]) {
        let provided_is_empty = provided.iter().all(|part| part.is_empty());
        for round in [0x00u8, 0x01] {
            if round == 0x01 && provided_is_empty {
                break;
            }
            let mut parts: [&[u8]; 5] = [&[]; 5];
            parts[0] = &self.value;
            parts[1] = core::slice::from_ref(&round);
            for (slot, part) in parts[2..].iter_mut().zip(provided) {
                *slot = part;
            }
            self.key = hmac(&self.key, &parts);
            self.value = hmac(&self.key, &[&self.value]);
        }
    }
}

impl Drop for HmacDrbg {
    fn drop(&mut self) {
        self.key.zeroize();
        self.value.zeroize();
    }
}

/// HMAC-SHA-256 under a 32-byte key of the concatenation of `parts`.
fn hmac(key: &[u8; 32], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC pads a key shorter than the block with zeros, so the 32-byte
    // key zero-extended to the 64-byte block is the same key, and the
    // infallible fixed-size constructor applies.
    let mut block = hmac::digest::Key::<HmacSha256>::default();
    block[..32].copy_from_slice(key);
    let mut mac = HmacSha256::new(&block);
    block.zeroize();
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}
