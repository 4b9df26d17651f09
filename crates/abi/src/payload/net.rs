//! The payloads of the network syscalls. Addresses travel as text
//! ("10.0.2.15/24", "fe80::5054:ff:fe12:3456"), as people read them.

use alloc::string::String;
use alloc::vec::Vec;
use minicbor::{Decode, Encode};

/// Reply of `net_info`: the node's interface, addresses, routes and
/// counters.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct NetInfo {
    /// The interface's name ("virtio-net 00:03.0").
    #[n(0)]
    pub interface: String,
    /// Its MAC address, "52:54:00:12:34:56".
    #[n(1)]
    pub mac: String,
    /// Whether the link is up.
    #[n(2)]
    pub link_up: bool,
    /// "dhcp" or "static".
    #[n(3)]
    pub addressing: String,
    /// Addresses with their prefix length, IPv4 first.
    #[n(4)]
    pub addresses: Vec<String>,
    /// IPv4 default router.
    #[n(5)]
    pub gateway_v4: Option<String>,
    /// IPv6 default router.
    #[n(6)]
    pub gateway_v6: Option<String>,
    /// DNS servers in the order they are asked.
    #[n(7)]
    pub dns: Vec<String>,
    /// The DHCP server that granted the IPv4 address.
    #[n(8)]
    pub dhcp_server: Option<String>,
    /// Frames sent.
    #[n(9)]
    pub tx_frames: u64,
    /// Bytes sent.
    #[n(10)]
    pub tx_bytes: u64,
    /// Frames received.
    #[n(11)]
    pub rx_frames: u64,
    /// Bytes received.
    #[n(12)]
    pub rx_bytes: u64,
    /// Frames lost: received ones the device or driver dropped, and sent
    /// ones the device would not take (a full ring).
    #[n(13)]
    pub dropped: u64,
    /// Device interrupts taken.
    #[n(14)]
    pub interrupts: u64,
}

/// Reply of `net_ping`: one echo answered.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct PingReply {
    /// Who answered (the name's address when a name was given).
    #[n(0)]
    pub address: String,
    /// The echo's sequence number.
    #[n(1)]
    pub seq: u32,
    /// Bytes of ICMP payload echoed.
    #[n(2)]
    pub bytes: u32,
    /// Round trip, ns.
    #[n(3)]
    pub rtt_ns: u64,
}

/// Reply of `net_endpoint_info`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct NetEndpointInfo {
    /// "tcp", "tcp-listen" or "udp".
    #[n(0)]
    pub kind: String,
    /// Local "ADDRESS:PORT" (the address unspecified while unbound).
    #[n(1)]
    pub local: Option<String>,
    /// Remote "ADDRESS:PORT" of a stream.
    #[n(2)]
    pub remote: Option<String>,
    /// TCP state ("ESTABLISHED"), or the listener's or socket's state.
    #[n(3)]
    pub state: String,
}

/// One datagram, as `net_recv_from` writes it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct Datagram {
    /// The sender, "ADDRESS:PORT" ("[v6]:PORT").
    #[n(0)]
    pub from: String,
    /// The payload.
    #[n(1)]
    #[cbor(with = "minicbor::bytes")]
    pub data: Vec<u8>,
}
