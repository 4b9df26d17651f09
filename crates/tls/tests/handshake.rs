//! In-memory handshakes between two sessions on this crate's provider:
//! groups, cipher suites, application data, closing.

mod common;

use aios_tls::{
    AlertDescription, CipherSuite, Error, Group, KeyExchange, PeerIncompatible, Policy,
};
use common::{Failure, Setup, converse, read_all};

fn policy(key_exchange: KeyExchange) -> Policy {
    Policy {
        key_exchange,
        ..Policy::default()
    }
}

#[test]
fn hybrid_is_negotiated_when_both_offer_it() {
    let setup = Setup::new();
    let (mut client, mut server) = setup.sessions(&Policy::default(), &Policy::default());
    assert!(client.is_handshaking() && server.is_handshaking());
    converse(&mut client, &mut server).expect("handshake");
    assert!(!client.is_handshaking() && !server.is_handshaking());
    assert_eq!(client.negotiated_group(), Some(Group::X25519MlKem768));
    assert_eq!(server.negotiated_group(), Some(Group::X25519MlKem768));
    assert_eq!(Group::X25519MlKem768.codepoint(), 0x11EC);
}

#[test]
fn x25519_is_negotiated_when_the_server_lacks_the_hybrid_without_a_retry() {
    let setup = Setup::new();
    let (mut client, mut server) =
        setup.sessions(&Policy::default(), &policy(KeyExchange::ClassicalOnly));
    let flights = converse(&mut client, &mut server).expect("handshake");
    assert_eq!(client.negotiated_group(), Some(Group::X25519));
    assert_eq!(server.negotiated_group(), Some(Group::X25519));
    // ClientHello, then Finished: the X25519 share rode along with the
    // hybrid one, so no HelloRetryRequest was needed.
    assert_eq!(flights, 2);
}

#[test]
fn hybrid_only_client_and_classical_only_server_fail_clearly() {
    let setup = Setup::new();
    let (mut client, mut server) = setup.sessions(
        &policy(KeyExchange::HybridOnly),
        &policy(KeyExchange::ClassicalOnly),
    );
    let failure = converse(&mut client, &mut server).unwrap_err();
    assert_eq!(
        failure,
        Failure::Server(Error::NoCommonParameters(
            PeerIncompatible::NoKxGroupsInCommon
        ))
    );
    // The server's alert reaches the client.
    client.receive(&server.take_outgoing()).unwrap_err();
    assert_eq!(
        client.failure(),
        Some(&Error::PeerAlert(AlertDescription::HandshakeFailure))
    );
}

#[test]
fn each_cipher_suite_carries_data() {
    let setup = Setup::new();
    for suite in CipherSuite::ALL {
        let only = Policy {
            cipher_suites: vec![suite],
            ..Policy::default()
        };
        let (mut client, mut server) = setup.sessions(&only, &Policy::default());
        converse(&mut client, &mut server).expect("handshake");
        assert_eq!(client.cipher_suite(), Some(suite));
        assert_eq!(server.cipher_suite(), Some(suite));
        client.write(b"ping").unwrap();
        converse(&mut client, &mut server).unwrap();
        assert_eq!(read_all(&mut server), b"ping");
        server.write(b"pong").unwrap();
        converse(&mut client, &mut server).unwrap();
        assert_eq!(read_all(&mut client), b"pong");
    }
}

#[test]
fn a_mebibyte_crosses_both_ways() {
    let setup = Setup::new();
    let (mut client, mut server) = setup.sessions(&Policy::default(), &Policy::default());
    let upload: Vec<u8> = (0..1 << 20)
        .map(|i: u32| (i * 7 + (i >> 11)) as u8)
        .collect();
    let download: Vec<u8> = upload.iter().rev().copied().collect();
    // Written before the handshake ends: held back, then sent.
    client.write(&upload).unwrap();
    converse(&mut client, &mut server).expect("handshake");
    server.write(&download).unwrap();
    converse(&mut client, &mut server).unwrap();
    assert_eq!(read_all(&mut server), upload);
    assert_eq!(read_all(&mut client), download);
}

#[test]
fn records_may_arrive_one_byte_at_a_time() {
    let setup = Setup::new();
    let (mut client, mut server) = setup.sessions(&Policy::default(), &Policy::default());
    converse(&mut client, &mut server).expect("handshake");
    client.write(b"dribble").unwrap();
    for byte in client.take_outgoing() {
        server.receive(&[byte]).unwrap();
    }
    assert_eq!(read_all(&mut server), b"dribble");
}

#[test]
fn close_is_seen_by_the_peer_and_stops_writes() {
    let setup = Setup::new();
    let (mut client, mut server) = setup.sessions(&Policy::default(), &Policy::default());
    converse(&mut client, &mut server).expect("handshake");
    client.write(b"last words").unwrap();
    client.close().unwrap();
    assert_eq!(client.write(b"more"), Err(Error::Closed));
    converse(&mut client, &mut server).unwrap();
    assert!(server.peer_closed());
    assert_eq!(read_all(&mut server), b"last words");
    // The server may still answer before closing its side.
    server.write(b"noted").unwrap();
    server.close().unwrap();
    converse(&mut client, &mut server).unwrap();
    assert_eq!(read_all(&mut client), b"noted");
    assert!(client.peer_closed());
}
