//! Signing and verifying manifests, and every way a manifest or file can be wrong.

use aios_bootsig::{
    Error, MAX_COMPONENTS, PUBLIC_KEY_LEN, fingerprint, public_key_from_seed, sha3_256, sign,
    verify,
};

const SEED: [u8; 32] = [7; 32];
const KERNEL: &[u8] = b"\x7fELF pretend kernel";
const BUNDLE: &[u8] = b"AIOSBNDL pretend bundle";
const CMDLINE: &[u8] = b"log=debug";

fn components() -> [(&'static str, &'static [u8]); 3] {
    [
        ("kernel.elf", KERNEL),
        ("bundle.bin", BUNDLE),
        ("cmdline.txt", CMDLINE),
    ]
}

fn signed() -> (Vec<u8>, Vec<u8>) {
    (
        sign(&SEED, &components()).unwrap(),
        public_key_from_seed(&SEED),
    )
}

#[test]
fn round_trip_lists_and_checks_every_component() {
    let (manifest, key) = signed();
    assert_eq!(key.len(), PUBLIC_KEY_LEN);
    let verified = verify(&manifest, &key).unwrap();
    assert_eq!(verified.key_fingerprint(), fingerprint(&key));
    let names: Vec<&str> = verified.components().iter().map(|c| c.name()).collect();
    assert_eq!(names, ["kernel.elf", "bundle.bin", "cmdline.txt"]);
    for (name, bytes) in components() {
        assert_eq!(verified.check(name, bytes).unwrap(), sha3_256(bytes));
    }
}

#[test]
fn signing_is_deterministic() {
    assert_eq!(sign(&SEED, &components()).unwrap(), signed().0);
}

#[test]
fn any_flipped_bit_is_rejected() {
    let (manifest, key) = signed();
    let signature_at = manifest.len() - aios_bootsig::SIGNATURE_LEN;
    // Every bit before the signature; in the signature (3309 bytes, each
    // verification costs milliseconds) one bit per byte, rotating.
    let flips = (0..signature_at * 8).chain((signature_at..manifest.len()).map(|b| b * 8 + b % 8));
    for flip in flips {
        let mut bad = manifest.clone();
        bad[flip / 8] ^= 1 << (flip % 8);
        assert!(
            verify(&bad, &key).is_err(),
            "byte {} bit {}",
            flip / 8,
            flip % 8
        );
    }
}

#[test]
fn every_truncation_and_extension_is_rejected() {
    let (manifest, key) = signed();
    for len in 0..manifest.len() {
        assert!(verify(&manifest[..len], &key).is_err(), "length {len}");
    }
    let mut longer = manifest.clone();
    longer.push(0);
    assert_eq!(verify(&longer, &key).unwrap_err(), Error::TrailingBytes);
}

#[test]
fn changed_component_is_a_digest_or_size_mismatch() {
    let (manifest, key) = signed();
    let verified = verify(&manifest, &key).unwrap();
    let mut kernel = KERNEL.to_vec();
    kernel[3] ^= 0x20;
    assert!(matches!(
        verified.check("kernel.elf", &kernel),
        Err(Error::DigestMismatch { expected, actual })
            if expected == sha3_256(KERNEL) && actual == sha3_256(&kernel)
    ));
    assert_eq!(
        verified.check("cmdline.txt", b"log=info").unwrap_err(),
        Error::SizeMismatch {
            expected: 9,
            actual: 8
        }
    );
    assert_eq!(
        verified.check("initrd", b"").unwrap_err(),
        Error::UnknownComponent
    );
}

#[test]
fn other_key_is_rejected() {
    let (manifest, _) = signed();
    let other = public_key_from_seed(&[8; 32]);
    assert_eq!(verify(&manifest, &other).unwrap_err(), Error::KeyMismatch);
    assert_eq!(
        verify(&manifest, &[0; 10]).unwrap_err(),
        Error::BadPublicKey
    );
}

#[test]
fn manifest_signed_by_other_key_with_forged_fingerprint_is_rejected() {
    let (_, key) = signed();
    let mut forged = sign(&[9; 32], &components()).unwrap();
    let fingerprint_at = 16 + 3 * 72;
    forged[fingerprint_at..fingerprint_at + 32].copy_from_slice(&fingerprint(&key));
    assert_eq!(verify(&forged, &key).unwrap_err(), Error::SignatureMismatch);
}

#[test]
fn header_errors_are_specific() {
    let (manifest, key) = signed();
    let mut bad = manifest.clone();
    bad[0] = b'X';
    assert_eq!(verify(&bad, &key).unwrap_err(), Error::BadMagic);
    let mut bad = manifest.clone();
    bad[8] = 2;
    assert_eq!(
        verify(&bad, &key).unwrap_err(),
        Error::UnsupportedVersion(2)
    );
    let mut bad = manifest.clone();
    bad[12] = 0;
    assert_eq!(verify(&bad, &key).unwrap_err(), Error::BadComponentCount(0));
    let mut bad = manifest.clone();
    bad[12] = 17;
    assert_eq!(
        verify(&bad, &key).unwrap_err(),
        Error::BadComponentCount(17)
    );
}

#[test]
fn signing_rejects_bad_component_lists() {
    let long = "n".repeat(33);
    assert_eq!(
        sign(&SEED, &[(&long, b"")]).unwrap_err(),
        Error::BadComponentName
    );
    assert_eq!(
        sign(&SEED, &[("", b"")]).unwrap_err(),
        Error::BadComponentName
    );
    assert_eq!(
        sign(&SEED, &[("a", b""), ("a", b"")]).unwrap_err(),
        Error::DuplicateComponent
    );
    assert_eq!(sign(&SEED, &[]).unwrap_err(), Error::BadComponentCount(0));
    let names: Vec<String> = (0..=MAX_COMPONENTS).map(|i| format!("c{i}")).collect();
    let many: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    assert_eq!(
        sign(&SEED, &many).unwrap_err(),
        Error::BadComponentCount(17)
    );
}

#[test]
fn errors_read_as_sentences() {
    let e = Error::SizeMismatch {
        expected: 9,
        actual: 8,
    };
    assert_eq!(
        e.to_string(),
        "the component is 8 bytes but the signed size is 9"
    );
    let e = Error::DigestMismatch {
        expected: [0xab; 32],
        actual: [0x01; 32],
    };
    assert_eq!(
        e.to_string(),
        "the component's sha3-256 0101010101010101... differs from the signed abababababababab..."
    );
}

#[test]
fn generated_seeds_differ() {
    assert_ne!(
        aios_bootsig::generate_signing_key(),
        aios_bootsig::generate_signing_key()
    );
}
