//! Parsing a manifest and verifying its ML-DSA-65 signature.

use aios_wire::Reader;

use crate::format::{COMPONENT_LEN, HEADER_LEN};
use crate::manifest::{Component, SignedManifest};
use crate::{CONTEXT, Error, FORMAT_VERSION, MAGIC, MAX_COMPONENTS, NAME_LEN, SIGNATURE_LEN};
use crate::{PUBLIC_KEY_LEN, SignatureError, fingerprint, verify_ml_dsa65};

/// Parses `manifest`, checks that it was signed by `public_key` (an encoded
/// ML-DSA-65 verifying key) and that the signature is valid.
pub fn verify(manifest: &[u8], public_key: &[u8]) -> Result<SignedManifest, Error> {
    let mut cursor = Reader::new(manifest);
    if cursor.array::<8>()? != MAGIC {
        return Err(Error::BadMagic);
    }
    let version = cursor.u32()?;
    if version != FORMAT_VERSION {
        return Err(Error::UnsupportedVersion(version));
    }
    let count_raw = cursor.u32()?;
    let count = usize::try_from(count_raw).map_err(|_| Error::BadComponentCount(count_raw))?;
    if count == 0 || count > MAX_COMPONENTS {
        return Err(Error::BadComponentCount(count_raw));
    }
    debug_assert_eq!(cursor.position(), HEADER_LEN);
    let table = cursor.take(count * COMPONENT_LEN)?;
    let key_fingerprint = cursor.array::<32>()?;
    let signed_len = cursor.position();
    let sig_len = cursor.u32()?;
    if usize::try_from(sig_len).ok() != Some(SIGNATURE_LEN) {
        return Err(Error::BadSignature);
    }
    let signature = cursor.take(SIGNATURE_LEN)?;
    if !cursor.is_at_end() {
        return Err(Error::TrailingBytes);
    }

    check_signature(
        &manifest[..signed_len],
        &key_fingerprint,
        signature,
        public_key,
    )?;

    let mut components = [Component::EMPTY; MAX_COMPONENTS];
    for (i, record) in table.chunks_exact(COMPONENT_LEN).enumerate() {
        let mut record = Reader::new(record);
        let name = record.array::<NAME_LEN>()?;
        let size = record.u64()?;
        let digest = record.array::<32>()?;
        let component = Component::from_raw(name, size, digest)?;
        if components[..i].iter().any(|c| c.name() == component.name()) {
            return Err(Error::DuplicateComponent);
        }
        components[i] = component;
    }
    Ok(SignedManifest {
        components,
        count,
        key_fingerprint,
    })
}

/// Checks the key fingerprint, then the signature over `signed`.
fn check_signature(
    signed: &[u8],
    key_fingerprint: &[u8; 32],
    signature: &[u8],
    public_key: &[u8],
) -> Result<(), Error> {
    if public_key.len() != PUBLIC_KEY_LEN {
        return Err(Error::BadPublicKey);
    }
    if fingerprint(public_key) != *key_fingerprint {
        return Err(Error::KeyMismatch);
    }
    verify_ml_dsa65(public_key, signed, CONTEXT, signature).map_err(|e| match e {
        SignatureError::BadPublicKey => Error::BadPublicKey,
        SignatureError::BadSignature => Error::BadSignature,
        SignatureError::Mismatch => Error::SignatureMismatch,
    })
}
