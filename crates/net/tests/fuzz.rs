//! Property tests: no frame off the wire makes the stack panic, and the
//! stack still answers afterwards.

mod common;

use aios_net::IpAddress;
use common::{MAC_A, MAC_B, stack, wire};
use proptest::prelude::*;

const MS: u64 = 1_000_000;

/// An Ethernet header to the stack's MAC with the given EtherType, so the
/// random bytes reach the ARP, IPv4 and IPv6 parsers.
fn framed(ethertype: u16, body: &[u8]) -> Vec<u8> {
    let mut frame = MAC_A.to_vec();
    frame.extend_from_slice(&MAC_B);
    frame.extend_from_slice(&ethertype.to_be_bytes());
    frame.extend_from_slice(body);
    frame
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_frames_never_panic_and_the_stack_still_answers(
        frames in proptest::collection::vec(
            (prop_oneof![Just(0x0806u16), Just(0x0800), Just(0x86DD), any::<u16>()],
             proptest::collection::vec(any::<u8>(), 0..1600),
             any::<bool>()),
            1..16),
    ) {
        let (a, b) = wire(MAC_A, MAC_B);
        let b_end = b;
        let a = stack(a, "10.0.0.1/24", Some("10.0.0.2"), 0);
        // A probe and a DNS query in flight, so replies are being matched.
        let probe = a.ping_start("10.0.0.2", 0, 1000 * MS).unwrap();
        let query = a.ping_start("name.test", 0, 1000 * MS).unwrap();
        for (ethertype, body, raw) in &frames {
            let frame = if *raw { body.clone() } else { framed(*ethertype, body) };
            b_end.inject(&frame);
        }
        let mut clock = 0;
        for _ in 0..5 {
            clock += MS;
            a.poll(clock);
        }
        let _ = a.ping_result(probe);
        let _ = a.ping_result(query);
        // The peer now comes alive: the stack answers its echo request.
        let peer = stack(b_end, "10.0.0.2/24", None, clock);
        let id = peer.ping_start("10.0.0.1", clock, 500 * MS).unwrap();
        let mut reply = None;
        for _ in 0..200 {
            clock += MS;
            peer.poll(clock);
            a.poll(clock);
            peer.poll(clock);
            if let Ok(Some(r)) = peer.ping_result(id) {
                reply = Some(r);
                break;
            }
        }
        prop_assert_eq!(reply.map(|r| r.address), Some(IpAddress::v4(10, 0, 0, 1)));
    }
}

/// An IPv4 or IPv6 header (its version, lengths and protocol as given)
/// in front of random bytes, so the checksum check walks real-looking
/// packets of every shape.
fn ip_like(v6: bool, protocol: u8, length: u16, rest: &[u8]) -> Vec<u8> {
    let mut body = if v6 {
        let mut ip = vec![0u8; 40];
        ip[0] = 0x60;
        ip[4..6].copy_from_slice(&length.to_be_bytes());
        ip[6] = protocol;
        ip
    } else {
        let mut ip = vec![0u8; 20];
        ip[0] = 0x45;
        ip[2..4].copy_from_slice(&length.to_be_bytes());
        ip[9] = protocol;
        ip
    };
    body.extend_from_slice(rest);
    framed(if v6 { 0x86DD } else { 0x0800 }, &body)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// The checksum check on received frames (`aios_net::checksum`) takes
    /// any bytes, raw or behind an IP header of any lengths, without
    /// panicking (what it passes and refuses: its unit tests).
    #[test]
    fn the_checksum_check_takes_any_frame(
        raw in proptest::collection::vec(any::<u8>(), 0..1600),
        v6 in any::<bool>(),
        protocol in prop_oneof![Just(6u8), Just(17), Just(0), Just(43), Just(60), Just(44), any::<u8>()],
        length in prop_oneof![Just(0u16), 0u16..1600, any::<u16>()],
        rest in proptest::collection::vec(any::<u8>(), 0..1600),
    ) {
        let _ = aios_net::checksum::transport_ok(&raw);
        let _ = aios_net::checksum::transport_ok(&ip_like(v6, protocol, length, &rest));
    }
}
