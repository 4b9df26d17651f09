//! The network service: one Ethernet [`Link`] under smoltcp, with the
//! node's addressing (DHCPv4 or static IPv4, IPv6 by SLAAC), ICMP echo
//! probes, a DNS resolver, agents' TCP, TLS and UDP endpoints, and a
//! snapshot of its state for the console and the API.
//!
//! The service owns its state behind [`Net`]'s methods; the kernel polls
//! it (on a device interrupt and when [`Net::poll`] says a timer is due)
//! and the runtime's syscalls call it. It is portable: host tests run two
//! stacks against each other over an in-memory link.
#![no_std]

extern crate alloc;

pub mod checksum;
mod config;
mod endpoint;
mod info;
mod link;
pub mod memory;
mod probe;
mod stack;
mod tls;

pub use config::{Addressing, Config, ConfigError};
pub use endpoint::{BACKLOG, EndpointId, EndpointInfo, MAX_ENDPOINTS, Readiness};
pub use info::{Info, Lease};
pub use link::{Link, LinkStats, MAX_FRAME};
pub use probe::{PingReply, ProbeId};
pub use smoltcp::wire::{IpAddress, IpCidr, IpEndpoint, Ipv4Address, Ipv6Address};
pub use stack::{Net, NetError};
pub use tls::TlsFailure;

/// Most DNS servers the stack keeps (configured and from DHCP).
pub const MAX_DNS_SERVERS: usize = 4;
