//! Certificates and keys from DER or PEM bytes: the client's trust store, the
//! server's chain and private key.

use alloc::vec::Vec;

use rustls::RootCertStore;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer};

use crate::error::Error;

/// The certificate authorities a client trusts (the node's come from the
/// signed boot bundle).
#[derive(Clone, Debug)]
pub struct TrustStore {
    pub(crate) roots: RootCertStore,
}

impl TrustStore {
    /// Trusts each DER-encoded certificate in `certificates`.
    pub fn from_der<'a>(certificates: impl IntoIterator<Item = &'a [u8]>) -> Result<Self, Error> {
        let mut roots = RootCertStore::empty();
        for der in certificates {
            roots
                .add(CertificateDer::from(der))
                .map_err(|_| Error::BadTrustAnchor)?;
        }
        Ok(Self { roots })
    }

    /// Trusts each `CERTIFICATE` in the PEM text `pem` (other sections are
    /// skipped). Text with no certificate is refused.
    pub fn from_pem(pem: &[u8]) -> Result<Self, Error> {
        let certificates = certificates_from_pem(pem)?;
        Self::from_der(certificates.iter().map(|certificate| certificate.as_ref()))
    }

    /// How many roots are trusted.
    pub fn len(&self) -> usize {
        self.roots.len()
    }

    /// Whether no root is trusted (every server will then be refused).
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }
}

/// A server's certificate chain: its own certificate first, then the
/// intermediates (the root may be left out).
#[derive(Clone, Debug)]
pub struct CertificateChain(pub(crate) Vec<CertificateDer<'static>>);

impl CertificateChain {
    /// The end-entity certificate (DER): the first of the chain.
    pub fn end_entity(&self) -> Option<&[u8]> {
        self.0.first().map(|certificate| certificate.as_ref())
    }

    /// A chain of DER-encoded certificates, leaf first.
    pub fn from_der<'a>(certificates: impl IntoIterator<Item = &'a [u8]>) -> Self {
        Self(
            certificates
                .into_iter()
                .map(|der| CertificateDer::from(der.to_vec()))
                .collect(),
        )
    }

    /// The `CERTIFICATE` sections of `pem`, leaf first.
    pub fn from_pem(pem: &[u8]) -> Result<Self, Error> {
        Ok(Self(certificates_from_pem(pem)?))
    }
}

/// A server's private key: ECDSA P-256 (PKCS#8 or SEC1) or Ed25519 (PKCS#8).
#[derive(Debug)]
pub struct PrivateKey(pub(crate) PrivateKeyDer<'static>);

impl PrivateKey {
    /// A DER-encoded PKCS#8 `PrivateKeyInfo`.
    pub fn from_pkcs8_der(der: &[u8]) -> Self {
        Self(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der.to_vec())))
    }

    /// A DER-encoded SEC1 `ECPrivateKey`.
    pub fn from_sec1_der(der: &[u8]) -> Self {
        Self(PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(der.to_vec())))
    }

    /// The first `PRIVATE KEY` or `EC PRIVATE KEY` section of `pem`.
    pub fn from_pem(pem: &[u8]) -> Result<Self, Error> {
        PrivateKeyDer::from_pem_slice(pem)
            .map(Self)
            .map_err(|_| Error::BadPem)
    }
}

fn certificates_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| Error::BadPem)?;
    if certificates.is_empty() {
        return Err(Error::BadPem);
    }
    Ok(certificates)
}
