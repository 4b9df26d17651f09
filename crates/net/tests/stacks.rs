//! Two stacks on one in-memory wire: echo probes by IPv4, IPv6 and name,
//! timeouts, refusals, and what `info` reports.

mod common;

use aios_net::{IpAddress, Ipv4Address, Net, NetError, PingReply, ProbeId};
use common::{DnsPeer, MAC_A, MAC_B, stack, wire};

const MS: u64 = 1_000_000;

/// Polls every stack (and the DNS peer) a millisecond apart until the
/// probe finishes; returns its outcome and the time it took.
fn finish(
    from: &Net,
    others: &[&Net],
    mut dns: Option<&mut DnsPeer>,
    id: ProbeId,
    clock: &mut u64,
) -> Result<PingReply, NetError> {
    for _ in 0..10_000 {
        *clock += MS;
        from.poll(*clock);
        for other in others {
            other.poll(*clock);
        }
        if let Some(peer) = dns.as_deref_mut() {
            peer.poll(*clock);
        }
        from.poll(*clock);
        match from.ping_result(id) {
            Ok(None) => {}
            Ok(Some(reply)) => return Ok(reply),
            Err(e) => return Err(e),
        }
    }
    panic!("probe never finished");
}

#[test]
fn ping_over_ipv4() {
    let (a, b) = wire(MAC_A, MAC_B);
    let mut clock = 0;
    let a = stack(a, "10.0.0.1/24", None, clock);
    let b = stack(b, "10.0.0.2/24", None, clock);
    let id = a.ping_start("10.0.0.2", clock, 1000 * MS).unwrap();
    let reply = finish(&a, &[&b], None, id, &mut clock).unwrap();
    assert_eq!(reply.address, IpAddress::v4(10, 0, 0, 2));
    assert_eq!(reply.bytes, 56);
    assert!(reply.rtt_ns > 0 && reply.rtt_ns < 100 * MS, "{reply:?}");
    // Collected once: the id is gone afterwards.
    assert_eq!(a.ping_result(id), Err(NetError::NoSuchProbe));
    // The second probe finds the neighbour cached and gets a new sequence.
    let again = a.ping_start("10.0.0.2", clock, 1000 * MS).unwrap();
    let second = finish(&a, &[&b], None, again, &mut clock).unwrap();
    assert_ne!(second.seq, reply.seq);
    let info = a.info();
    assert_eq!(info.addressing, "static");
    assert!(
        info.stats.tx_frames >= 3 && info.stats.rx_frames >= 3,
        "{info:?}"
    );
    assert_eq!(info.probes, 0);
}

#[test]
fn ping_over_ipv6_link_local() {
    let (a, b) = wire(MAC_A, MAC_B);
    let mut clock = 0;
    let a = stack(a, "10.0.0.1/24", None, clock);
    let b = stack(b, "10.0.0.2/24", None, clock);
    let target = "fe80::ff:fe00:b";
    assert!(
        b.info()
            .addresses
            .iter()
            .any(|c| c.address() == target.parse::<IpAddress>().unwrap()),
        "{:?}",
        b.info().addresses
    );
    let id = a.ping_start(target, clock, 1000 * MS).unwrap();
    let reply = finish(&a, &[&b], None, id, &mut clock).unwrap();
    assert_eq!(reply.address, target.parse::<IpAddress>().unwrap());
}

#[test]
fn ping_by_name_through_dns() {
    let (a, b) = wire(MAC_A, MAC_B);
    let mut clock = 0;
    let a = stack(a, "10.0.0.1/24", Some("10.0.0.53"), clock);
    let mut peer = DnsPeer::new(b, Ipv4Address::new(10, 0, 0, 53));
    peer.names
        .push(("dns.test".to_string(), Ipv4Address::new(10, 0, 0, 53)));
    let id = a.ping_start("dns.test", clock, 2000 * MS).unwrap();
    let reply = finish(&a, &[], Some(&mut peer), id, &mut clock).unwrap();
    assert_eq!(reply.address, IpAddress::v4(10, 0, 0, 53));
    assert_eq!(peer.queries, 1);

    let id = a.ping_start("missing.test", clock, 2000 * MS).unwrap();
    assert_eq!(
        finish(&a, &[], Some(&mut peer), id, &mut clock),
        Err(NetError::NameNotFound)
    );
}

#[test]
fn silent_hosts_time_out_at_the_deadline() {
    let (a, _b) = wire(MAC_A, MAC_B);
    let mut clock = 0;
    let a = stack(a, "10.0.0.1/24", None, clock);
    let id = a.ping_start("10.0.0.9", clock, 300 * MS).unwrap();
    let started = clock;
    assert_eq!(
        finish(&a, &[], None, id, &mut clock),
        Err(NetError::TimedOut)
    );
    assert!(
        clock - started >= 300 * MS && clock - started <= 302 * MS,
        "{}",
        clock - started
    );
}

#[test]
fn the_stack_says_when_to_poll_next() {
    let (a, _b) = wire(MAC_A, MAC_B);
    let a = stack(a, "10.0.0.1/24", None, 0);
    a.ping_start("10.0.0.9", 0, 300 * MS).unwrap();
    // The request polled the stack itself: its timer is known at once.
    assert!(a.due_ns() > 0 && a.due_ns() <= 300 * MS, "{}", a.due_ns());
    let next = a.poll(MS).expect("a probe in flight needs a timer");
    assert!(next > MS && next <= 300 * MS, "{next}");
    assert_eq!(a.due_ns(), next);
}

#[test]
fn bad_requests_are_refused_with_their_reason() {
    let (a, _b) = wire(MAC_A, MAC_B);
    let a = stack(a, "10.0.0.1/24", None, 0);
    for host in [
        "",
        "224.0.0.1",
        "255.255.255.255",
        "ex ample",
        "-x.org",
        "0.0.0.0",
    ] {
        assert_eq!(
            a.ping_start(host, 0, MS),
            Err(NetError::BadHost),
            "{host:?}"
        );
    }
    assert_eq!(a.ping_start("example.org", 0, MS), Err(NetError::NoDns));
    assert_eq!(a.ping_result(ProbeId(999)), Err(NetError::NoSuchProbe));
    let mut ids = Vec::new();
    loop {
        match a.ping_start("10.0.0.9", 0, 1000 * MS) {
            Ok(id) => ids.push(id),
            Err(e) => {
                assert_eq!(e, NetError::TooManyProbes);
                break;
            }
        }
        assert!(ids.len() <= 64);
    }
    assert_eq!(ids.len(), 64);
    a.ping_cancel(ids[0]);
    assert!(a.ping_start("10.0.0.9", 0, 1000 * MS).is_ok());
}

#[test]
fn ipv4_probes_without_an_address_say_so() {
    let (a, _b) = wire(MAC_A, MAC_B);
    // DHCP with nobody answering: no IPv4 address ever comes.
    let config = aios_net::Config::parse(None, None, 3).unwrap();
    let a = Net::new(Box::new(a), config, 0).unwrap();
    let id = a.ping_start("10.0.0.2", 0, 50 * MS).unwrap();
    let mut clock = 0;
    assert_eq!(
        finish(&a, &[], None, id, &mut clock),
        Err(NetError::NoAddress)
    );
    let info = a.info();
    assert_eq!(info.addressing, "dhcp");
    assert!(info.lease.is_none());
    assert!(
        info.addresses
            .iter()
            .all(|c| matches!(c.address(), IpAddress::Ipv6(_)))
    );
}

#[test]
fn a_multicast_mac_is_refused() {
    let (a, _b) = wire([0x01, 0, 0x5e, 0, 0, 1], MAC_B);
    let config = aios_net::Config::parse(None, None, 3).unwrap();
    assert_eq!(
        Net::new(Box::new(a), config, 0).err(),
        Some(NetError::BadMac)
    );
}

#[test]
fn uncollected_probes_are_dropped_a_minute_after_their_deadline() {
    let (a, _b) = wire(MAC_A, MAC_B);
    let a = stack(a, "10.0.0.1/24", None, 0);
    for _ in 0..64 {
        a.ping_start("10.0.0.9", 0, 10 * MS).unwrap();
    }
    assert_eq!(
        a.ping_start("10.0.0.9", 0, MS),
        Err(NetError::TooManyProbes)
    );
    a.poll(20 * MS);
    assert_eq!(a.info().probes, 64, "finished, kept for collection");
    a.poll(61_000 * MS);
    assert_eq!(a.info().probes, 0);
    assert!(a.ping_start("10.0.0.9", 61_000 * MS, MS).is_ok());
}

#[test]
fn the_dhcp_client_starting_is_not_a_lease_change() {
    let (a, _b) = wire(MAC_A, MAC_B);
    let config = aios_net::Config::parse(None, None, 3).unwrap();
    let a = Net::new(Box::new(a), config, 0).unwrap();
    a.poll(MS);
    a.poll(2 * MS);
    assert_eq!(a.lease_change(), None);
}
