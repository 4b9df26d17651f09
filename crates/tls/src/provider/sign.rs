//! The server's private key: ECDSA P-256 or Ed25519, from PKCS#8 or SEC1 DER.

use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;

use p256::ecdsa::signature::Signer as _;
use p256::pkcs8::{DecodePrivateKey as _, EncodePublicKey as _};
use rustls::crypto::KeyProvider;
use rustls::pki_types::{PrivateKeyDer, SubjectPublicKeyInfoDer};
use rustls::sign::{Signer, SigningKey};
use rustls::{Error, SignatureAlgorithm, SignatureScheme};

/// Loads private keys for rustls (the server's, for its CertificateVerify).
#[derive(Debug)]
pub(crate) struct Keys;

impl KeyProvider for Keys {
    fn load_private_key(&self, key: PrivateKeyDer<'static>) -> Result<Arc<dyn SigningKey>, Error> {
        let key = match &key {
            PrivateKeyDer::Pkcs8(der) => {
                let der = der.secret_pkcs8_der();
                if let Ok(key) = p256::ecdsa::SigningKey::from_pkcs8_der(der) {
                    Key::P256(Arc::new(key))
                } else if let Ok(key) = ed25519_dalek::SigningKey::from_pkcs8_der(der) {
                    Key::Ed25519(Arc::new(key))
                } else {
                    return Err(unsupported());
                }
            }
            PrivateKeyDer::Sec1(der) => p256::SecretKey::from_sec1_der(der.secret_sec1_der())
                .map(|secret| Key::P256(Arc::new(secret.into())))
                .map_err(|_| unsupported())?,
            _ => return Err(unsupported()),
        };
        Ok(Arc::new(key))
    }
}

fn unsupported() -> Error {
    Error::General("private key is not an ECDSA P-256 or Ed25519 key".into())
}

/// A loaded signing key; cloning shares it.
#[derive(Clone, Debug)]
enum Key {
    P256(Arc<p256::ecdsa::SigningKey>),
    Ed25519(Arc<ed25519_dalek::SigningKey>),
}

impl Key {
    fn scheme(&self) -> SignatureScheme {
        match self {
            Key::P256(_) => SignatureScheme::ECDSA_NISTP256_SHA256,
            Key::Ed25519(_) => SignatureScheme::ED25519,
        }
    }
}

impl SigningKey for Key {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        offered
            .contains(&self.scheme())
            .then(|| Box::new(self.clone()) as Box<dyn Signer>)
    }

    /// Lets rustls check that the key belongs to the certificate it serves.
    fn public_key(&self) -> Option<SubjectPublicKeyInfoDer<'_>> {
        let document = match self {
            Key::P256(key) => key.verifying_key().to_public_key_der(),
            Key::Ed25519(key) => key.verifying_key().to_public_key_der(),
        };
        document
            .ok()
            .map(|document| SubjectPublicKeyInfoDer::from(document.as_bytes().to_vec()))
    }

    fn algorithm(&self) -> SignatureAlgorithm {
        match self {
            Key::P256(_) => SignatureAlgorithm::ECDSA,
            Key::Ed25519(_) => SignatureAlgorithm::ED25519,
        }
    }
}

impl Signer for Key {
    /// Signs deterministically (RFC 6979 nonces for ECDSA; Ed25519 is
    /// deterministic by design), so signing needs no randomness.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        Ok(match self {
            Key::P256(key) => {
                let signature: p256::ecdsa::Signature = key.sign(message);
                signature.to_der().as_bytes().to_vec()
            }
            Key::Ed25519(key) => key.sign(message).to_bytes().to_vec(),
        })
    }

    fn scheme(&self) -> SignatureScheme {
        Key::scheme(self)
    }
}
