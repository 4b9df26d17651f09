//! Signing and verifying agent images: round trip and every way to refuse one.

mod common;

use aios_image::{Error, MAGIC, SIGNATURE_LEN, SIGNATURE_OFFSET, Section, sign, verify};
use common::{ARTIFACT, ENGINE, OTHER_SEED, SEED, WASM, contents, fingerprint, image, manifest};
use ml_dsa::{ExpandedSigningKey, MlDsa65};

/// Byte offset of the first section (the manifest).
const SECTIONS_OFFSET: usize = SIGNATURE_OFFSET + 4 + SIGNATURE_LEN;

/// Replaces the signature of `image` with one by `seed` in `context`.
fn resign(image: &[u8], seed: &[u8; 32], context: &[u8]) -> Vec<u8> {
    let signed = &image[..SIGNATURE_OFFSET];
    let key = ExpandedSigningKey::<MlDsa65>::from_seed(&(*seed).into());
    let signature = key
        .sign_deterministic(signed, context)
        .expect("signs")
        .encode();
    let mut out = image.to_vec();
    out[SIGNATURE_OFFSET + 4..SECTIONS_OFFSET].copy_from_slice(&signature);
    out
}

#[test]
fn a_signed_image_verifies_and_returns_its_parts() {
    let image = image();
    assert_eq!(&image[..8], &MAGIC);
    let verified =
        verify(&image, &[fingerprint(&OTHER_SEED), fingerprint(&SEED)]).expect("verifies");
    assert_eq!(verified.manifest, manifest());
    assert_eq!(verified.wasm, WASM);
    assert_eq!(verified.engine, ENGINE);
    assert_eq!(verified.artifact, ARTIFACT);
}

#[test]
fn a_changed_section_is_named() {
    let image = image();
    let trusted = [fingerprint(&SEED)];
    let artifact_at = image.len() - ARTIFACT.len();
    let engine_at = artifact_at - ENGINE.len();
    let wasm_at = engine_at - WASM.len();
    let mut bad = image.clone();
    bad[artifact_at + 3] ^= 1;
    assert_eq!(
        verify(&bad, &trusted),
        Err(Error::Tampered(Section::Artifact))
    );
    let mut bad = image.clone();
    bad[engine_at + 9] = b'9';
    assert_eq!(
        verify(&bad, &trusted),
        Err(Error::Tampered(Section::Engine))
    );
    let mut bad = image.clone();
    bad[wasm_at + 9] ^= 1;
    assert_eq!(verify(&bad, &trusted), Err(Error::Tampered(Section::Wasm)));
    // A digest in the header changed to match a changed section breaks the
    // signature instead.
    let mut bad = image.clone();
    bad[artifact_at] ^= 1;
    let digest = aios_bootsig::sha3_256(&bad[artifact_at..]);
    let digests_at = SIGNATURE_OFFSET - 32;
    bad[digests_at..SIGNATURE_OFFSET].copy_from_slice(&digest);
    assert_eq!(verify(&bad, &trusted), Err(Error::SignatureMismatch));
}

#[test]
fn an_engine_identity_must_be_short_utf8() {
    let long = "x".repeat(aios_image::MAX_ENGINE_LEN + 1);
    let too_long = aios_image::Contents {
        engine: &long,
        ..contents(WASM)
    };
    assert_eq!(
        sign(&SEED, &manifest(), too_long),
        Err(Error::MalformedEngine)
    );
}

#[test]
fn signing_is_deterministic() {
    assert_eq!(image(), image());
}

#[test]
fn every_truncation_is_refused() {
    let image = image();
    let trusted = [fingerprint(&SEED)];
    for len in 0..image.len() {
        assert!(
            verify(&image[..len], &trusted).is_err(),
            "truncated to {len} bytes"
        );
    }
    assert_eq!(
        verify(&image[..image.len() - 1], &trusted),
        Err(Error::Truncated)
    );
    assert_eq!(verify(&image[..4], &trusted), Err(Error::Truncated));
}

#[test]
fn a_flipped_byte_anywhere_is_refused() {
    let image = image();
    let trusted = [fingerprint(&SEED)];
    let mut copy = image.clone();
    for at in 0..image.len() {
        copy[at] ^= 0xFF;
        assert!(verify(&copy, &trusted).is_err(), "byte {at} flipped");
        copy[at] = image[at];
    }
}

#[test]
fn a_flipped_signature_byte_is_a_signature_error() {
    let mut image = image();
    image[SECTIONS_OFFSET - 100] ^= 0x01;
    let result = verify(&image, &[fingerprint(&SEED)]);
    assert!(
        matches!(result, Err(Error::SignatureMismatch | Error::BadSignature)),
        "{result:?}"
    );
}

#[test]
fn an_untrusted_publisher_is_refused() {
    let image = image();
    assert_eq!(verify(&image, &[]), Err(Error::UntrustedPublisher));
    assert_eq!(
        verify(&image, &[fingerprint(&OTHER_SEED)]),
        Err(Error::UntrustedPublisher)
    );
}

#[test]
fn a_signature_by_another_key_is_refused() {
    let forged = resign(&image(), &OTHER_SEED, aios_image::CONTEXT);
    let trusted = [fingerprint(&SEED), fingerprint(&OTHER_SEED)];
    assert_eq!(verify(&forged, &trusted), Err(Error::SignatureMismatch));
}

#[test]
fn a_boot_signature_never_passes_as_an_agent_signature() {
    let boot_signed = resign(&image(), &SEED, aios_bootsig::CONTEXT);
    assert_eq!(
        verify(&boot_signed, &[fingerprint(&SEED)]),
        Err(Error::SignatureMismatch)
    );
    // The same bytes re-signed in the agent context verify again.
    let agent_signed = resign(&boot_signed, &SEED, aios_image::CONTEXT);
    assert!(verify(&agent_signed, &[fingerprint(&SEED)]).is_ok());
}

#[test]
fn header_errors_say_what_is_wrong() {
    let image = image();
    let trusted = [fingerprint(&SEED)];
    let mut bad = image.clone();
    bad[0] = b'X';
    assert_eq!(verify(&bad, &trusted), Err(Error::BadMagic));
    let mut bad = image.clone();
    bad[8..12].copy_from_slice(&1u32.to_le_bytes());
    assert_eq!(verify(&bad, &trusted), Err(Error::UnsupportedVersion(1)));
    let mut bad = image.clone();
    let at = SIGNATURE_OFFSET;
    bad[at..at + 4].copy_from_slice(&3308u32.to_le_bytes());
    assert_eq!(verify(&bad, &trusted), Err(Error::BadSignature));
    let mut bad = image.clone();
    bad.push(0);
    assert_eq!(verify(&bad, &trusted), Err(Error::TrailingBytes));
    let mut bad = image.clone();
    bad[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(verify(&bad, &trusted), Err(Error::Truncated));
}

#[test]
fn a_module_without_the_wasm_header_is_refused() {
    assert_eq!(
        sign(&SEED, &manifest(), contents(b"\0asm\x02\0\0\0")),
        Err(Error::MalformedModule)
    );
    assert_eq!(
        sign(&SEED, &manifest(), contents(b"")),
        Err(Error::MalformedModule)
    );
    // Corrupt the module of a signed image: refused before the signature.
    let mut image = image();
    let wasm_at = image.len() - ARTIFACT.len() - ENGINE.len() - WASM.len();
    image[wasm_at + 1] = b'x';
    assert_eq!(
        verify(&image, &[fingerprint(&SEED)]),
        Err(Error::MalformedModule)
    );
}

#[test]
fn signing_refuses_a_publisher_that_is_not_the_signing_key() {
    let result = sign(&OTHER_SEED, &manifest(), contents(WASM));
    assert!(
        matches!(result, Err(Error::InvalidManifest(_))),
        "{result:?}"
    );
}

#[test]
fn signing_refuses_an_invalid_manifest() {
    let mut invalid = manifest();
    invalid.quotas.memory_pages = 0;
    assert!(matches!(
        sign(&SEED, &invalid, contents(WASM)),
        Err(Error::InvalidManifest(_))
    ));
}

#[test]
fn errors_read_as_sentences() {
    assert_eq!(
        Error::UntrustedPublisher.to_string(),
        "the agent image's publisher is not a trusted publisher"
    );
    assert_eq!(
        Error::UnknownDependency {
            agent: "web".into(),
            missing: "db".into()
        }
        .to_string(),
        "agent web depends on db, which is not available"
    );
    assert_eq!(
        Error::InvalidManifest("fuel_per_second is below 1000").to_string(),
        "the agent manifest is invalid: fuel_per_second is below 1000"
    );
}
