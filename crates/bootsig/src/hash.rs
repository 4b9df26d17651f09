//! SHA3-256 digests and key fingerprints.

use sha3::{Digest, Sha3_256};

/// The SHA3-256 digest of `bytes`.
pub fn sha3_256(bytes: &[u8]) -> [u8; 32] {
    Sha3_256::digest(bytes).into()
}

/// The fingerprint of an encoded public key: its SHA3-256 digest.
pub fn fingerprint(public_key: &[u8]) -> [u8; 32] {
    sha3_256(public_key)
}
