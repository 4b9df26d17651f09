//! Shared test fixtures: a deterministic random source, a settable clock,
//! certificates made with rcgen, and a loop that moves bytes between two
//! sessions.

#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use aios_tls::{
    CertificateChain, ClientConfig, Clock, Crypto, Error, Policy, PrivateKey, Random,
    RandomUnavailable, ServerConfig, Session, TrustStore,
};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SignatureAlgorithm,
    date_time_ymd,
};
use sha2::{Digest, Sha256};

/// Random bytes from SHA-256 over a counter: deterministic across runs,
/// different for every call.
pub struct CounterRandom(AtomicU64);

impl Random for CounterRandom {
    fn fill(&self, destination: &mut [u8]) -> Result<(), RandomUnavailable> {
        for chunk in destination.chunks_mut(32) {
            let block = Sha256::digest(self.0.fetch_add(1, Ordering::Relaxed).to_le_bytes());
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(())
    }
}

/// A random source that always fails, as a DRBG whose health check failed.
pub struct BrokenRandom;

impl Random for BrokenRandom {
    fn fill(&self, _: &mut [u8]) -> Result<(), RandomUnavailable> {
        Err(RandomUnavailable)
    }
}

static RANDOM: CounterRandom = CounterRandom(AtomicU64::new(0));
/// The crypto every test shares, as the kernel keeps one in a static.
pub static CRYPTO: Crypto = Crypto::new(&RANDOM);
pub static BROKEN_CRYPTO: Crypto = Crypto::new(&BrokenRandom);

/// 2026-01-01T00:00:00Z.
pub const NOW: u64 = 1_767_225_600;

/// A clock the test sets; `None` means the time is unknown.
pub struct FixedClock(pub Option<u64>);

impl Clock for FixedClock {
    fn unix_seconds(&self) -> Option<u64> {
        self.0
    }
}

pub fn clock() -> Arc<dyn Clock> {
    Arc::new(FixedClock(Some(NOW)))
}

pub const SERVER_NAME: &str = "node.aios.test";

/// A certificate authority made for one test.
pub struct Authority {
    pub der: Vec<u8>,
    pub pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl Authority {
    pub fn new(algorithm: &'static SignatureAlgorithm) -> Self {
        Self::named("AIOS test CA", algorithm)
    }

    pub fn named(name: &str, algorithm: &'static SignatureAlgorithm) -> Self {
        let key = KeyPair::generate_for(algorithm).expect("CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let certificate = params.self_signed(&key).expect("CA certificate");
        Self {
            der: certificate.der().to_vec(),
            pem: certificate.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    pub fn trust(&self) -> TrustStore {
        TrustStore::from_der([self.der.as_slice()]).expect("trust store")
    }

    /// A server certificate for `name`, valid from `not_before` to
    /// `not_after` (years), with a fresh key of `algorithm`.
    pub fn issue(
        &self,
        name: &str,
        algorithm: &'static SignatureAlgorithm,
        years: (i32, i32),
    ) -> Leaf {
        let key = KeyPair::generate_for(algorithm).expect("leaf key");
        let mut params = CertificateParams::new(vec![name.to_string()]).expect("leaf params");
        params.not_before = date_time_ymd(years.0, 1, 1);
        params.not_after = date_time_ymd(years.1, 1, 1);
        let certificate = params
            .signed_by(&key, &self.issuer)
            .expect("leaf certificate");
        Leaf {
            certificate: certificate.der().to_vec(),
            certificate_pem: certificate.pem(),
            key: key.serialize_der(),
            key_pem: key.serialize_pem(),
        }
    }
}

/// A server's certificate and PKCS#8 key.
pub struct Leaf {
    pub certificate: Vec<u8>,
    pub certificate_pem: String,
    pub key: Vec<u8>,
    pub key_pem: String,
}

impl Leaf {
    pub fn server_config(&self, policy: &Policy) -> ServerConfig {
        ServerConfig::new(
            &CRYPTO,
            clock(),
            CertificateChain::from_der([self.certificate.as_slice()]),
            PrivateKey::from_pkcs8_der(&self.key),
            policy,
        )
        .expect("server config")
    }
}

/// A CA, a server certificate from it valid now, and configs for both ends.
pub struct Setup {
    pub authority: Authority,
    pub leaf: Leaf,
}

impl Setup {
    pub fn new() -> Self {
        let authority = Authority::new(&rcgen::PKCS_ECDSA_P256_SHA256);
        let leaf = authority.issue(SERVER_NAME, &rcgen::PKCS_ECDSA_P256_SHA256, (2025, 2030));
        Self { authority, leaf }
    }

    pub fn client_config(&self, policy: &Policy) -> ClientConfig {
        ClientConfig::new(&CRYPTO, clock(), &self.authority.trust(), policy).expect("client config")
    }

    pub fn server_config(&self, policy: &Policy) -> ServerConfig {
        self.leaf.server_config(policy)
    }

    /// A client and a server session with these policies, not started.
    pub fn sessions(&self, client: &Policy, server: &Policy) -> (Session, Session) {
        (
            Session::client(&self.client_config(client), SERVER_NAME).expect("client session"),
            Session::server(&self.server_config(server)).expect("server session"),
        )
    }
}

/// Which side failed, and how.
#[derive(Debug, PartialEq)]
pub enum Failure {
    Client(Error),
    Server(Error),
}

/// Moves bytes both ways until both sessions are quiet. Returns how many
/// flights the client sent.
pub fn converse(client: &mut Session, server: &mut Session) -> Result<usize, Failure> {
    let mut client_flights = 0;
    for _ in 0..16 {
        let to_server = client.take_outgoing();
        if !to_server.is_empty() {
            client_flights += 1;
            server.receive(&to_server).map_err(Failure::Server)?;
        }
        let to_client = server.take_outgoing();
        if !to_client.is_empty() {
            client.receive(&to_client).map_err(Failure::Client)?;
        }
        if to_server.is_empty() && to_client.is_empty() {
            return Ok(client_flights);
        }
    }
    panic!("sessions still talking after 16 rounds");
}

/// Reads everything the session has received.
pub fn read_all(session: &mut Session) -> Vec<u8> {
    let mut bytes = vec![0; session.readable()];
    let count = session.read(&mut bytes);
    bytes.truncate(count);
    bytes
}
