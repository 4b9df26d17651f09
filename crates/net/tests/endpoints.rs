//! Agents' endpoints between stacks on an in-memory hub: TCP streams both
//! ways with a bulk transfer, listeners and their backlog, UDP, names
//! resolved by DNS, refusals and timeouts.

mod common;

use aios_net::{EndpointId, IpAddress, IpEndpoint, Ipv4Address, Net, NetError};
use common::{DnsPeer, MAC_A, MAC_B, hub, stack, wire};

const MS: u64 = 1_000_000;

/// Polls the stacks (and the DNS peer) a millisecond apart until `done`
/// says so; panics after thirty simulated seconds (TIME-WAIT is ten).
fn until(
    stacks: &[&Net],
    mut dns: Option<&mut DnsPeer>,
    clock: &mut u64,
    mut done: impl FnMut(u64) -> bool,
) {
    for _ in 0..30_000 {
        if done(*clock) {
            return;
        }
        *clock += MS;
        for net in stacks {
            net.poll(*clock);
        }
        if let Some(peer) = dns.as_deref_mut() {
            peer.poll(*clock);
        }
    }
    panic!("condition never met");
}

/// A connected pair: (client stream, server listener, server stream).
fn connected(a: &Net, b: &Net, clock: &mut u64) -> (EndpointId, EndpointId, EndpointId) {
    let listener = b.listen(7).unwrap();
    let client = a.connect("10.0.0.2", 7, *clock, 1000 * MS).unwrap();
    until(&[a, b], None, clock, |_| {
        a.readiness(client).unwrap().writable
    });
    until(&[a, b], None, clock, |_| {
        b.readiness(listener).unwrap().readable
    });
    let (server, peer) = b.accept(listener, *clock).unwrap();
    assert_eq!(peer.addr, IpAddress::v4(10, 0, 0, 1));
    assert!(peer.port >= 49152, "{peer:?}");
    (client, listener, server)
}

fn pair() -> (Net, Net) {
    let (a, b) = wire(MAC_A, MAC_B);
    (
        stack(a, "10.0.0.1/24", None, 0),
        stack(b, "10.0.0.2/24", None, 0),
    )
}

#[test]
fn a_stream_carries_bytes_both_ways_and_ends_cleanly() {
    let (a, b) = pair();
    let mut clock = 0;
    let (client, _listener, server) = connected(&a, &b, &mut clock);
    assert_eq!(a.send(client, b"hello", clock).unwrap(), 5);
    let mut buf = [0u8; 64];
    until(&[&a, &b], None, &mut clock, |_| {
        b.readiness(server).unwrap().readable
    });
    assert_eq!(b.recv(server, &mut buf, clock).unwrap(), 5);
    assert_eq!(&buf[..5], b"hello");
    assert_eq!(b.recv(server, &mut buf, clock), Err(NetError::WouldBlock));
    b.send(server, b"world", clock).unwrap();
    until(&[&a, &b], None, &mut clock, |_| {
        a.readiness(client).unwrap().readable
    });
    assert_eq!(a.recv(client, &mut buf, clock).unwrap(), 5);
    assert_eq!(&buf[..5], b"world");
    let info = a.endpoint_info(client).unwrap();
    assert_eq!((info.kind, info.state.as_str()), ("tcp", "ESTABLISHED"));
    assert_eq!(
        info.remote,
        Some(IpEndpoint::new(IpAddress::v4(10, 0, 0, 2), 7))
    );

    // The client closes: the server reads the end of the stream.
    a.close(client, clock);
    until(&[&a, &b], None, &mut clock, |_| {
        b.readiness(server).unwrap().readable
    });
    assert_eq!(b.recv(server, &mut buf, clock), Ok(0));
    assert_eq!(
        a.recv(client, &mut buf, clock),
        Err(NetError::NoSuchEndpoint)
    );
    b.close(server, clock);
    // Both sides reap their sockets once the shutdown is over.
    until(&[&a, &b], None, &mut clock, |_| {
        a.endpoint_count() == 0 && b.endpoint_count() == 1
    });
}

#[test]
fn a_megabyte_arrives_intact() {
    let (a, b) = pair();
    let mut clock = 0;
    let (client, _listener, server) = connected(&a, &b, &mut clock);
    let data: Vec<u8> = (0..1 << 20)
        .map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let mut sent = 0;
    let mut received = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    until(&[&a, &b], None, &mut clock, |now| {
        if sent < data.len() {
            match a.send(client, &data[sent..], now) {
                Ok(n) => sent += n,
                Err(NetError::WouldBlock) => {}
                Err(e) => panic!("{e}"),
            }
        }
        loop {
            match b.recv(server, &mut buf, now) {
                Ok(0) => panic!("early end of stream"),
                Ok(n) => received.extend_from_slice(&buf[..n]),
                Err(NetError::WouldBlock) => break,
                Err(e) => panic!("{e}"),
            }
        }
        received.len() == data.len()
    });
    assert!(received == data, "the bytes differ");
}

#[test]
fn a_listener_keeps_a_backlog_and_refuses_misuse() {
    let ends = hub(&[MAC_A, MAC_B, [0x02, 0, 0, 0, 0, 0x0c]]);
    let mut ends = ends.into_iter();
    let mut clock = 0;
    let a = stack(ends.next().unwrap(), "10.0.0.1/24", None, 0);
    let b = stack(ends.next().unwrap(), "10.0.0.2/24", None, 0);
    let c = stack(ends.next().unwrap(), "10.0.0.3/24", None, 0);
    let listener = b.listen(80).unwrap();
    assert_eq!(b.listen(80), Err(NetError::PortInUse));
    assert_eq!(b.listen(0), Err(NetError::BadPort));
    assert_eq!(b.accept(listener, clock), Err(NetError::WouldBlock));
    let from_a = a.connect("10.0.0.2", 80, clock, 1000 * MS).unwrap();
    let from_c = c.connect("10.0.0.2", 80, clock, 1000 * MS).unwrap();
    until(&[&a, &b, &c], None, &mut clock, |_| {
        a.readiness(from_a).unwrap().writable && c.readiness(from_c).unwrap().writable
    });
    until(&[&a, &b, &c], None, &mut clock, |_| {
        b.readiness(listener).unwrap().readable
    });
    let mut peers = Vec::new();
    while let Ok((stream, peer)) = b.accept(listener, clock) {
        assert_eq!(b.accept(stream, clock), Err(NetError::WrongKind));
        peers.push(peer.addr);
    }
    peers.sort();
    assert_eq!(
        peers,
        [IpAddress::v4(10, 0, 0, 1), IpAddress::v4(10, 0, 0, 3)]
    );
    assert_eq!(
        a.send_to(
            from_a,
            b"x",
            IpEndpoint::new(IpAddress::v4(10, 0, 0, 2), 9),
            clock
        ),
        Err(NetError::WrongKind)
    );
}

#[test]
fn refused_and_silent_connects_fail_with_their_reason() {
    let (a, b) = pair();
    let mut clock = 0;
    let refused = a.connect("10.0.0.2", 81, clock, 1000 * MS).unwrap();
    until(&[&a, &b], None, &mut clock, |_| {
        a.readiness(refused).unwrap().readable
    });
    assert_eq!(a.send(refused, b"x", clock), Err(NetError::Refused));
    let silent = a.connect("10.0.0.9", 80, clock, 200 * MS).unwrap();
    let started = clock;
    until(&[&a, &b], None, &mut clock, |_| {
        a.readiness(silent).unwrap().readable
    });
    assert!(clock - started >= 200 * MS, "{}", clock - started);
    let mut buf = [0u8; 4];
    assert_eq!(a.recv(silent, &mut buf, clock), Err(NetError::TimedOut));
    for (host, port, error) in [
        ("10.0.0.2", 0, NetError::BadPort),
        ("224.0.0.1", 80, NetError::BadHost),
        ("bad host", 80, NetError::BadHost),
        ("example.org", 80, NetError::NoDns),
    ] {
        assert_eq!(
            a.connect(host, port, clock, MS),
            Err(error),
            "{host}:{port}"
        );
    }
}

#[test]
fn datagrams_go_both_ways() {
    let (a, b) = pair();
    let mut clock = 0;
    let ua = a.udp_bind(0).unwrap();
    let ub = b.udp_bind(5353).unwrap();
    assert_eq!(b.udp_bind(5353), Err(NetError::PortInUse));
    a.send_to(
        ua,
        b"question",
        IpEndpoint::new(IpAddress::v4(10, 0, 0, 2), 5353),
        clock,
    )
    .unwrap();
    until(&[&a, &b], None, &mut clock, |_| {
        b.readiness(ub).unwrap().readable
    });
    let (data, from) = b.recv_from(ub).unwrap();
    assert_eq!(data, b"question");
    assert_eq!(from.addr, IpAddress::v4(10, 0, 0, 1));
    b.send_to(ub, b"answer", from, clock).unwrap();
    until(&[&a, &b], None, &mut clock, |_| {
        a.readiness(ua).unwrap().readable
    });
    let (data, from) = a.recv_from(ua).unwrap();
    assert_eq!((&data[..], from.port), (&b"answer"[..], 5353));
    assert_eq!(a.recv_from(ua), Err(NetError::WouldBlock));
    assert_eq!(a.send(ua, b"x", clock), Err(NetError::WrongKind));
    a.close(ua, clock);
    assert_eq!(a.endpoint_count(), 0);
}

#[test]
fn a_name_is_resolved_before_connecting() {
    let ends = hub(&[MAC_A, MAC_B, [0x02, 0, 0, 0, 0, 0x35]]);
    let mut ends = ends.into_iter();
    let mut clock = 0;
    let a = stack(ends.next().unwrap(), "10.0.0.1/24", Some("10.0.0.53"), 0);
    let b = stack(ends.next().unwrap(), "10.0.0.2/24", None, 0);
    let mut dns = DnsPeer::new(ends.next().unwrap(), Ipv4Address::new(10, 0, 0, 53));
    dns.names
        .push(("server.test".to_string(), Ipv4Address::new(10, 0, 0, 2)));
    let listener = b.listen(8080).unwrap();
    let client = a.connect("server.test", 8080, clock, 2000 * MS).unwrap();
    assert_eq!(
        a.endpoint_info(client).unwrap().state,
        "resolving (port 8080)"
    );
    until(&[&a, &b], Some(&mut dns), &mut clock, |_| {
        a.readiness(client).unwrap().writable
    });
    assert_eq!(
        a.endpoint_info(client).unwrap().remote,
        Some(IpEndpoint::new(IpAddress::v4(10, 0, 0, 2), 8080))
    );
    until(&[&a, &b], Some(&mut dns), &mut clock, |_| {
        b.readiness(listener).unwrap().readable
    });
    let missing = a.connect("missing.test", 80, clock, 2000 * MS).unwrap();
    until(&[&a, &b], Some(&mut dns), &mut clock, |_| {
        a.readiness(missing).unwrap().readable
    });
    assert_eq!(a.send(missing, b"x", clock), Err(NetError::NameNotFound));
}

#[test]
fn a_lost_echo_does_not_starve_later_connections() {
    let (a, b) = pair();
    let mut clock = 0;
    // One probe times out in the stack, the other is given up by its
    // caller before that: neither leaves its request behind.
    let id = a.ping_start("10.0.0.99", clock, 500 * MS).unwrap();
    let cancelled = a.ping_start("10.0.0.98", clock, 5000 * MS).unwrap();
    until(&[&a, &b], None, &mut clock, |_| {
        !matches!(a.ping_result(id), Ok(None))
    });
    a.ping_cancel(cancelled);
    // Long enough for smoltcp to have asked for 10.0.0.99 again and again.
    for _ in 0..3000 {
        clock += MS;
        a.poll(clock);
        b.poll(clock);
    }
    let listener = b.listen(80).unwrap();
    let client = a.connect("10.0.0.2", 80, clock, 2000 * MS).unwrap();
    let started = clock;
    until(&[&a, &b], None, &mut clock, |_| {
        a.readiness(client).unwrap().writable
    });
    assert!(a.readiness(client).unwrap().open, "connected");
    assert!(clock - started < 1500 * MS, "{}", clock - started);
    until(&[&a, &b], None, &mut clock, |_| {
        b.readiness(listener).unwrap().readable
    });
}
