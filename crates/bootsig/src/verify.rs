//! Parsing a manifest and verifying its ML-DSA-65 signature.

use ml_dsa::{EncodedVerifyingKey, MlDsa65, Signature, VerifyingKey};

use crate::format::{COMPONENT_LEN, HEADER_LEN};
use crate::manifest::{Component, SignedManifest};
use crate::{CONTEXT, Error, FORMAT_VERSION, MAGIC, MAX_COMPONENTS, NAME_LEN, SIGNATURE_LEN};
use crate::{PUBLIC_KEY_LEN, fingerprint};

/// Parses `manifest`, checks that it was signed by `public_key` (an encoded
/// ML-DSA-65 verifying key) and that the signature is valid.
pub fn verify(manifest: &[u8], public_key: &[u8]) -> Result<SignedManifest, Error> {
    let mut cursor = Cursor {
        bytes: manifest,
        at: 0,
    };
    if cursor.array::<8>()? != MAGIC {
        return Err(Error::BadMagic);
    }
    let version = u32::from_le_bytes(cursor.array()?);
    if version != FORMAT_VERSION {
        return Err(Error::UnsupportedVersion(version));
    }
    let count_raw = u32::from_le_bytes(cursor.array()?);
    let count = usize::try_from(count_raw).map_err(|_| Error::BadComponentCount(count_raw))?;
    if count == 0 || count > MAX_COMPONENTS {
        return Err(Error::BadComponentCount(count_raw));
    }
    debug_assert_eq!(cursor.at, HEADER_LEN);
    let table = cursor.take(count * COMPONENT_LEN)?;
    let key_fingerprint = cursor.array::<32>()?;
    let signed_len = cursor.at;
    let sig_len = u32::from_le_bytes(cursor.array()?);
    if usize::try_from(sig_len).ok() != Some(SIGNATURE_LEN) {
        return Err(Error::BadSignature);
    }
    let signature = cursor.take(SIGNATURE_LEN)?;
    if cursor.at != manifest.len() {
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
        let mut record = Cursor {
            bytes: record,
            at: 0,
        };
        let name = record.array::<NAME_LEN>()?;
        let size = u64::from_le_bytes(record.array()?);
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
    let encoded_key =
        EncodedVerifyingKey::<MlDsa65>::try_from(public_key).map_err(|_| Error::BadPublicKey)?;
    let key = VerifyingKey::<MlDsa65>::decode(&encoded_key);
    let signature = Signature::<MlDsa65>::try_from(signature).map_err(|_| Error::BadSignature)?;
    if key.verify_with_context(signed, CONTEXT, &signature) {
        Ok(())
    } else {
        Err(Error::SignatureMismatch)
    }
}

/// Reads the manifest front to back, failing on any out-of-bounds access.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], Error> {
        let end = self.at.checked_add(len).ok_or(Error::Truncated)?;
        let slice = self.bytes.get(self.at..end).ok_or(Error::Truncated)?;
        self.at = end;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }
}
