//! The TCP and UDP checksums of received frames, checked where a frame is
//! first read, 64 bits at a time, so that smoltcp need not check them
//! again 16 bits at a time (it then spent 41 % of a TCP receive's
//! instructions there: `docs/benchmarks.md`, net). IPv4 and ICMP
//! checksums stay smoltcp's to check.
//!
//! Every frame passes except an IPv4 or IPv6 TCP or UDP segment whose
//! checksum is wrong or whose lengths do not fit the frame; what this
//! does not look into (other protocols, fragments, malformed IP headers)
//! smoltcp checks or drops as before.

/// IPv4's protocol number for TCP (and IPv6's next header).
const TCP: u8 = 6;
/// ... for UDP.
const UDP: u8 = 17;
/// IPv6 extension headers walked to reach TCP or UDP: hop-by-hop
/// options, routing, destination options.
const EXTENSIONS: [u8; 3] = [0, 43, 60];
/// Most extension headers walked before giving up (and passing the
/// frame on, for smoltcp to judge).
const MAX_EXTENSIONS: usize = 8;
const ETHERNET: usize = 14;

/// Whether `frame` (an Ethernet frame) may go to the stack.
pub fn transport_ok(frame: &[u8]) -> bool {
    let Some(ip) = frame.get(ETHERNET..) else {
        return true;
    };
    match (frame[12], frame[13]) {
        (0x08, 0x00) => ipv4_ok(ip),
        (0x86, 0xDD) => ipv6_ok(ip),
        _ => true,
    }
}

fn ipv4_ok(ip: &[u8]) -> bool {
    if ip.len() < 20 || ip[0] >> 4 != 4 {
        return true;
    }
    let header = usize::from(ip[0] & 0x0F) * 4;
    let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
    let fragment = u16::from_be_bytes([ip[6], ip[7]]) & 0x3FFF != 0;
    let protocol = ip[9];
    if header < 20 || total < header || total > ip.len() || fragment {
        return true;
    }
    if protocol != TCP && protocol != UDP {
        return true;
    }
    let segment = &ip[header..total];
    // A UDP checksum of zero over IPv4 means "none was computed".
    if protocol == UDP && segment.len() >= 8 && segment[6] == 0 && segment[7] == 0 {
        return true;
    }
    let Ok(length) = u16::try_from(segment.len()) else {
        return false;
    };
    let mut pseudo = [0u8; 12];
    pseudo[..8].copy_from_slice(&ip[12..20]);
    pseudo[9] = protocol;
    pseudo[10..].copy_from_slice(&length.to_be_bytes());
    segment_ok(protocol, &pseudo, segment)
}

fn ipv6_ok(ip: &[u8]) -> bool {
    if ip.len() < 40 || ip[0] >> 4 != 6 {
        return true;
    }
    let end = 40 + usize::from(u16::from_be_bytes([ip[4], ip[5]]));
    if end > ip.len() {
        return true;
    }
    let mut next = ip[6];
    let mut at = 40;
    for _ in 0..MAX_EXTENSIONS {
        if !EXTENSIONS.contains(&next) {
            break;
        }
        let (Some(&following), Some(&units)) = (ip.get(at), ip.get(at + 1)) else {
            return true;
        };
        next = following;
        at += (usize::from(units) + 1) * 8;
        if at > end {
            return true;
        }
    }
    if next != TCP && next != UDP {
        return true;
    }
    let segment = &ip[at..end];
    let Ok(length) = u32::try_from(segment.len()) else {
        return false;
    };
    let mut pseudo = [0u8; 40];
    pseudo[..32].copy_from_slice(&ip[8..40]);
    pseudo[32..36].copy_from_slice(&length.to_be_bytes());
    pseudo[39] = next;
    // Over IPv6 a UDP checksum is required: zero is wrong.
    if next == UDP && segment.len() >= 8 && segment[6] == 0 && segment[7] == 0 {
        return false;
    }
    segment_ok(next, &pseudo, segment)
}

/// Whether `segment`, with its pseudo-header, sums to all ones.
fn segment_ok(protocol: u8, pseudo: &[u8], segment: &[u8]) -> bool {
    let least = if protocol == TCP { 20 } else { 8 };
    segment.len() >= least && fold(add(add(0, pseudo), segment)) == 0xFFFF
}

/// Adds `data` to the ones'-complement sum `sum`, 64 bits at a time in
/// the machine's byte order (RFC 1071 §2(B): the sum's bytes come out
/// swapped on a little-endian machine, which a check for all ones does
/// not mind). `data` starts on an even offset of what is summed; an odd
/// last byte is padded with zero, as the RFC says.
pub fn add(mut sum: u64, data: &[u8]) -> u64 {
    let mut chunks = data.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let (added, carry) = sum.overflowing_add(u64::from_ne_bytes(word));
        sum = added + u64::from(carry);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        let (added, carry) = sum.overflowing_add(u64::from_ne_bytes(word));
        sum = added + u64::from(carry);
    }
    sum
}

/// The 64-bit sum folded to 16 bits, end-around carries included.
pub fn fold(sum: u64) -> u16 {
    let mut sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
    sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
    sum = (sum & 0xFFFF) + (sum >> 16);
    sum = (sum & 0xFFFF) + (sum >> 16);
    sum = (sum & 0xFFFF) + (sum >> 16);
    sum as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 1071's 16-bit reference sum, big-endian words.
    fn reference(data: &[u8]) -> u16 {
        let mut sum = 0u32;
        for pair in data.chunks(2) {
            let word = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
            sum += u32::from(word);
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        sum as u16
    }

    #[test]
    fn the_wide_sum_is_the_reference_sum_with_its_bytes_swapped_or_not() {
        let mut seed = 0x1234_5678_u32;
        for len in 0..300 {
            let data: alloc::vec::Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (seed >> 16) as u8
                })
                .collect();
            let wide = fold(add(0, &data));
            let expected = reference(&data);
            let wide_be = if cfg!(target_endian = "little") {
                wide.swap_bytes()
            } else {
                wide
            };
            // 0x0000 and 0xFFFF are the same number in ones' complement.
            let same =
                |a: u16, b: u16| a == b || (a == 0 && b == 0xFFFF) || (a == 0xFFFF && b == 0);
            assert!(
                same(wide_be, expected),
                "len {len}: {wide_be:#x} vs {expected:#x}"
            );
        }
    }

    /// An Ethernet frame with an IPv4 (or IPv6) header and a TCP or UDP
    /// segment of `payload` whose checksum is right.
    fn frame(v6: bool, protocol: u8, payload: &[u8]) -> alloc::vec::Vec<u8> {
        let header = if protocol == TCP { 20 } else { 8 };
        let mut segment = alloc::vec![0u8; header];
        segment[0..4].copy_from_slice(&[0x1F, 0x90, 0xC0, 0x01]);
        if protocol == TCP {
            segment[12] = 5 << 4;
        } else {
            let length = (header + payload.len()) as u16;
            segment[4..6].copy_from_slice(&length.to_be_bytes());
        }
        segment.extend_from_slice(payload);
        let mut out = alloc::vec![0u8; 12];
        let ip = if v6 {
            out.extend_from_slice(&[0x86, 0xDD]);
            let mut ip = alloc::vec![0u8; 40];
            ip[0] = 0x60;
            ip[4..6].copy_from_slice(&(segment.len() as u16).to_be_bytes());
            ip[6] = protocol;
            ip[7] = 64;
            ip[8..24].copy_from_slice(&[0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
            ip[24..40].copy_from_slice(&[0xFE, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
            let mut pseudo = ip[8..40].to_vec();
            pseudo.extend_from_slice(&(segment.len() as u32).to_be_bytes());
            pseudo.extend_from_slice(&[0, 0, 0, protocol]);
            set_checksum(&mut segment, protocol, &pseudo);
            ip
        } else {
            out.extend_from_slice(&[0x08, 0x00]);
            let mut ip = alloc::vec![0u8; 20];
            ip[0] = 0x45;
            ip[2..4].copy_from_slice(&((20 + segment.len()) as u16).to_be_bytes());
            ip[8] = 64;
            ip[9] = protocol;
            ip[12..16].copy_from_slice(&[10, 0, 2, 2]);
            ip[16..20].copy_from_slice(&[10, 0, 2, 15]);
            let mut pseudo = ip[12..20].to_vec();
            pseudo.extend_from_slice(&[0, protocol]);
            pseudo.extend_from_slice(&(segment.len() as u16).to_be_bytes());
            set_checksum(&mut segment, protocol, &pseudo);
            ip
        };
        out.extend_from_slice(&ip);
        out.extend_from_slice(&segment);
        out
    }

    fn set_checksum(segment: &mut [u8], protocol: u8, pseudo: &[u8]) {
        let at = if protocol == TCP { 16 } else { 6 };
        let mut all = pseudo.to_vec();
        all.extend_from_slice(segment);
        let checksum = !reference(&all);
        segment[at..at + 2].copy_from_slice(&checksum.to_be_bytes());
    }

    #[test]
    fn right_segments_pass_and_a_flipped_bit_anywhere_in_them_is_caught() {
        for v6 in [false, true] {
            for protocol in [TCP, UDP] {
                for len in [0usize, 1, 7, 8, 9, 1000, 1459] {
                    let payload: alloc::vec::Vec<u8> =
                        (0..len).map(|i| (i * 7 + 3) as u8).collect();
                    let good = frame(v6, protocol, &payload);
                    assert!(transport_ok(&good), "v6 {v6} proto {protocol} len {len}");
                    let start = if v6 { 14 + 40 } else { 14 + 20 };
                    for at in (start..good.len()).step_by(97) {
                        let mut bad = good.clone();
                        bad[at] ^= 0x10;
                        assert!(
                            !transport_ok(&bad),
                            "v6 {v6} proto {protocol} len {len} byte {at}"
                        );
                    }
                    // Ethernet padding after the IP packet is not summed.
                    let mut padded = good.clone();
                    padded.extend_from_slice(&[0xAB; 5]);
                    assert!(transport_ok(&padded));
                    // Cut short: the segment is not there.
                    if len > 0 {
                        assert!(
                            transport_ok(&good[..good.len() - 1]),
                            "malformed: smoltcp's to drop"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn udp_without_a_checksum_passes_over_ipv4_only() {
        for v6 in [false, true] {
            let mut zero = frame(v6, UDP, b"hello");
            let at = if v6 { 14 + 40 + 6 } else { 14 + 20 + 6 };
            zero[at] = 0;
            zero[at + 1] = 0;
            assert_eq!(transport_ok(&zero), !v6);
        }
    }

    #[test]
    fn other_frames_are_left_to_the_stack() {
        assert!(transport_ok(&[]));
        assert!(transport_ok(&[0u8; 13]));
        let mut arp = alloc::vec![0u8; 42];
        arp[12] = 0x08;
        arp[13] = 0x06;
        assert!(transport_ok(&arp));
        // An IPv4 fragment: smoltcp (built without reassembly) drops it.
        let mut fragment = frame(false, TCP, b"x");
        fragment[14 + 6] = 0x20;
        assert!(transport_ok(&fragment));
    }
}
