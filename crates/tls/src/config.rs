//! Client and server configurations: what a side offers and whom it trusts.

use alloc::sync::Arc;
use alloc::vec::Vec;

use rustls::NamedGroup;
use rustls::client::WebPkiServerVerifier;
use rustls::sign::{CertifiedKey, SingleCertAndKey};
use rustls::version::TLS13;

use crate::clock::{Clock, ClockSource};
use crate::credentials::{CertificateChain, PrivateKey, TrustStore};
use crate::error::Error;
use crate::provider::Crypto;

/// Which key-exchange groups a side offers (client) or accepts (server).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyExchange {
    /// X25519MLKEM768 first, X25519 for peers without it. The default.
    #[default]
    HybridPreferred,
    /// X25519MLKEM768 only: for node-to-node links, where both ends are ours.
    HybridOnly,
    /// X25519 only: no post-quantum protection (for tests and comparison).
    ClassicalOnly,
}

/// A TLS 1.3 cipher suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CipherSuite {
    /// TLS_CHACHA20_POLY1305_SHA256.
    ChaCha20Poly1305Sha256,
    /// TLS_AES_128_GCM_SHA256.
    Aes128GcmSha256,
    /// TLS_AES_256_GCM_SHA384.
    Aes256GcmSha384,
}

impl CipherSuite {
    /// Every suite, in the default order of preference: ChaCha20-Poly1305
    /// first because the kernel has no AES instructions at hand.
    pub const ALL: [CipherSuite; 3] = [
        CipherSuite::ChaCha20Poly1305Sha256,
        CipherSuite::Aes128GcmSha256,
        CipherSuite::Aes256GcmSha384,
    ];

    /// The suite's IANA name, as listings show it.
    pub fn name(self) -> &'static str {
        match self {
            CipherSuite::ChaCha20Poly1305Sha256 => "TLS_CHACHA20_POLY1305_SHA256",
            CipherSuite::Aes128GcmSha256 => "TLS_AES_128_GCM_SHA256",
            CipherSuite::Aes256GcmSha384 => "TLS_AES_256_GCM_SHA384",
        }
    }

    pub(crate) fn from_rustls(suite: rustls::CipherSuite) -> Option<Self> {
        match suite {
            rustls::CipherSuite::TLS13_CHACHA20_POLY1305_SHA256 => {
                Some(Self::ChaCha20Poly1305Sha256)
            }
            rustls::CipherSuite::TLS13_AES_128_GCM_SHA256 => Some(Self::Aes128GcmSha256),
            rustls::CipherSuite::TLS13_AES_256_GCM_SHA384 => Some(Self::Aes256GcmSha384),
            _ => None,
        }
    }
}

/// A key-exchange group a session negotiated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// X25519MLKEM768 (0x11EC): ML-KEM-768 and X25519 together.
    X25519MlKem768,
    /// X25519 (0x001D) alone.
    X25519,
}

impl Group {
    /// The IANA TLS named-group codepoint.
    pub fn codepoint(self) -> u16 {
        match self {
            Group::X25519MlKem768 => 0x11EC,
            Group::X25519 => 0x001D,
        }
    }

    /// The group's IANA name, as listings show it.
    pub fn name(self) -> &'static str {
        match self {
            Group::X25519MlKem768 => "X25519MLKEM768",
            Group::X25519 => "X25519",
        }
    }

    pub(crate) fn from_rustls(group: NamedGroup) -> Option<Self> {
        match group {
            NamedGroup::X25519MLKEM768 => Some(Self::X25519MlKem768),
            NamedGroup::X25519 => Some(Self::X25519),
            _ => None,
        }
    }
}

/// What a side offers: key exchange and cipher suites, in preference order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The key-exchange groups.
    pub key_exchange: KeyExchange,
    /// The cipher suites, most preferred first; must not be empty.
    pub cipher_suites: Vec<CipherSuite>,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            key_exchange: KeyExchange::default(),
            cipher_suites: CipherSuite::ALL.to_vec(),
        }
    }
}

/// A client's configuration, shared by all its sessions (cloning is cheap).
#[derive(Clone, Debug)]
pub struct ClientConfig(pub(crate) Arc<rustls::ClientConfig>);

impl ClientConfig {
    /// A client that trusts `roots`, checks validity against `clock` and
    /// offers what `policy` lists.
    pub fn new(
        crypto: &'static Crypto,
        clock: Arc<dyn Clock>,
        roots: &TrustStore,
        policy: &Policy,
    ) -> Result<Self, Error> {
        let provider = Arc::new(crypto.provider(policy));
        let verifier = WebPkiServerVerifier::builder_with_provider(
            Arc::new(roots.roots.clone()),
            provider.clone(),
        )
        .build()
        .map_err(|_| Error::BadTrustAnchor)?;
        let config =
            rustls::ClientConfig::builder_with_details(provider, Arc::new(ClockSource(clock)))
                .with_protocol_versions(&[&TLS13])?
                .with_webpki_verifier(verifier)
                .with_no_client_auth();
        Ok(Self(Arc::new(config)))
    }
}

/// A server's configuration, shared by all its sessions (cloning is cheap).
#[derive(Clone, Debug)]
pub struct ServerConfig(pub(crate) Arc<rustls::ServerConfig>);

impl ServerConfig {
    /// A server presenting `chain` and proving it with `key`, accepting what
    /// `policy` lists. Clients are not asked for certificates.
    pub fn new(
        crypto: &'static Crypto,
        clock: Arc<dyn Clock>,
        chain: CertificateChain,
        key: PrivateKey,
        policy: &Policy,
    ) -> Result<Self, Error> {
        if chain.0.is_empty() {
            return Err(Error::NoCertificate);
        }
        let provider = Arc::new(crypto.provider(policy));
        let signing_key = provider
            .key_provider
            .load_private_key(key.0)
            .map_err(|_| Error::UnsupportedPrivateKey)?;
        let certified = CertifiedKey::new(chain.0, signing_key);
        certified.keys_match()?;
        let mut config =
            rustls::ServerConfig::builder_with_details(provider, Arc::new(ClockSource(clock)))
                .with_protocol_versions(&[&TLS13])?
                .with_no_client_auth()
                .with_cert_resolver(Arc::new(SingleCertAndKey::from(certified)));
        // No resumption: the server keeps no session state and sends no tickets.
        config.send_tls13_tickets = 0;
        Ok(Self(Arc::new(config)))
    }
}
