//! Certificate verification on the client, and the server's credentials.

mod common;

use std::sync::Arc;

use aios_tls::{
    AlertDescription, CertificateChain, CertificateError, ClientConfig, Error, Group, Policy,
    PrivateKey, ServerConfig, Session, TrustStore,
};
use common::{
    Authority, BROKEN_CRYPTO, CRYPTO, Failure, FixedClock, NOW, SERVER_NAME, Setup, clock, converse,
};

/// Runs a handshake against a server holding `leaf`, with a client that
/// trusts `authority`; returns the client's failure and what the server saw.
fn client_refuses(authority: &Authority, leaf: &common::Leaf, name: &str) -> (Error, Error) {
    let client_config =
        ClientConfig::new(&CRYPTO, clock(), &authority.trust(), &Policy::default()).unwrap();
    let mut client = Session::client(&client_config, name).unwrap();
    let mut server = Session::server(&leaf.server_config(&Policy::default())).unwrap();
    let Err(Failure::Client(error)) = converse(&mut client, &mut server) else {
        panic!("the client accepted the server");
    };
    // The client's alert tells the server why.
    let server_error = server.receive(&client.take_outgoing()).unwrap_err();
    (error, server_error)
}

#[test]
fn a_trusted_chain_is_accepted() {
    let setup = Setup::new();
    let (mut client, mut server) = setup.sessions(&Policy::default(), &Policy::default());
    converse(&mut client, &mut server).expect("handshake");
    assert_eq!(client.negotiated_group(), Some(Group::X25519MlKem768));
}

#[test]
fn an_unknown_issuer_is_refused() {
    let trusted = Authority::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let stranger = Authority::named("Someone else's CA", &rcgen::PKCS_ECDSA_P256_SHA256);
    let leaf = stranger.issue(SERVER_NAME, &rcgen::PKCS_ECDSA_P256_SHA256, (2025, 2030));
    let (client, server) = client_refuses(&trusted, &leaf, SERVER_NAME);
    assert_eq!(client, Error::UnknownIssuer);
    assert_eq!(server, Error::PeerAlert(AlertDescription::UnknownCA));
}

#[test]
fn an_impostor_ca_with_a_trusted_name_is_refused() {
    // Same name as the trusted CA, different key: the signature gives it away.
    let trusted = Authority::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let impostor = Authority::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let leaf = impostor.issue(SERVER_NAME, &rcgen::PKCS_ECDSA_P256_SHA256, (2025, 2030));
    let (client, _) = client_refuses(&trusted, &leaf, SERVER_NAME);
    assert_eq!(
        client,
        Error::BadCertificate(CertificateError::BadSignature)
    );
}

#[test]
fn a_wrong_server_name_is_refused() {
    let setup = Setup::new();
    let (client, server) = client_refuses(&setup.authority, &setup.leaf, "other.aios.test");
    assert_eq!(client, Error::NameMismatch);
    assert_eq!(server, Error::PeerAlert(AlertDescription::BadCertificate));
}

#[test]
fn an_expired_certificate_is_refused() {
    let authority = Authority::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let leaf = authority.issue(SERVER_NAME, &rcgen::PKCS_ECDSA_P256_SHA256, (2020, 2025));
    let (client, server) = client_refuses(&authority, &leaf, SERVER_NAME);
    assert_eq!(client, Error::CertificateExpired);
    assert_eq!(
        server,
        Error::PeerAlert(AlertDescription::CertificateExpired)
    );
}

#[test]
fn a_certificate_not_yet_valid_is_refused() {
    let authority = Authority::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    let leaf = authority.issue(SERVER_NAME, &rcgen::PKCS_ECDSA_P256_SHA256, (2027, 2030));
    let (client, _) = client_refuses(&authority, &leaf, SERVER_NAME);
    assert_eq!(client, Error::CertificateNotYetValid);
}

#[test]
fn the_clock_decides_validity() {
    // The same certificate is accepted in 2026 and refused in 2031.
    let setup = Setup::new();
    for (now, expected) in [
        (NOW, Ok(())),
        (NOW + 5 * 365 * 86_400, Err(Error::CertificateExpired)),
    ] {
        let clock = Arc::new(FixedClock(Some(now)));
        let config =
            ClientConfig::new(&CRYPTO, clock, &setup.authority.trust(), &Policy::default())
                .unwrap();
        let mut client = Session::client(&config, SERVER_NAME).unwrap();
        let mut server = Session::server(&setup.server_config(&Policy::default())).unwrap();
        let result = converse(&mut client, &mut server).map(|_| ());
        assert_eq!(result, expected.map_err(Failure::Client));
    }
}

#[test]
fn an_unknown_time_fails_the_handshake() {
    let setup = Setup::new();
    let clock = Arc::new(FixedClock(None));
    let config =
        ClientConfig::new(&CRYPTO, clock, &setup.authority.trust(), &Policy::default()).unwrap();
    let mut client = Session::client(&config, SERVER_NAME).unwrap();
    let mut server = Session::server(&setup.server_config(&Policy::default())).unwrap();
    assert_eq!(
        converse(&mut client, &mut server),
        Err(Failure::Client(Error::ClockUnavailable))
    );
}

#[test]
fn a_failing_random_source_fails_cleanly() {
    let setup = Setup::new();
    let config = ClientConfig::new(
        &BROKEN_CRYPTO,
        clock(),
        &setup.authority.trust(),
        &Policy::default(),
    )
    .unwrap();
    assert_eq!(
        Session::client(&config, SERVER_NAME).err(),
        Some(Error::RandomUnavailable)
    );
}

#[test]
fn certificate_signatures_of_every_algorithm_verify() {
    // The CA's key decides the signature on the server's certificate.
    for algorithm in [
        &rcgen::PKCS_ECDSA_P256_SHA256,
        &rcgen::PKCS_ECDSA_P384_SHA384,
        &rcgen::PKCS_ED25519,
        &rcgen::PKCS_RSA_SHA256,
        &rcgen::PKCS_RSA_SHA384,
        &rcgen::PKCS_RSA_SHA512,
    ] {
        let authority = Authority::new(algorithm);
        let leaf = authority.issue(SERVER_NAME, &rcgen::PKCS_ECDSA_P256_SHA256, (2025, 2030));
        let client_config =
            ClientConfig::new(&CRYPTO, clock(), &authority.trust(), &Policy::default()).unwrap();
        let mut client = Session::client(&client_config, SERVER_NAME).unwrap();
        let mut server = Session::server(&leaf.server_config(&Policy::default())).unwrap();
        converse(&mut client, &mut server)
            .unwrap_or_else(|error| panic!("{algorithm:?}: {error:?}"));
    }
}

#[test]
fn servers_prove_themselves_with_p256_or_ed25519_keys() {
    let authority = Authority::new(&rcgen::PKCS_ECDSA_P256_SHA256);
    for algorithm in [&rcgen::PKCS_ECDSA_P256_SHA256, &rcgen::PKCS_ED25519] {
        let leaf = authority.issue(SERVER_NAME, algorithm, (2025, 2030));
        let client_config =
            ClientConfig::new(&CRYPTO, clock(), &authority.trust(), &Policy::default()).unwrap();
        let mut client = Session::client(&client_config, SERVER_NAME).unwrap();
        let mut server = Session::server(&leaf.server_config(&Policy::default())).unwrap();
        converse(&mut client, &mut server).expect("handshake");
    }
}

#[test]
fn credentials_load_from_pem() {
    let setup = Setup::new();
    let trust = TrustStore::from_pem(setup.authority.pem.as_bytes()).unwrap();
    assert_eq!(trust.len(), 1);
    let server_config = ServerConfig::new(
        &CRYPTO,
        clock(),
        CertificateChain::from_pem(setup.leaf.certificate_pem.as_bytes()).unwrap(),
        PrivateKey::from_pem(setup.leaf.key_pem.as_bytes()).unwrap(),
        &Policy::default(),
    )
    .unwrap();
    let client_config = ClientConfig::new(&CRYPTO, clock(), &trust, &Policy::default()).unwrap();
    let mut client = Session::client(&client_config, SERVER_NAME).unwrap();
    let mut server = Session::server(&server_config).unwrap();
    converse(&mut client, &mut server).expect("handshake");
}

#[test]
fn bad_credentials_are_refused_with_a_reason() {
    let setup = Setup::new();
    let other = setup
        .authority
        .issue(SERVER_NAME, &rcgen::PKCS_ECDSA_P256_SHA256, (2025, 2030));
    let server = |chain: CertificateChain, key: PrivateKey| {
        ServerConfig::new(&CRYPTO, clock(), chain, key, &Policy::default()).err()
    };
    let chain = || CertificateChain::from_der([setup.leaf.certificate.as_slice()]);
    assert_eq!(
        server(chain(), PrivateKey::from_pkcs8_der(&other.key)),
        Some(Error::KeyMismatch)
    );
    assert_eq!(
        server(chain(), PrivateKey::from_pkcs8_der(b"not a key")),
        Some(Error::UnsupportedPrivateKey)
    );
    let rsa = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    assert_eq!(
        server(chain(), PrivateKey::from_pkcs8_der(&rsa.serialize_der())),
        Some(Error::UnsupportedPrivateKey)
    );
    assert_eq!(
        server(
            CertificateChain::from_der([]),
            PrivateKey::from_pkcs8_der(&setup.leaf.key)
        ),
        Some(Error::NoCertificate)
    );
    assert_eq!(
        TrustStore::from_pem(b"no PEM here").err(),
        Some(Error::BadPem)
    );
    assert_eq!(
        PrivateKey::from_pem(b"-----BEGIN").err(),
        Some(Error::BadPem)
    );
    assert_eq!(
        TrustStore::from_der([b"not a certificate".as_slice()]).err(),
        Some(Error::BadTrustAnchor)
    );
    let config = ClientConfig::new(
        &CRYPTO,
        clock(),
        &setup.authority.trust(),
        &Policy::default(),
    )
    .unwrap();
    assert_eq!(
        Session::client(&config, "not a name!").err(),
        Some(Error::InvalidServerName)
    );
}
