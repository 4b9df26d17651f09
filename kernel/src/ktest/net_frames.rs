//! Raw Ethernet frames for the network tests, built and read by hand: an
//! ARP request, a DHCPDISCOVER, a filler frame QEMU's user network drops,
//! and the checks of QEMU's replies. Builders write every byte (a
//! transmit buffer holds an earlier frame); readers check every length.

/// QEMU's user network: its gateway and the address its DHCP server
/// hands out first.
pub const GATEWAY: [u8; 4] = [10, 0, 2, 2];
pub const FIRST_LEASE: [u8; 4] = [10, 0, 2, 15];

const BROADCAST: [u8; 6] = [0xFF; 6];
const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_ARP: u16 = 0x0806;
/// IEEE 802 "local experimental" ethertype: QEMU's user network ignores
/// it, so filler frames raise no reply.
const ETHERTYPE_EXPERIMENTAL: u16 = 0x88B5;
const ETHERNET_HEADER: usize = 14;

/// An ARP request padded to Ethernet's 60-byte minimum.
pub const ARP_LEN: usize = 60;
const ARP_REQUEST: u16 = 1;
const ARP_REPLY: u16 = 2;

/// IPv4 (20) + UDP (8) + a BOOTP message with its 312-byte options field
/// (QEMU's DHCP server ignores shorter ones).
pub const DHCP_LEN: usize = ETHERNET_HEADER + 20 + 8 + 236 + 312;
const BOOTP_REQUEST: u8 = 1;
const BOOTP_REPLY: u8 = 2;
const DHCP_MAGIC: [u8; 4] = [99, 130, 83, 99];
const DHCP_MESSAGE_TYPE: u8 = 53;
const DHCP_DISCOVER: u8 = 1;
const DHCP_OFFER: u8 = 2;
const DHCP_END: u8 = 255;
const DHCP_PAD: u8 = 0;
const DHCP_CLIENT_PORT: u16 = 68;
const DHCP_SERVER_PORT: u16 = 67;

fn put16(frame: &mut [u8], at: usize, value: u16) {
    frame[at..at + 2].copy_from_slice(&value.to_be_bytes());
}

fn get16(frame: &[u8], at: usize) -> Option<u16> {
    let bytes = frame.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([bytes[0], bytes[1]]))
}

fn get<const N: usize>(frame: &[u8], at: usize) -> Option<[u8; N]> {
    frame.get(at..at.checked_add(N)?)?.try_into().ok()
}

fn ethernet(frame: &mut [u8], destination: [u8; 6], source: [u8; 6], ethertype: u16) {
    frame.fill(0);
    frame[0..6].copy_from_slice(&destination);
    frame[6..12].copy_from_slice(&source);
    put16(frame, 12, ethertype);
}

/// A frame of `frame.len()` (at least 14) bytes QEMU drops, numbered `seq`.
pub fn filler(frame: &mut [u8], mac: [u8; 6], seq: u32) {
    ethernet(frame, BROADCAST, mac, ETHERTYPE_EXPERIMENTAL);
    for (i, byte) in frame.iter_mut().enumerate().skip(ETHERNET_HEADER) {
        *byte = (seq as usize).wrapping_add(i) as u8;
    }
}

/// Who has `target`? asked by `mac`, which claims `sender` (broadcast).
pub fn arp_request(frame: &mut [u8], mac: [u8; 6], sender: [u8; 4], target: [u8; 4]) {
    ethernet(frame, BROADCAST, mac, ETHERTYPE_ARP);
    let arp = ETHERNET_HEADER;
    put16(frame, arp, 1); // Ethernet
    put16(frame, arp + 2, ETHERTYPE_IPV4);
    frame[arp + 4] = 6;
    frame[arp + 5] = 4;
    put16(frame, arp + 6, ARP_REQUEST);
    frame[arp + 8..arp + 14].copy_from_slice(&mac);
    frame[arp + 14..arp + 18].copy_from_slice(&sender);
    frame[arp + 24..arp + 28].copy_from_slice(&target);
}

/// If `frame` is an ARP reply telling `mac` where `ip` is: that MAC.
pub fn arp_reply(frame: &[u8], ip: [u8; 4], mac: [u8; 6]) -> Option<[u8; 6]> {
    let arp = ETHERNET_HEADER;
    let is_reply = get16(frame, 12)? == ETHERTYPE_ARP
        && get16(frame, arp)? == 1
        && get16(frame, arp + 2)? == ETHERTYPE_IPV4
        && get16(frame, arp + 6)? == ARP_REPLY
        && get::<4>(frame, arp + 14)? == ip
        && get::<6>(frame, arp + 18)? == mac;
    is_reply.then(|| get::<6>(frame, arp + 8)).flatten()
}

/// A DHCPDISCOVER from `mac` for transaction `xid`, broadcast from
/// 0.0.0.0 (UDP checksum 0: none).
pub fn dhcp_discover(frame: &mut [u8], mac: [u8; 6], xid: u32) {
    ethernet(frame, BROADCAST, mac, ETHERTYPE_IPV4);
    let ip = ETHERNET_HEADER;
    let ip_len = (DHCP_LEN - ETHERNET_HEADER) as u16;
    frame[ip] = 0x45;
    put16(frame, ip + 2, ip_len);
    frame[ip + 8] = 64; // TTL
    frame[ip + 9] = 17; // UDP
    frame[ip + 16..ip + 20].copy_from_slice(&[255; 4]);
    let checksum = ip_checksum(&frame[ip..ip + 20]);
    put16(frame, ip + 10, checksum);
    let udp = ip + 20;
    put16(frame, udp, DHCP_CLIENT_PORT);
    put16(frame, udp + 2, DHCP_SERVER_PORT);
    put16(frame, udp + 4, ip_len - 20);
    let bootp = udp + 8;
    frame[bootp] = BOOTP_REQUEST;
    frame[bootp + 1] = 1; // Ethernet
    frame[bootp + 2] = 6;
    frame[bootp + 4..bootp + 8].copy_from_slice(&xid.to_be_bytes());
    frame[bootp + 28..bootp + 34].copy_from_slice(&mac);
    let options = bootp + 236;
    frame[options..options + 4].copy_from_slice(&DHCP_MAGIC);
    frame[options + 4..options + 7].copy_from_slice(&[DHCP_MESSAGE_TYPE, 1, DHCP_DISCOVER]);
    frame[options + 7] = DHCP_END;
}

/// The one's-complement sum of an IPv4 header (its checksum field 0).
fn ip_checksum(header: &[u8]) -> u16 {
    let mut sum: u32 = header
        .chunks(2)
        .map(|pair| u32::from(u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xFFFF {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    !(sum as u16)
}

/// If `frame` is a DHCPOFFER for transaction `xid`: the address offered.
pub fn dhcp_offer(frame: &[u8], xid: u32) -> Option<[u8; 4]> {
    let ip = ETHERNET_HEADER;
    let header_len = usize::from(*frame.get(ip)? & 0x0F) * 4;
    if get16(frame, 12)? != ETHERTYPE_IPV4 || *frame.get(ip + 9)? != 17 || header_len < 20 {
        return None;
    }
    let udp = ip + header_len;
    let bootp = udp + 8;
    let is_offer = get16(frame, udp)? == DHCP_SERVER_PORT
        && get16(frame, udp + 2)? == DHCP_CLIENT_PORT
        && *frame.get(bootp)? == BOOTP_REPLY
        && get::<4>(frame, bootp + 4)? == xid.to_be_bytes()
        && get::<4>(frame, bootp + 236)? == DHCP_MAGIC
        && message_type(frame.get(bootp + 240..)?)? == DHCP_OFFER;
    is_offer.then(|| get::<4>(frame, bootp + 16)).flatten()
}

/// The DHCP message type among `options` (after the magic cookie).
fn message_type(options: &[u8]) -> Option<u8> {
    let mut at = 0;
    loop {
        let code = *options.get(at)?;
        match code {
            DHCP_END => return None,
            DHCP_PAD => at += 1,
            _ => {
                let len = usize::from(*options.get(at + 1)?);
                if code == DHCP_MESSAGE_TYPE && len == 1 {
                    return options.get(at + 2).copied();
                }
                at += 2 + len;
            }
        }
    }
}
