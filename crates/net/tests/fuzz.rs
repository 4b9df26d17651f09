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
