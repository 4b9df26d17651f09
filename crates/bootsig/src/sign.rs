//! Host-side key generation and manifest signing.

use std::vec::Vec;

use ml_dsa::{ExpandedSigningKey, MlDsa65};

use crate::format::COMPONENT_LEN;
use crate::manifest::Component;
use crate::{CONTEXT, Error, FORMAT_VERSION, MAGIC, MAX_COMPONENTS, NAME_LEN, SIGNATURE_LEN};
use crate::{fingerprint, sha3_256};

/// A fresh 32-byte ML-DSA-65 key seed from the operating system's randomness.
///
/// # Panics
/// If the operating system has no randomness to give, which no host that
/// builds AIOS lacks; a signing key must never come from a weaker source.
pub fn generate_signing_key() -> [u8; 32] {
    let mut seed = [0u8; 32];
    if let Err(e) = getrandom::fill(&mut seed) {
        panic!("the operating system refused randomness for a signing key: {e}");
    }
    seed
}

/// The encoded ML-DSA-65 public key (1952 bytes) of the key with `seed`.
pub fn public_key_from_seed(seed: &[u8; 32]) -> Vec<u8> {
    encoded_public_key(&ExpandedSigningKey::<MlDsa65>::from_seed(&(*seed).into()))
}

fn encoded_public_key(key: &ExpandedSigningKey<MlDsa65>) -> Vec<u8> {
    key.verifying_key().encode().to_vec()
}

/// Signs a manifest listing `components` (name, bytes) with the key `seed`.
///
/// Signing is deterministic (FIPS 204's deterministic variant), so the same
/// inputs always give the same manifest: builds stay reproducible.
pub fn sign(seed: &[u8; 32], components: &[(&str, &[u8])]) -> Result<Vec<u8>, Error> {
    let count = u32::try_from(components.len()).map_err(|_| Error::BadComponentCount(u32::MAX))?;
    if components.is_empty() || components.len() > MAX_COMPONENTS {
        return Err(Error::BadComponentCount(count));
    }
    let mut out = Vec::with_capacity(16 + components.len() * COMPONENT_LEN + 36 + SIGNATURE_LEN);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    for (i, (name, bytes)) in components.iter().enumerate() {
        if name.len() > NAME_LEN {
            return Err(Error::BadComponentName);
        }
        let mut raw = [0u8; NAME_LEN];
        raw[..name.len()].copy_from_slice(name.as_bytes());
        let size = u64::try_from(bytes.len()).map_err(|_| Error::SigningFailed)?;
        let component = Component::from_raw(raw, size, sha3_256(bytes))?;
        if components[..i].iter().any(|(other, _)| other == name) {
            return Err(Error::DuplicateComponent);
        }
        out.extend_from_slice(&raw);
        out.extend_from_slice(&component.size.to_le_bytes());
        out.extend_from_slice(&component.sha3_256);
    }
    let key = ExpandedSigningKey::<MlDsa65>::from_seed(&(*seed).into());
    out.extend_from_slice(&fingerprint(&encoded_public_key(&key)));
    let signature = key
        .sign_deterministic(&out, CONTEXT)
        .map_err(|_| Error::SigningFailed)?;
    let encoded = signature.encode();
    let sig_len = u32::try_from(encoded.len()).map_err(|_| Error::SigningFailed)?;
    out.extend_from_slice(&sig_len.to_le_bytes());
    out.extend_from_slice(&encoded);
    Ok(out)
}
