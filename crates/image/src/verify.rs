//! Parsing an agent image and verifying its publisher and signature.

use aios_wire::Reader;

use crate::format::{CONTEXT, FORMAT_VERSION, MAGIC, SIGNATURE_LEN, WASM_HEADER};
use crate::{Error, Manifest};

/// An image whose manifest is valid, whose publisher is trusted and whose
/// signature verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedImage<'a> {
    /// The signed manifest.
    pub manifest: Manifest,
    /// The signed WebAssembly module (its header checked, its body not yet
    /// validated: that is the runtime's job).
    pub wasm: &'a [u8],
}

/// Parses `image`, validates its manifest, checks that the publisher key's
/// fingerprint is in `trusted` and that the signature verifies with it.
///
/// Cheap structural checks come first, so garbage is refused before any
/// signature arithmetic; nothing is trusted until every check has passed.
pub fn verify<'a>(image: &'a [u8], trusted: &[[u8; 32]]) -> Result<VerifiedImage<'a>, Error> {
    let parts = split(image)?;
    let manifest = Manifest::decode(parts.manifest)?;
    manifest.validate()?;
    check_module(parts.wasm)?;
    if !trusted.contains(&aios_bootsig::fingerprint(&manifest.publisher)) {
        return Err(Error::UntrustedPublisher);
    }
    check_signature(parts.signed, parts.signature, &manifest.publisher)?;
    Ok(VerifiedImage {
        manifest,
        wasm: parts.wasm,
    })
}

/// The sections of an image, located but not yet checked.
struct Parts<'a> {
    manifest: &'a [u8],
    wasm: &'a [u8],
    /// Every byte before `sig_len`: what the signature covers.
    signed: &'a [u8],
    signature: &'a [u8],
}

/// Splits `image` into its sections, checking magic, version and lengths.
fn split(image: &[u8]) -> Result<Parts<'_>, Error> {
    let mut cursor = Reader::new(image);
    if cursor.take(MAGIC.len())? != MAGIC {
        return Err(Error::BadMagic);
    }
    let version = cursor.u32()?;
    if version != FORMAT_VERSION {
        return Err(Error::UnsupportedVersion(version));
    }
    let manifest_len = cursor.length_u32()?;
    let manifest = cursor.take(manifest_len)?;
    let wasm_len = cursor.length_u32()?;
    let wasm = cursor.take(wasm_len)?;
    let signed = &image[..cursor.position()];
    if cursor.length_u32()? != SIGNATURE_LEN {
        return Err(Error::BadSignature);
    }
    let signature = cursor.take(SIGNATURE_LEN)?;
    if !cursor.is_at_end() {
        return Err(Error::TrailingBytes);
    }
    Ok(Parts {
        manifest,
        wasm,
        signed,
        signature,
    })
}

/// Checks the WebAssembly 1.0 header (`\0asm`, version 1).
pub(crate) fn check_module(wasm: &[u8]) -> Result<(), Error> {
    if wasm.starts_with(&WASM_HEADER) {
        Ok(())
    } else {
        Err(Error::MalformedModule)
    }
}

/// Verifies `signature` over `signed` with the encoded key `publisher`
/// (whose length [`Manifest::validate`] has checked).
fn check_signature(signed: &[u8], signature: &[u8], publisher: &[u8]) -> Result<(), Error> {
    use aios_bootsig::SignatureError;
    aios_bootsig::verify_ml_dsa65(publisher, signed, CONTEXT, signature).map_err(|e| match e {
        SignatureError::BadPublicKey => {
            Error::InvalidManifest("the publisher is not an ML-DSA-65 public key")
        }
        SignatureError::BadSignature => Error::BadSignature,
        SignatureError::Mismatch => Error::SignatureMismatch,
    })
}
