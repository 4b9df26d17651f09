//! TLS streams between two stacks on an in-memory wire: a handshake that
//! goes on while nobody calls, the hybrid group negotiated, bulk plaintext
//! both ways, `close_notify` as the end of the stream; and the failures an
//! agent must be told about: an untrusted certificate, a wrong name, a
//! peer that ends the stream mid-handshake or without `close_notify`, a
//! peer that speaks no TLS.

mod common;
#[path = "../../tls/tests/common/mod.rs"]
mod fixtures;

use aios_net::{EndpointId, Net, NetError, TlsFailure};
use aios_tls::{KeyExchange, Policy};
use common::{MAC_A, MAC_B, stack, wire};
use fixtures::{Authority, SERVER_NAME, Setup};

const MS: u64 = 1_000_000;

fn pair() -> (Net, Net) {
    let (a, b) = wire(MAC_A, MAC_B);
    (
        stack(a, "10.0.0.1/24", None, 0),
        stack(b, "10.0.0.2/24", None, 0),
    )
}

/// Polls both stacks a millisecond apart until `done`; panics after ten
/// simulated seconds.
fn until(a: &Net, b: &Net, clock: &mut u64, mut done: impl FnMut(u64) -> bool) {
    for _ in 0..10_000 {
        if done(*clock) {
            return;
        }
        *clock += MS;
        a.poll(*clock);
        b.poll(*clock);
    }
    panic!("condition never met");
}

/// A client stream from `a` to a TLS listener on `b`, and the server's
/// accepted stream, once the client's handshake is over (or failed).
fn handshake(
    a: &Net,
    b: &Net,
    setup: &Setup,
    client: &Policy,
    server: &Policy,
    clock: &mut u64,
) -> (EndpointId, EndpointId) {
    let listener = b.listen_tls(443, &setup.server_config(server)).unwrap();
    let stream = a
        .connect_tls(
            "10.0.0.2",
            443,
            SERVER_NAME,
            &setup.client_config(client),
            *clock,
            5000 * MS,
        )
        .unwrap();
    until(a, b, clock, |_| b.readiness(listener).unwrap().readable);
    let (accepted, _) = b.accept(listener, *clock).unwrap();
    until(a, b, clock, |_| {
        let ready = a.readiness(stream).unwrap();
        ready.writable || ready.error.is_some()
    });
    (stream, accepted)
}

/// Polls until stream `id` on `a` fails; its reason.
fn failure_of(a: &Net, b: &Net, clock: &mut u64, id: EndpointId) -> Option<NetError> {
    until(a, b, clock, |_| a.readiness(id).unwrap().error.is_some());
    a.readiness(id).unwrap().error
}

/// Reads from `id` until the end of the stream or an error.
fn read_to_end(
    reader: &Net,
    other: &Net,
    id: EndpointId,
    clock: &mut u64,
) -> (Vec<u8>, Result<(), NetError>) {
    let mut got = Vec::new();
    let mut buf = vec![0u8; 8192];
    for _ in 0..100_000 {
        match reader.recv(id, &mut buf, *clock) {
            Ok(0) => return (got, Ok(())),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(NetError::WouldBlock) => {
                *clock += MS;
                reader.poll(*clock);
                other.poll(*clock);
            }
            Err(e) => return (got, Err(e)),
        }
    }
    panic!("stream never ended");
}

#[test]
fn a_tls_stream_negotiates_the_hybrid_group_and_carries_bytes_both_ways() {
    let (a, b) = pair();
    let setup = Setup::new();
    let mut clock = 0;
    let policy = Policy::default();
    let (client, server) = handshake(&a, &b, &setup, &policy, &policy, &mut clock);
    let ready = a.readiness(client).unwrap();
    assert!(ready.open && ready.error.is_none(), "{ready:?}");
    let info = a.endpoint_info(client).unwrap();
    assert_eq!(info.kind, "tls");
    assert!(
        info.state
            .contains("TLS 1.3, X25519MLKEM768, TLS_CHACHA20_POLY1305_SHA256"),
        "{}",
        info.state
    );

    // 300 KiB from the client: more than the server's socket buffer and
    // its unread-plaintext limit, so both backpressures are crossed.
    let data: Vec<u8> = (0..300 * 1024).map(|i| (i * 31 + i / 977) as u8).collect();
    let mut sent = 0;
    let mut received = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    while received.len() < data.len() {
        if sent < data.len() {
            match a.send(client, &data[sent..], clock) {
                Ok(n) => sent += n,
                Err(NetError::WouldBlock) => {}
                Err(e) => panic!("send: {e}"),
            }
        }
        match b.recv(server, &mut buf, clock) {
            Ok(n) => received.extend_from_slice(&buf[..n]),
            Err(NetError::WouldBlock) => {
                clock += MS;
                a.poll(clock);
                b.poll(clock);
            }
            Err(e) => panic!("recv: {e}"),
        }
    }
    assert!(received == data, "the plaintext arrived changed");

    b.send(server, b"and back", clock).unwrap();
    b.close(server, clock);
    let (back, end) = read_to_end(&a, &b, client, &mut clock);
    assert_eq!((back.as_slice(), end), (&b"and back"[..], Ok(())));
}

#[test]
fn a_client_offering_only_x25519_gets_x25519() {
    let (a, b) = pair();
    let setup = Setup::new();
    let mut clock = 0;
    let classical = Policy {
        key_exchange: KeyExchange::ClassicalOnly,
        ..Policy::default()
    };
    let (client, _) = handshake(&a, &b, &setup, &classical, &Policy::default(), &mut clock);
    let state = a.endpoint_info(client).unwrap().state;
    assert!(state.contains("TLS 1.3, X25519, "), "{state}");
}

#[test]
fn an_untrusted_certificate_fails_the_connect_and_the_server_hears_why() {
    let (a, b) = pair();
    let setup = Setup::new();
    let stranger = Authority::named("Some other CA", &rcgen::PKCS_ECDSA_P256_SHA256);
    let other = Setup {
        authority: stranger,
        leaf: setup
            .authority
            .issue(SERVER_NAME, &rcgen::PKCS_ECDSA_P256_SHA256, (2025, 2030)),
    };
    let mut clock = 0;
    let policy = Policy::default();
    // The server presents `setup`'s certificate; the client trusts only
    // the stranger.
    let listener = b.listen_tls(443, &setup.server_config(&policy)).unwrap();
    let client = a
        .connect_tls(
            "10.0.0.2",
            443,
            SERVER_NAME,
            &other.client_config(&policy),
            clock,
            5000 * MS,
        )
        .unwrap();
    until(&a, &b, &mut clock, |_| {
        b.readiness(listener).unwrap().readable
    });
    let (server, _) = b.accept(listener, clock).unwrap();
    let failure = NetError::Tls(TlsFailure::Untrusted);
    assert_eq!(failure_of(&a, &b, &mut clock, client), Some(failure));
    assert_eq!(a.send(client, b"x", clock), Err(failure));
    assert_eq!(
        failure.to_string(),
        "TLS: the peer's certificate is not trusted"
    );
    let (_, end) = read_to_end(&b, &a, server, &mut clock);
    assert_eq!(end, Err(NetError::Tls(TlsFailure::PeerAlert)));
}

#[test]
fn a_certificate_for_another_name_fails_with_wrong_name() {
    let (a, b) = pair();
    let setup = Setup::new();
    let mut clock = 0;
    let policy = Policy::default();
    let listener = b.listen_tls(443, &setup.server_config(&policy)).unwrap();
    let client = a
        .connect_tls(
            "10.0.0.2",
            443,
            "other.aios.test",
            &setup.client_config(&policy),
            clock,
            5000 * MS,
        )
        .unwrap();
    let mut accepted = None;
    until(&a, &b, &mut clock, |now| {
        if accepted.is_none() {
            accepted = b.accept(listener, now).ok();
        }
        a.readiness(client).unwrap().error.is_some()
    });
    assert_eq!(
        a.readiness(client).unwrap().error,
        Some(NetError::Tls(TlsFailure::WrongName))
    );
}

#[test]
fn a_peer_that_speaks_no_tls_or_hangs_up_is_reported_not_waited_on() {
    let (a, b) = pair();
    let setup = Setup::new();
    let mut clock = 0;
    let config = setup.client_config(&Policy::default());
    let plain = b.listen(80).unwrap();

    // A plain server that answers the ClientHello with HTTP.
    let client = a
        .connect_tls("10.0.0.2", 80, SERVER_NAME, &config, clock, 5000 * MS)
        .unwrap();
    until(&a, &b, &mut clock, |_| b.readiness(plain).unwrap().readable);
    let (server, _) = b.accept(plain, clock).unwrap();
    b.send(server, b"HTTP/1.1 400 Bad Request\r\n\r\n", clock)
        .unwrap();
    assert_eq!(
        failure_of(&a, &b, &mut clock, client),
        Some(NetError::Tls(TlsFailure::Protocol))
    );
    b.close(server, clock);

    // A server that hangs up without a word.
    let client = a
        .connect_tls("10.0.0.2", 80, SERVER_NAME, &config, clock, 5000 * MS)
        .unwrap();
    until(&a, &b, &mut clock, |_| b.readiness(plain).unwrap().readable);
    let (server, _) = b.accept(plain, clock).unwrap();
    b.close(server, clock);
    assert_eq!(
        failure_of(&a, &b, &mut clock, client),
        Some(NetError::Tls(TlsFailure::Truncated))
    );
}

#[test]
fn a_stream_cut_after_the_handshake_without_close_notify_is_an_error_not_an_end() {
    let (a, b) = pair();
    let setup = Setup::new();
    let mut clock = 0;
    let policy = Policy::default();
    // The server's session runs by hand over a plain stream, so the test
    // can end the TCP stream without a close_notify.
    let listener = b.listen(443).unwrap();
    let client = a
        .connect_tls(
            "10.0.0.2",
            443,
            SERVER_NAME,
            &setup.client_config(&policy),
            clock,
            5000 * MS,
        )
        .unwrap();
    until(&a, &b, &mut clock, |_| {
        b.readiness(listener).unwrap().readable
    });
    let (server, _) = b.accept(listener, clock).unwrap();
    let mut session = aios_tls::Session::server(&setup.server_config(&policy)).unwrap();
    let mut buf = vec![0u8; 16 * 1024];
    until(&a, &b, &mut clock, |now| {
        if let Ok(n) = b.recv(server, &mut buf, now) {
            session.receive(&buf[..n]).unwrap();
        }
        let out = session.take_outgoing();
        if !out.is_empty() {
            assert_eq!(b.send(server, &out, now), Ok(out.len()));
        }
        a.readiness(client).unwrap().open
    });
    session.write(b"partial").unwrap();
    let out = session.take_outgoing();
    b.send(server, &out, clock).unwrap();
    b.close(server, clock);
    let (got, end) = read_to_end(&a, &b, client, &mut clock);
    assert_eq!(got, b"partial");
    assert_eq!(end, Err(NetError::Tls(TlsFailure::Truncated)));
}
