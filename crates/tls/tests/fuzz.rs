//! Property tests: no bytes from a peer make a session panic.

mod common;

use std::sync::OnceLock;

use aios_tls::{ClientConfig, Policy, ServerConfig, Session};
use common::{SERVER_NAME, Setup, converse};
use proptest::prelude::*;

struct Configs {
    client: ClientConfig,
    server: ServerConfig,
    /// A real ClientHello and the server's real answer to it.
    client_hello: Vec<u8>,
    server_flight: Vec<u8>,
}

fn configs() -> &'static Configs {
    static CONFIGS: OnceLock<Configs> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        let setup = Setup::new();
        let client = setup.client_config(&Policy::default());
        let server = setup.server_config(&Policy::default());
        let mut client_session = Session::client(&client, SERVER_NAME).unwrap();
        let mut server_session = Session::server(&server).unwrap();
        let client_hello = client_session.take_outgoing();
        server_session.receive(&client_hello).unwrap();
        let server_flight = server_session.take_outgoing();
        Configs {
            client,
            server,
            client_hello,
            server_flight,
        }
    })
}

/// Feeds `chunks` to `session` until it fails; a failed session must stay
/// failed with the same error.
fn feed(session: &mut Session, chunks: &[Vec<u8>]) {
    for chunk in chunks {
        if let Err(error) = session.receive(chunk) {
            assert_eq!(session.receive(&[]), Err(error.clone()));
            assert_eq!(session.write(b"x"), Err(error));
            return;
        }
        let _ = session.take_outgoing();
    }
}

fn chunks() -> impl Strategy<Value = Vec<Vec<u8>>> {
    proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..600), 1..6)
}

/// A TLS record header for `content_type` and `length`, then `body`.
fn record(content_type: u8, body: &[u8]) -> Vec<u8> {
    let mut bytes = vec![content_type, 3, 3];
    bytes.extend_from_slice(&(body.len() as u16).to_be_bytes());
    bytes.extend_from_slice(body);
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_bytes_never_panic_a_server(chunks in chunks()) {
        let mut server = Session::server(&configs().server).unwrap();
        feed(&mut server, &chunks);
    }

    #[test]
    fn random_bytes_never_panic_a_client(chunks in chunks()) {
        let mut client = Session::client(&configs().client, SERVER_NAME).unwrap();
        feed(&mut client, &chunks);
    }

    #[test]
    fn random_records_never_panic_either_side(
        bodies in proptest::collection::vec((20u8..=24, proptest::collection::vec(any::<u8>(), 0..300)), 1..8),
    ) {
        let records: Vec<Vec<u8>> = bodies.iter().map(|(kind, body)| record(*kind, body)).collect();
        let mut server = Session::server(&configs().server).unwrap();
        feed(&mut server, &records);
        let mut client = Session::client(&configs().client, SERVER_NAME).unwrap();
        feed(&mut client, &records);
    }

    #[test]
    fn mutated_handshakes_never_panic_and_are_refused(
        at in any::<prop::sample::Index>(),
        xor in 1u8..=255,
        split in any::<prop::sample::Index>(),
    ) {
        let configs = configs();
        // A mutated ClientHello: refused, or answered (the server cannot tell
        // every change), but never a panic.
        let mut hello = configs.client_hello.clone();
        let i = at.index(hello.len());
        hello[i] ^= xor;
        let mut server = Session::server(&configs.server).unwrap();
        let (first, rest) = hello.split_at(split.index(hello.len()));
        feed(&mut server, &[first.to_vec(), rest.to_vec()]);

        // A mutated answer to a real ClientHello can never complete: the
        // transcript, the key share or a record's tag no longer match.
        let mut flight = configs.server_flight.clone();
        let i = at.index(flight.len());
        flight[i] ^= xor;
        let mut client = Session::client(&configs.client, SERVER_NAME).unwrap();
        let mut server = Session::server(&configs.server).unwrap();
        server.receive(&client.take_outgoing()).unwrap();
        let _ = server.take_outgoing();
        prop_assert!(client.receive(&flight).is_err() || client.is_handshaking());
    }
}

#[test]
fn the_fixture_handshake_is_real() {
    let configs = configs();
    let mut client = Session::client(&configs.client, SERVER_NAME).unwrap();
    let mut server = Session::server(&configs.server).unwrap();
    converse(&mut client, &mut server).expect("handshake");
}
