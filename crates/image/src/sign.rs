//! Host-side image signing.

use alloc::vec::Vec;

use ml_dsa::{ExpandedSigningKey, MlDsa65};

use crate::format::{CONTEXT, FORMAT_VERSION, MAGIC, SIGNATURE_LEN};
use crate::verify::check_module;
use crate::{Error, Manifest};

/// Builds and signs the image of `manifest` and `wasm` with the key `seed`.
///
/// The manifest must be valid and its `publisher` must be the seed's public
/// key, so every image this returns verifies for whoever trusts that key.
/// Signing is deterministic (FIPS 204's deterministic variant): the same
/// inputs always give the same image, which keeps builds reproducible.
pub fn sign(seed: &[u8; 32], manifest: &Manifest, wasm: &[u8]) -> Result<Vec<u8>, Error> {
    manifest.validate()?;
    check_module(wasm)?;
    let key = ExpandedSigningKey::<MlDsa65>::from_seed(&(*seed).into());
    if key.verifying_key().encode().as_slice() != manifest.publisher.as_slice() {
        return Err(Error::InvalidManifest(
            "the publisher is not the signing key's public key",
        ));
    }
    let manifest = manifest.encode();
    let manifest_len = u32::try_from(manifest.len()).map_err(|_| Error::SigningFailed)?;
    let wasm_len = u32::try_from(wasm.len()).map_err(|_| Error::SigningFailed)?;
    let mut out = Vec::with_capacity(24 + manifest.len() + wasm.len() + SIGNATURE_LEN);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&manifest_len.to_le_bytes());
    out.extend_from_slice(&manifest);
    out.extend_from_slice(&wasm_len.to_le_bytes());
    out.extend_from_slice(wasm);
    let signature = key
        .sign_deterministic(&out, CONTEXT)
        .map_err(|_| Error::SigningFailed)?
        .encode();
    let sig_len = u32::try_from(signature.len()).map_err(|_| Error::SigningFailed)?;
    out.extend_from_slice(&sig_len.to_le_bytes());
    out.extend_from_slice(&signature);
    Ok(out)
}

/// The encoded ML-DSA-65 public key (1952 bytes) of the key with `seed`:
/// what a manifest's `publisher` must hold to be signed with it.
pub fn public_key(seed: &[u8; 32]) -> Vec<u8> {
    ExpandedSigningKey::<MlDsa65>::from_seed(&(*seed).into())
        .verifying_key()
        .encode()
        .to_vec()
}
