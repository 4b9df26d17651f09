//! Parsing an agent image and verifying its publisher, signature and
//! sections.

use aios_wire::Reader;

use crate::format::{
    CONTEXT, FORMAT_VERSION, MAGIC, MAX_ENGINE_LEN, SIGNATURE_LEN, SIGNATURE_OFFSET, WASM_HEADER,
};
use crate::{Error, Manifest, Section};

/// An image whose manifest is valid, whose publisher is trusted, whose
/// signature verified and whose every section matches its signed digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedImage<'a> {
    /// The signed manifest.
    pub manifest: Manifest,
    /// The signed WebAssembly module (its header checked, its body not yet
    /// validated: that is the engine's job).
    pub wasm: &'a [u8],
    /// The signed identity of the engine the artifact was compiled for.
    pub engine: &'a str,
    /// The signed compiled artifact. Only the engine that [`engine`]
    /// names may load it.
    ///
    /// [`engine`]: VerifiedImage::engine
    pub artifact: &'a [u8],
}

/// Parses `image`, validates its manifest, checks that the publisher key's
/// fingerprint is in `trusted`, that the signature verifies with it and
/// that every section matches its signed digest.
///
/// Cheap structural checks come first, so garbage is refused before any
/// signature arithmetic; nothing is trusted until every check has passed.
pub fn verify<'a>(image: &'a [u8], trusted: &[[u8; 32]]) -> Result<VerifiedImage<'a>, Error> {
    let parts = split(image)?;
    let manifest = Manifest::decode(parts.sections[0])?;
    manifest.validate()?;
    check_module(parts.sections[1])?;
    let engine = core::str::from_utf8(parts.sections[2]).map_err(|_| Error::MalformedEngine)?;
    if !trusted.contains(&aios_bootsig::fingerprint(&manifest.publisher)) {
        return Err(Error::UntrustedPublisher);
    }
    check_signature(parts.signed, parts.signature, &manifest.publisher)?;
    for ((section, bytes), digest) in Section::ALL.iter().zip(parts.sections).zip(parts.digests) {
        if aios_bootsig::sha3_256(bytes) != digest {
            return Err(Error::Tampered(*section));
        }
    }
    Ok(VerifiedImage {
        manifest,
        wasm: parts.sections[1],
        engine,
        artifact: parts.sections[3],
    })
}

/// The sections of an image, located but not yet checked.
struct Parts<'a> {
    /// Manifest, wasm, engine, artifact.
    sections: [&'a [u8]; 4],
    /// Their signed digests, in the same order.
    digests: [[u8; 32]; 4],
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
    let mut lengths = [0usize; 4];
    for length in &mut lengths {
        *length = cursor.length_u32()?;
    }
    if lengths[2] > MAX_ENGINE_LEN {
        return Err(Error::MalformedEngine);
    }
    let mut digests = [[0u8; 32]; 4];
    for digest in &mut digests {
        *digest = cursor.array()?;
    }
    debug_assert_eq!(cursor.position(), SIGNATURE_OFFSET);
    let signed = &image[..cursor.position()];
    if cursor.length_u32()? != SIGNATURE_LEN {
        return Err(Error::BadSignature);
    }
    let signature = cursor.take(SIGNATURE_LEN)?;
    let mut sections: [&[u8]; 4] = [&[]; 4];
    for (section, length) in sections.iter_mut().zip(lengths) {
        *section = cursor.take(length)?;
    }
    if !cursor.is_at_end() {
        return Err(Error::TrailingBytes);
    }
    Ok(Parts {
        sections,
        digests,
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
