//! Interop with an implementation that is not ours: rustls on its aws-lc-rs
//! provider, whose X25519MLKEM768 is AWS-LC's ML-KEM and X25519. A handshake
//! completes only if both ends derived the same 64-byte hybrid secret, so
//! our client against their server checks our decapsulation and X25519
//! against theirs, and their client against our server checks our
//! encapsulation.

mod common;

use std::io::{Read, Write};
use std::sync::Arc;

use aios_tls::{CipherSuite, ClientConfig, Group, Policy, Session};
use common::{Authority, CRYPTO, SERVER_NAME, clock, read_all};
use rustls::crypto::{CryptoProvider, aws_lc_rs};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::{Connection, NamedGroup, RootCertStore};

/// Their provider, as shipped: X25519MLKEM768 preferred.
fn their_provider() -> CryptoProvider {
    let provider = aws_lc_rs::default_provider();
    assert_eq!(provider.kx_groups[0].name(), NamedGroup::X25519MLKEM768);
    provider
}

fn their_server(provider: CryptoProvider, leaf: &common::Leaf) -> Connection {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf.certificate.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf.key.clone())),
        )
        .unwrap();
    Connection::Server(rustls::ServerConnection::new(Arc::new(config)).unwrap())
}

fn their_client(provider: CryptoProvider, authority: &Authority) -> Connection {
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(authority.der.clone()))
        .unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = ServerName::try_from(SERVER_NAME).unwrap();
    Connection::Client(rustls::ClientConnection::new(Arc::new(config), name).unwrap())
}

fn our_client(authority: &Authority) -> Session {
    let config =
        ClientConfig::new(&CRYPTO, clock(), &authority.trust(), &Policy::default()).unwrap();
    Session::client(&config, SERVER_NAME).unwrap()
}

/// Moves bytes between our session and theirs until both are quiet; their
/// plaintext is read as it arrives (their buffer holds only 16 KiB).
fn converse(ours: &mut Session, theirs: &mut Connection) -> Result<Vec<u8>, String> {
    let mut their_plaintext = Vec::new();
    for _ in 0..16 {
        let to_them = ours.take_outgoing();
        let mut unread = to_them.as_slice();
        while !unread.is_empty() {
            theirs
                .read_tls(&mut unread)
                .map_err(|error| format!("theirs: {error}"))?;
            theirs
                .process_new_packets()
                .map_err(|error| format!("theirs: {error}"))?;
            let mut chunk = [0; 4096];
            while let Ok(count @ 1..) = theirs.reader().read(&mut chunk) {
                their_plaintext.extend_from_slice(&chunk[..count]);
            }
        }
        let mut to_us = Vec::new();
        while theirs.wants_write() {
            theirs.write_tls(&mut to_us).unwrap();
        }
        ours.receive(&to_us)
            .map_err(|error| format!("ours: {error}"))?;
        if to_them.is_empty() && to_us.is_empty() {
            return Ok(their_plaintext);
        }
    }
    Err("still talking after 16 rounds".into())
}

/// Sends a message each way and checks it arrived intact.
fn exchange_data(ours: &mut Session, theirs: &mut Connection) {
    let upload: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    ours.write(&upload).unwrap();
    theirs.writer().write_all(b"hello from aws-lc-rs").unwrap();
    let received = converse(ours, theirs).unwrap();
    assert_eq!(received, upload);
    assert_eq!(read_all(ours), b"hello from aws-lc-rs");
}

#[test]
fn our_client_and_their_server_agree_on_the_hybrid() {
    let authority = Authority::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let leaf = authority.issue(SERVER_NAME, &rcgen::PKCS_ECDSA_P256_SHA256, (2000, 2100));
    let mut ours = our_client(&authority);
    let mut theirs = their_server(their_provider(), &leaf);
    converse(&mut ours, &mut theirs).expect("handshake");
    assert_eq!(ours.negotiated_group(), Some(Group::X25519MlKem768));
    assert_eq!(
        theirs
            .negotiated_key_exchange_group()
            .map(|group| group.name()),
        Some(NamedGroup::X25519MLKEM768)
    );
    exchange_data(&mut ours, &mut theirs);
}

#[test]
fn their_client_and_our_server_agree_on_the_hybrid() {
    let authority = Authority::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    for algorithm in [&rcgen::PKCS_ECDSA_P256_SHA256, &rcgen::PKCS_ED25519] {
        let leaf = authority.issue(SERVER_NAME, algorithm, (2000, 2100));
        let mut ours = Session::server(&leaf.server_config(&Policy::default())).unwrap();
        let mut theirs = their_client(their_provider(), &authority);
        converse(&mut ours, &mut theirs).expect("handshake");
        assert_eq!(ours.negotiated_group(), Some(Group::X25519MlKem768));
        assert_eq!(
            theirs
                .negotiated_key_exchange_group()
                .map(|group| group.name()),
            Some(NamedGroup::X25519MLKEM768)
        );
        exchange_data(&mut ours, &mut theirs);
    }
}

#[test]
fn a_client_without_the_hybrid_gets_x25519_from_our_server() {
    let authority = Authority::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let leaf = authority.issue(SERVER_NAME, &rcgen::PKCS_ECDSA_P256_SHA256, (2000, 2100));
    let mut provider = their_provider();
    provider.kx_groups = vec![aws_lc_rs::kx_group::X25519];
    let mut ours = Session::server(&leaf.server_config(&Policy::default())).unwrap();
    let mut theirs = their_client(provider, &authority);
    converse(&mut ours, &mut theirs).expect("handshake");
    assert_eq!(ours.negotiated_group(), Some(Group::X25519));
    exchange_data(&mut ours, &mut theirs);
}

#[test]
fn every_cipher_suite_interoperates() {
    let authority = Authority::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let leaf = authority.issue(SERVER_NAME, &rcgen::PKCS_ECDSA_P256_SHA256, (2000, 2100));
    for (ours_suite, theirs_suite) in [
        (
            CipherSuite::ChaCha20Poly1305Sha256,
            aws_lc_rs::cipher_suite::TLS13_CHACHA20_POLY1305_SHA256,
        ),
        (
            CipherSuite::Aes128GcmSha256,
            aws_lc_rs::cipher_suite::TLS13_AES_128_GCM_SHA256,
        ),
        (
            CipherSuite::Aes256GcmSha384,
            aws_lc_rs::cipher_suite::TLS13_AES_256_GCM_SHA384,
        ),
    ] {
        let mut provider = their_provider();
        provider.cipher_suites = vec![theirs_suite];
        let mut ours = Session::server(&leaf.server_config(&Policy::default())).unwrap();
        let mut theirs = their_client(provider, &authority);
        converse(&mut ours, &mut theirs).expect("handshake");
        assert_eq!(ours.cipher_suite(), Some(ours_suite));
        exchange_data(&mut ours, &mut theirs);
    }
}

#[test]
fn our_client_verifies_an_rsa_server() {
    // An RSA CA (PKCS#1 v1.5 certificate signature) and an RSA server key
    // (RSA-PSS in CertificateVerify, as TLS 1.3 requires).
    let authority = Authority::new(&rcgen::PKCS_RSA_SHA256);
    let leaf = authority.issue(SERVER_NAME, &rcgen::PKCS_RSA_SHA256, (2000, 2100));
    let mut ours = our_client(&authority);
    let mut theirs = their_server(their_provider(), &leaf);
    converse(&mut ours, &mut theirs).expect("handshake");
    assert_eq!(ours.negotiated_group(), Some(Group::X25519MlKem768));
    exchange_data(&mut ours, &mut theirs);
}
