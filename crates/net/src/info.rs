//! A snapshot of the stack for the console's `net` and the API.

use crate::link::LinkStats;
use alloc::string::String;
use alloc::vec::Vec;
use smoltcp::wire::{IpAddress, IpCidr, Ipv4Address, Ipv4Cidr, Ipv6Address};

/// What the DHCPv4 server granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// Address and prefix.
    pub address: Ipv4Cidr,
    /// Default router, if the server named one.
    pub router: Option<Ipv4Address>,
    /// The server that granted it.
    pub server: Ipv4Address,
    /// DNS servers it named.
    pub dns: Vec<Ipv4Address>,
    /// When it was granted (ns since boot).
    pub acquired_ns: u64,
}

/// The stack's state at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Info {
    /// The link's name.
    pub interface: String,
    /// Its station address.
    pub mac: [u8; 6],
    /// Whether the link is up.
    pub link_up: bool,
    /// "dhcp" or "static".
    pub addressing: &'static str,
    /// The lease, with DHCP once one was granted.
    pub lease: Option<Lease>,
    /// Every address on the interface, IPv4 and IPv6.
    pub addresses: Vec<IpCidr>,
    /// IPv4 default router.
    pub gateway_v4: Option<Ipv4Address>,
    /// IPv6 default router (learnt from router advertisements).
    pub gateway_v6: Option<Ipv6Address>,
    /// DNS servers in the order they are asked.
    pub dns: Vec<IpAddress>,
    /// The link's counters.
    pub stats: LinkStats,
    /// Frames the stack produced that the link refused.
    pub tx_lost: u64,
    /// Received TCP and UDP segments dropped for a wrong checksum.
    pub rx_bad_checksum: u64,
    /// Echo probes in flight.
    pub probes: usize,
}
