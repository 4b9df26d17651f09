//! Signature checks for certificates and handshakes: ECDSA P-256/P-384,
//! Ed25519, RSA PKCS#1 v1.5 and PSS. rustls-webpki walks the chain and asks
//! these to check each signature.

use p256::ecdsa::signature::hazmat::PrehashVerifier;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::signature::Verifier;
use rsa::traits::PublicKeyParts;
use rustls::SignatureScheme;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{
    AlgorithmIdentifier, InvalidSignature, SignatureVerificationAlgorithm, alg_id,
};
use sha2::{Digest, Sha256, Sha384, Sha512};

/// The algorithms rustls and webpki may use, and which certificate
/// signatures each TLS 1.3 signature scheme accepts.
pub(crate) static ALGORITHMS: WebPkiSupportedAlgorithms = WebPkiSupportedAlgorithms {
    all: &[
        ECDSA_P256_SHA256,
        ECDSA_P256_SHA384,
        ECDSA_P384_SHA256,
        ECDSA_P384_SHA384,
        ED25519,
        RSA_PSS_SHA256,
        RSA_PSS_SHA384,
        RSA_PSS_SHA512,
        RSA_PKCS1_SHA256,
        RSA_PKCS1_SHA384,
        RSA_PKCS1_SHA512,
    ],
    mapping: &[
        (
            SignatureScheme::ECDSA_NISTP384_SHA384,
            &[ECDSA_P384_SHA384, ECDSA_P256_SHA384],
        ),
        (
            SignatureScheme::ECDSA_NISTP256_SHA256,
            &[ECDSA_P256_SHA256, ECDSA_P384_SHA256],
        ),
        (SignatureScheme::ED25519, &[ED25519]),
        (SignatureScheme::RSA_PSS_SHA512, &[RSA_PSS_SHA512]),
        (SignatureScheme::RSA_PSS_SHA384, &[RSA_PSS_SHA384]),
        (SignatureScheme::RSA_PSS_SHA256, &[RSA_PSS_SHA256]),
        (SignatureScheme::RSA_PKCS1_SHA512, &[RSA_PKCS1_SHA512]),
        (SignatureScheme::RSA_PKCS1_SHA384, &[RSA_PKCS1_SHA384]),
        (SignatureScheme::RSA_PKCS1_SHA256, &[RSA_PKCS1_SHA256]),
    ],
};

type Algorithm = &'static dyn SignatureVerificationAlgorithm;

static ECDSA_P256_SHA256: Algorithm = &Ecdsa(Curve::P256, Hash::Sha256);
static ECDSA_P256_SHA384: Algorithm = &Ecdsa(Curve::P256, Hash::Sha384);
static ECDSA_P384_SHA256: Algorithm = &Ecdsa(Curve::P384, Hash::Sha256);
static ECDSA_P384_SHA384: Algorithm = &Ecdsa(Curve::P384, Hash::Sha384);
static ED25519: Algorithm = &Ed25519;
static RSA_PSS_SHA256: Algorithm = &Rsa(Padding::Pss, Hash::Sha256);
static RSA_PSS_SHA384: Algorithm = &Rsa(Padding::Pss, Hash::Sha384);
static RSA_PSS_SHA512: Algorithm = &Rsa(Padding::Pss, Hash::Sha512);
static RSA_PKCS1_SHA256: Algorithm = &Rsa(Padding::Pkcs1, Hash::Sha256);
static RSA_PKCS1_SHA384: Algorithm = &Rsa(Padding::Pkcs1, Hash::Sha384);
static RSA_PKCS1_SHA512: Algorithm = &Rsa(Padding::Pkcs1, Hash::Sha512);

/// Smallest RSA modulus accepted, in bits (as rustls' other providers).
const RSA_MIN_BITS: usize = 2048;

#[derive(Clone, Copy, Debug)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

#[derive(Clone, Copy, Debug)]
enum Curve {
    P256,
    P384,
}

#[derive(Clone, Copy, Debug)]
enum Padding {
    Pkcs1,
    Pss,
}

/// ECDSA over `Curve` with a digest by `Hash`; the signature is DER-encoded.
#[derive(Debug)]
struct Ecdsa(Curve, Hash);

impl SignatureVerificationAlgorithm for Ecdsa {
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        match self.0 {
            Curve::P256 => alg_id::ECDSA_P256,
            Curve::P384 => alg_id::ECDSA_P384,
        }
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        match self.1 {
            Hash::Sha256 => alg_id::ECDSA_SHA256,
            Hash::Sha384 => alg_id::ECDSA_SHA384,
            Hash::Sha512 => alg_id::ECDSA_SHA512,
        }
    }

    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        let mut digest = [0u8; 64];
        let digest = self.1.digest(message, &mut digest);
        let verified = match self.0 {
            Curve::P256 => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(public_key);
                let signature = p256::ecdsa::Signature::from_der(signature);
                key.and_then(|key| signature.and_then(|sig| key.verify_prehash(digest, &sig)))
            }
            Curve::P384 => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(public_key);
                let signature = p384::ecdsa::Signature::from_der(signature);
                key.and_then(|key| signature.and_then(|sig| key.verify_prehash(digest, &sig)))
            }
        };
        verified.map_err(|_| InvalidSignature)
    }
}

/// Ed25519 (RFC 8032), checked strictly (no small-order keys, canonical S).
#[derive(Debug)]
struct Ed25519;

impl SignatureVerificationAlgorithm for Ed25519 {
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ED25519
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::ED25519
    }

    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        let key: &[u8; 32] = public_key.try_into().map_err(|_| InvalidSignature)?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(key).map_err(|_| InvalidSignature)?;
        let signature =
            ed25519_dalek::Signature::from_slice(signature).map_err(|_| InvalidSignature)?;
        key.verify_strict(message, &signature)
            .map_err(|_| InvalidSignature)
    }
}

/// RSA with PKCS#1 v1.5 or PSS padding (PSS salt as long as the digest, as
/// TLS 1.3 and RFC 4055 certificates use).
#[derive(Debug)]
struct Rsa(Padding, Hash);

impl SignatureVerificationAlgorithm for Rsa {
    fn public_key_alg_id(&self) -> AlgorithmIdentifier {
        alg_id::RSA_ENCRYPTION
    }

    fn signature_alg_id(&self) -> AlgorithmIdentifier {
        match (self.0, self.1) {
            (Padding::Pkcs1, Hash::Sha256) => alg_id::RSA_PKCS1_SHA256,
            (Padding::Pkcs1, Hash::Sha384) => alg_id::RSA_PKCS1_SHA384,
            (Padding::Pkcs1, Hash::Sha512) => alg_id::RSA_PKCS1_SHA512,
            (Padding::Pss, Hash::Sha256) => alg_id::RSA_PSS_SHA256,
            (Padding::Pss, Hash::Sha384) => alg_id::RSA_PSS_SHA384,
            (Padding::Pss, Hash::Sha512) => alg_id::RSA_PSS_SHA512,
        }
    }

    fn verify_signature(
        &self,
        public_key: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), InvalidSignature> {
        // webpki hands over the subjectPublicKey: a PKCS#1 RSAPublicKey.
        let key = rsa::PublicKey::from_pkcs1_der(public_key).map_err(|_| InvalidSignature)?;
        if key.size() * 8 < RSA_MIN_BITS {
            return Err(InvalidSignature);
        }
        match self.0 {
            Padding::Pkcs1 => {
                let signature =
                    rsa::pkcs1v15::Signature::try_from(signature).map_err(|_| InvalidSignature)?;
                match self.1 {
                    Hash::Sha256 => {
                        rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key).verify(message, &signature)
                    }
                    Hash::Sha384 => {
                        rsa::pkcs1v15::VerifyingKey::<Sha384>::new(key).verify(message, &signature)
                    }
                    Hash::Sha512 => {
                        rsa::pkcs1v15::VerifyingKey::<Sha512>::new(key).verify(message, &signature)
                    }
                }
            }
            Padding::Pss => {
                let signature =
                    rsa::pss::Signature::try_from(signature).map_err(|_| InvalidSignature)?;
                match self.1 {
                    Hash::Sha256 => {
                        rsa::pss::VerifyingKey::<Sha256>::new(key).verify(message, &signature)
                    }
                    Hash::Sha384 => {
                        rsa::pss::VerifyingKey::<Sha384>::new(key).verify(message, &signature)
                    }
                    Hash::Sha512 => {
                        rsa::pss::VerifyingKey::<Sha512>::new(key).verify(message, &signature)
                    }
                }
            }
        }
        .map_err(|_| InvalidSignature)
    }
}

impl Hash {
    /// Hashes `message` into the front of `buffer` and returns that part.
    fn digest<'a>(self, message: &[u8], buffer: &'a mut [u8; 64]) -> &'a [u8] {
        let len = match self {
            Hash::Sha256 => copy(&Sha256::digest(message), buffer),
            Hash::Sha384 => copy(&Sha384::digest(message), buffer),
            Hash::Sha512 => copy(&Sha512::digest(message), buffer),
        };
        &buffer[..len]
    }
}

fn copy(digest: &[u8], buffer: &mut [u8; 64]) -> usize {
    buffer[..digest.len()].copy_from_slice(digest);
    digest.len()
}
