//! Host-side image signing.

use alloc::vec::Vec;

use ml_dsa::{ExpandedSigningKey, MlDsa65};

use crate::format::{CONTEXT, FORMAT_VERSION, MAGIC, MAX_ENGINE_LEN, SIGNATURE_LEN};
use crate::verify::check_module;
use crate::{Error, Manifest};

/// What an image carries besides its manifest: the module, and the same
/// module compiled ahead of time for the engine `engine` names.
#[derive(Debug, Clone, Copy)]
pub struct Contents<'a> {
    /// The WebAssembly module.
    pub wasm: &'a [u8],
    /// The identity of the engine the artifact was compiled for.
    pub engine: &'a str,
    /// The compiled artifact.
    pub artifact: &'a [u8],
}

/// Builds and signs the image of `manifest` and `contents` with the key
/// `seed`.
///
/// The manifest must be valid and its `publisher` must be the seed's public
/// key, so every image this returns verifies for whoever trusts that key.
/// Signing is deterministic (FIPS 204's deterministic variant): the same
/// inputs always give the same image, which keeps builds reproducible.
pub fn sign(
    seed: &[u8; 32],
    manifest: &Manifest,
    contents: Contents<'_>,
) -> Result<Vec<u8>, Error> {
    manifest.validate()?;
    check_module(contents.wasm)?;
    if contents.engine.len() > MAX_ENGINE_LEN {
        return Err(Error::MalformedEngine);
    }
    let key = ExpandedSigningKey::<MlDsa65>::from_seed(&(*seed).into());
    if key.verifying_key().encode().as_slice() != manifest.publisher.as_slice() {
        return Err(Error::InvalidManifest(
            "the publisher is not the signing key's public key",
        ));
    }
    let manifest = manifest.encode();
    let sections: [&[u8]; 4] = [
        &manifest,
        contents.wasm,
        contents.engine.as_bytes(),
        contents.artifact,
    ];
    let body: usize = sections.iter().map(|s| s.len()).sum();
    let mut out = Vec::with_capacity(crate::SIGNATURE_OFFSET + 4 + SIGNATURE_LEN + body);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    for section in sections {
        let len = u32::try_from(section.len()).map_err(|_| Error::SigningFailed)?;
        out.extend_from_slice(&len.to_le_bytes());
    }
    for section in sections {
        out.extend_from_slice(&aios_bootsig::sha3_256(section));
    }
    let signature = key
        .sign_deterministic(&out, CONTEXT)
        .map_err(|_| Error::SigningFailed)?
        .encode();
    let sig_len = u32::try_from(signature.len()).map_err(|_| Error::SigningFailed)?;
    out.extend_from_slice(&sig_len.to_le_bytes());
    out.extend_from_slice(&signature);
    for section in sections {
        out.extend_from_slice(section);
    }
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
