//! The stack: the interface and its sockets behind one lock, polled by
//! the kernel, asked by the runtime.

use crate::MAX_DNS_SERVERS;
use crate::config::{Addressing, Config};
use crate::info::{Info, Lease};
use crate::link::{Link, Phy};
use crate::probe::{IDENT, PAYLOAD, Phase, PingReply, Probe, ProbeId};
use crate::tls::TlsFailure;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;
use core::sync::atomic::{AtomicU64, Ordering};
use smoltcp::iface::{Config as IfaceConfig, Interface, SocketHandle, SocketSet};
use smoltcp::phy::ChecksumCapabilities;
use smoltcp::socket::{dhcpv4, dns, icmp};
use smoltcp::time::Instant;
use smoltcp::wire::{
    DnsQueryType, EthernetAddress, HardwareAddress, Icmpv4Packet, Icmpv4Repr, Icmpv6Packet,
    Icmpv6Repr, IpAddress, IpCidr, Ipv6Address, Ipv6Cidr,
};

/// Why the network service refused or failed a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetError {
    /// The link's station address is not a unicast MAC.
    BadMac,
    /// The host is neither an address nor a valid DNS name.
    BadHost,
    /// A name was given but no DNS server is known.
    NoDns,
    /// DNS found no address for the name.
    NameNotFound,
    /// The node has no address of that family yet (DHCP still running).
    NoAddress,
    /// Too many probes in flight.
    TooManyProbes,
    /// No probe has that id (finished and collected, or never started).
    NoSuchProbe,
    /// No answer before the deadline.
    TimedOut,
    /// Nothing to read, or no room to write, right now.
    WouldBlock,
    /// The connection is closed (by the peer, a reset, or `close`).
    Closed,
    /// The peer refused the connection.
    Refused,
    /// Another endpoint already listens on or is bound to that port.
    PortInUse,
    /// Port 0 where a port is needed.
    BadPort,
    /// No endpoint has that id.
    NoSuchEndpoint,
    /// Too many endpoints open on the node.
    TooManyEndpoints,
    /// The operation does not apply to that kind of endpoint (accept on a
    /// stream, send_to on a listener).
    WrongKind,
    /// A TLS stream failed, for this reason.
    Tls(TlsFailure),
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NetError::Tls(failure) => return write!(f, "{failure}"),
            NetError::BadMac => "the interface's MAC address is not unicast",
            NetError::BadHost => "not an IP address or a valid host name",
            NetError::NoDns => "no DNS server known",
            NetError::NameNotFound => "name not found",
            NetError::NoAddress => "no address of that family yet",
            NetError::TooManyProbes => "too many probes in flight",
            NetError::NoSuchProbe => "no such probe",
            NetError::TimedOut => "no answer in time",
            NetError::WouldBlock => "would block",
            NetError::Closed => "connection closed",
            NetError::Refused => "connection refused",
            NetError::PortInUse => "port in use",
            NetError::BadPort => "port 0 is not a port",
            NetError::NoSuchEndpoint => "no such endpoint",
            NetError::TooManyEndpoints => "too many endpoints open",
            NetError::WrongKind => "not for this kind of endpoint",
        })
    }
}

/// Most echo probes in flight at once (each may hold a DNS query).
const MAX_PROBES: usize = 64;

/// A finished probe nobody collected (its caller went away) is dropped
/// this long after its deadline.
const UNCOLLECTED_NS: u64 = 60_000_000_000;

/// The network service: one interface under smoltcp.
pub struct Net {
    pub(crate) stack: spin::Mutex<Stack>,
    /// When the stack next needs a poll (ns since boot; `u64::MAX`: only
    /// when a frame arrives), whoever polled it last.
    due: Arc<AtomicU64>,
}

pub(crate) struct Stack {
    link: Box<dyn Link>,
    pub(crate) iface: Interface,
    pub(crate) sockets: SocketSet<'static>,
    addressing: &'static str,
    dhcp: Option<SocketHandle>,
    pub(crate) dns: SocketHandle,
    icmp: SocketHandle,
    configured_dns: Vec<IpAddress>,
    lease: Option<Lease>,
    /// Set when the lease changed, until [`Net::lease_change`] takes it.
    lease_changed: bool,
    probes: BTreeMap<u64, Probe>,
    next_probe: u64,
    next_seq: u16,
    tx_lost: u64,
    /// Received TCP and UDP segments dropped for a wrong checksum.
    rx_bad_checksum: u64,
    /// Agents' TCP and UDP endpoints.
    pub(crate) endpoints: crate::endpoint::Endpoints,
    /// Where each poll leaves its next due time ([`Net::due_ns`]).
    due: Arc<AtomicU64>,
}

impl Net {
    /// Brings the stack up on `link` at `now_ns`: the IPv6 link-local
    /// address from the MAC, SLAAC, and DHCP or the static address.
    pub fn new(link: Box<dyn Link>, config: Config, now_ns: u64) -> Result<Net, NetError> {
        let mac = link.mac();
        let hardware = EthernetAddress(mac);
        if !hardware.is_unicast() {
            return Err(NetError::BadMac);
        }
        let mut iface_config = IfaceConfig::new(HardwareAddress::Ethernet(hardware));
        iface_config.random_seed = config.seed;
        iface_config.slaac = true;
        let mut iface = {
            let mut phy = Phy::new(link.as_ref());
            Interface::new(iface_config, &mut phy, instant(now_ns))
        };
        iface.update_ip_addrs(|addrs| {
            let _ = addrs.push(IpCidr::Ipv6(Ipv6Cidr::new(link_local(mac), 64)));
        });
        let mut sockets = SocketSet::new(Vec::new());
        let (addressing, dhcp) = match config.addressing {
            Addressing::Dhcp => ("dhcp", Some(sockets.add(dhcpv4::Socket::new()))),
            Addressing::Static { address, gateway } => {
                iface.update_ip_addrs(|addrs| {
                    let _ = addrs.push(IpCidr::Ipv4(address));
                });
                if let Some(gateway) = gateway {
                    let _ = iface.routes_mut().add_default_ipv4_route(gateway);
                }
                ("static", None)
            }
        };
        let dns = sockets.add(dns::Socket::new(&config.dns, Vec::new()));
        let icmp = sockets.add(echo_socket());
        let mut stack = Stack {
            link,
            iface,
            sockets,
            addressing,
            dhcp,
            dns,
            icmp,
            configured_dns: config.dns,
            lease: None,
            lease_changed: false,
            probes: BTreeMap::new(),
            next_probe: 1,
            next_seq: 1,
            tx_lost: 0,
            rx_bad_checksum: 0,
            endpoints: crate::endpoint::Endpoints::new(config.seed),
            due: Arc::new(AtomicU64::new(0)),
        };
        stack.poll(now_ns);
        Ok(Net {
            due: stack.due.clone(),
            stack: spin::Mutex::new(stack),
        })
    }

    /// Moves frames both ways, runs DHCP, DNS and the probes. Returns when
    /// the stack next needs a poll (ns since boot) if nothing arrives
    /// before; `None`: only when something arrives.
    pub fn poll(&self, now_ns: u64) -> Option<u64> {
        self.stack.lock().poll(now_ns)
    }

    /// The lease as it is now if DHCP granted, changed or lost it since
    /// the last call (`Some(None)`: lost); `None` if nothing changed.
    pub fn lease_change(&self) -> Option<Option<Lease>> {
        let mut stack = self.stack.lock();
        core::mem::take(&mut stack.lease_changed).then(|| stack.lease.clone())
    }

    /// When the stack next needs a poll if no frame arrives before (ns
    /// since boot; `u64::MAX`: not before a frame), as left by the last
    /// poll, whoever made it: a request polls the stack too, and may have
    /// set a timer (a retransmission, a probe's deadline).
    pub fn due_ns(&self) -> u64 {
        self.due.load(Ordering::Acquire)
    }

    /// The stack's state now.
    pub fn info(&self) -> Info {
        self.stack.lock().info()
    }

    /// Starts an echo probe of `host` (an IPv4 or IPv6 address, or a name
    /// resolved by DNS) that gives up after `timeout_ns`.
    pub fn ping_start(
        &self,
        host: &str,
        now_ns: u64,
        timeout_ns: u64,
    ) -> Result<ProbeId, NetError> {
        let mut stack = self.stack.lock();
        let id = stack.start_probe(host, now_ns.saturating_add(timeout_ns))?;
        stack.poll(now_ns);
        Ok(id)
    }

    /// The probe's outcome once it has one (and then forgets it);
    /// `Ok(None)` while it runs.
    pub fn ping_result(&self, id: ProbeId) -> Result<Option<PingReply>, NetError> {
        let mut stack = self.stack.lock();
        let probe = stack.probes.get(&id.0).ok_or(NetError::NoSuchProbe)?;
        if !matches!(probe.phase, Phase::Done(_)) {
            return Ok(None);
        }
        match stack.probes.remove(&id.0).map(|p| p.phase) {
            Some(Phase::Done(result)) => result.map(Some),
            _ => Err(NetError::NoSuchProbe),
        }
    }

    /// Forgets a probe whatever its state (its reply, if one comes, is
    /// dropped).
    pub fn ping_cancel(&self, id: ProbeId) {
        let mut stack = self.stack.lock();
        let dns = stack.dns;
        match stack.probes.remove(&id.0).map(|p| p.phase) {
            Some(Phase::Resolving(query)) => {
                stack
                    .sockets
                    .get_mut::<dns::Socket>(dns)
                    .cancel_query(query);
            }
            Some(Phase::Sent { .. }) => stack.drop_unanswered_echoes(),
            _ => {}
        }
    }
}

impl Stack {
    pub(crate) fn poll(&mut self, now_ns: u64) -> Option<u64> {
        let now = instant(now_ns);
        self.exchange(now);
        self.dhcp_events(now_ns);
        let probes = self.advance_probes(now_ns);
        let endpoints = self.advance_endpoints(now_ns);
        if probes || endpoints {
            self.exchange(now);
        }
        let iface_at = self.iface.poll_at(now, &self.sockets).map(|at| {
            u64::try_from(at.total_micros())
                .unwrap_or(0)
                .saturating_mul(1000)
        });
        let probe_at = self
            .probes
            .values()
            .filter(|p| !matches!(p.phase, Phase::Done(_)))
            .map(|p| p.deadline_ns)
            .chain(self.endpoints.deadlines())
            .min();
        let next = match (iface_at, probe_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.due.store(next.unwrap_or(u64::MAX), Ordering::Release);
        next
    }

    /// One smoltcp poll over the link.
    pub(crate) fn exchange(&mut self, now: Instant) {
        let mut phy = Phy::new(self.link.as_ref());
        self.iface.poll(now, &mut phy, &mut self.sockets);
        self.tx_lost += phy.tx_lost;
        self.rx_bad_checksum += phy.rx_bad;
    }

    fn dhcp_events(&mut self, now_ns: u64) {
        let Some(handle) = self.dhcp else {
            return;
        };
        let lease = match self.sockets.get_mut::<dhcpv4::Socket>(handle).poll() {
            None => return,
            Some(dhcpv4::Event::Configured(config)) => {
                let address = config.address.address();
                let usable =
                    !(address.is_broadcast() || address.is_multicast() || address.is_unspecified());
                usable.then(|| Lease {
                    address: config.address,
                    router: config.router,
                    server: config.server.address,
                    dns: config.dns_servers.iter().copied().collect(),
                    acquired_ns: now_ns,
                })
            }
            Some(dhcpv4::Event::Deconfigured) => None,
        };
        self.iface.update_ip_addrs(|addrs| {
            addrs.retain(|a| !matches!(a, IpCidr::Ipv4(_)));
            if let Some(lease) = &lease {
                let _ = addrs.push(IpCidr::Ipv4(lease.address));
            }
        });
        match lease.as_ref().and_then(|l| l.router) {
            Some(router) => {
                let _ = self.iface.routes_mut().add_default_ipv4_route(router);
            }
            None => {
                self.iface.routes_mut().remove_default_ipv4_route();
            }
        }
        // The client reports "no configuration" once as it starts: only
        // a lease granted or lost is a change.
        self.lease_changed = self.lease.is_some() || lease.is_some();
        self.lease = lease;
        let servers = self.dns_servers();
        self.sockets
            .get_mut::<dns::Socket>(self.dns)
            .update_servers(&servers);
    }

    /// The configured DNS servers, then the lease's, without repeats.
    pub(crate) fn dns_servers(&self) -> Vec<IpAddress> {
        let from_lease = self
            .lease
            .iter()
            .flat_map(|l| l.dns.iter().map(|a| IpAddress::Ipv4(*a)));
        let mut servers: Vec<IpAddress> = Vec::new();
        for server in self.configured_dns.iter().copied().chain(from_lease) {
            if !servers.contains(&server) && servers.len() < MAX_DNS_SERVERS {
                servers.push(server);
            }
        }
        servers
    }

    fn start_probe(&mut self, host: &str, deadline_ns: u64) -> Result<ProbeId, NetError> {
        if self.probes.len() >= MAX_PROBES {
            return Err(NetError::TooManyProbes);
        }
        let phase = match host.parse::<IpAddress>() {
            Ok(address) if address.is_unicast() => Phase::Ready(address),
            Ok(_) => return Err(NetError::BadHost),
            Err(_) => {
                if !is_host_name(host) {
                    return Err(NetError::BadHost);
                }
                if self.dns_servers().is_empty() {
                    return Err(NetError::NoDns);
                }
                let query = self
                    .sockets
                    .get_mut::<dns::Socket>(self.dns)
                    .start_query(self.iface.context(), host, DnsQueryType::A)
                    .map_err(|_| NetError::BadHost)?;
                Phase::Resolving(query)
            }
        };
        let id = self.next_probe;
        self.next_probe += 1;
        self.probes.insert(id, Probe { phase, deadline_ns });
        Ok(ProbeId(id))
    }

    /// Moves each probe on as far as it can go; true if a request was
    /// queued (so the caller polls the interface again to send it).
    fn advance_probes(&mut self, now_ns: u64) -> bool {
        let mut queued = false;
        let mut lost = false;
        let caps = ChecksumCapabilities::default();
        for probe in self.probes.values_mut() {
            if let Phase::Resolving(query) = probe.phase {
                let dns = self.sockets.get_mut::<dns::Socket>(self.dns);
                match dns.get_query_result(query) {
                    Ok(addresses) => {
                        probe.phase = match addresses.first() {
                            Some(address) => Phase::Ready(*address),
                            None => Phase::Done(Err(NetError::NameNotFound)),
                        }
                    }
                    Err(dns::GetQueryResultError::Pending) => {}
                    Err(dns::GetQueryResultError::Failed) => {
                        probe.phase = Phase::Done(Err(NetError::NameNotFound));
                    }
                }
            }
            if let Phase::Ready(address) = probe.phase {
                let socket = self.sockets.get_mut::<icmp::Socket>(self.icmp);
                let seq = self.next_seq;
                if socket.can_send() && send_echo(socket, &self.iface, address, seq, &caps) {
                    self.next_seq = self.next_seq.wrapping_add(1);
                    probe.phase = Phase::Sent {
                        address,
                        seq,
                        sent_ns: now_ns,
                    };
                    queued = true;
                }
            }
            if now_ns >= probe.deadline_ns && !matches!(probe.phase, Phase::Done(_)) {
                if let Phase::Sent { .. } = probe.phase {
                    lost = true;
                }
                if let Phase::Resolving(query) = probe.phase {
                    self.sockets
                        .get_mut::<dns::Socket>(self.dns)
                        .cancel_query(query);
                }
                let error = match probe.phase {
                    Phase::Ready(IpAddress::Ipv4(_)) if self.iface.ipv4_addr().is_none() => {
                        NetError::NoAddress
                    }
                    _ => NetError::TimedOut,
                };
                probe.phase = Phase::Done(Err(error));
            }
        }
        self.collect_replies(now_ns, &caps);
        // A request to a host that never answers ARP stays queued in the
        // socket, and smoltcp keeps asking for that neighbour, taking the
        // one ARP request a second it allows from every other socket. Once
        // no probe waits for a reply, a fresh socket drops it.
        if lost {
            self.drop_unanswered_echoes();
        }
        self.probes.retain(|_, p| {
            !matches!(p.phase, Phase::Done(_))
                || now_ns < p.deadline_ns.saturating_add(UNCOLLECTED_NS)
        });
        queued
    }

    /// Renews the echo socket once no probe waits for a reply, dropping
    /// requests still queued for neighbours that never answered.
    fn drop_unanswered_echoes(&mut self) {
        let waiting = self
            .probes
            .values()
            .any(|p| matches!(p.phase, Phase::Sent { .. }));
        if !waiting {
            self.sockets.remove(self.icmp);
            self.icmp = self.sockets.add(echo_socket());
        }
    }

    /// Matches echo replies to the probes that sent their requests.
    fn collect_replies(&mut self, now_ns: u64, caps: &ChecksumCapabilities) {
        let socket = self.sockets.get_mut::<icmp::Socket>(self.icmp);
        while let Ok((payload, from)) = socket.recv() {
            let echoed = match from {
                IpAddress::Ipv4(_) => Icmpv4Packet::new_checked(payload)
                    .ok()
                    .and_then(|p| Icmpv4Repr::parse(&p, caps).ok())
                    .and_then(|r| match r {
                        Icmpv4Repr::EchoReply {
                            ident,
                            seq_no,
                            data,
                        } if ident == IDENT => Some((seq_no, data.len())),
                        _ => None,
                    }),
                IpAddress::Ipv6(source) => {
                    let local = self.iface.get_source_address_ipv6(&source);
                    Icmpv6Packet::new_checked(payload)
                        .ok()
                        .and_then(|p| Icmpv6Repr::parse(&source, &local, &p, caps).ok())
                        .and_then(|r| match r {
                            Icmpv6Repr::EchoReply {
                                ident,
                                seq_no,
                                data,
                            } if ident == IDENT => Some((seq_no, data.len())),
                            _ => None,
                        })
                }
            };
            let Some((seq, bytes)) = echoed else {
                continue;
            };
            for probe in self.probes.values_mut() {
                if let Phase::Sent {
                    address,
                    seq: sent_seq,
                    sent_ns,
                } = probe.phase
                    && address == from
                    && sent_seq == seq
                {
                    probe.phase = Phase::Done(Ok(PingReply {
                        address,
                        seq,
                        bytes,
                        rtt_ns: now_ns.saturating_sub(sent_ns),
                    }));
                }
            }
        }
    }

    fn info(&mut self) -> Info {
        let mut gateway_v4 = None;
        let mut gateway_v6 = None;
        self.iface.routes_mut().update(|routes| {
            for route in routes.iter() {
                match (route.cidr, route.via_router) {
                    (IpCidr::Ipv4(cidr), IpAddress::Ipv4(via)) if cidr.prefix_len() == 0 => {
                        gateway_v4 = Some(via)
                    }
                    (IpCidr::Ipv6(cidr), IpAddress::Ipv6(via)) if cidr.prefix_len() == 0 => {
                        gateway_v6 = Some(via)
                    }
                    _ => {}
                }
            }
        });
        Info {
            interface: String::from(self.link.name()),
            mac: self.link.mac(),
            link_up: self.link.link_up(),
            addressing: self.addressing,
            lease: self.lease.clone(),
            addresses: self.iface.ip_addrs().to_vec(),
            gateway_v4,
            gateway_v6,
            dns: self.dns_servers(),
            stats: self.link.stats(),
            tx_lost: self.tx_lost,
            rx_bad_checksum: self.rx_bad_checksum,
            probes: self.probes.len(),
        }
    }
}

/// The socket echo requests leave by, bound to the node's identifier.
fn echo_socket() -> icmp::Socket<'static> {
    let packets =
        || icmp::PacketBuffer::new(vec![icmp::PacketMetadata::EMPTY; 16], vec![0; 16 * 128]);
    let mut echo = icmp::Socket::new(packets(), packets());
    // A fresh socket with a non-zero identifier always binds.
    let _ = echo.bind(icmp::Endpoint::Ident(IDENT));
    echo
}

/// Queues one echo request; false if the family has no source address.
fn send_echo(
    socket: &mut icmp::Socket<'_>,
    iface: &Interface,
    address: IpAddress,
    seq: u16,
    caps: &ChecksumCapabilities,
) -> bool {
    let data = [0xA5u8; PAYLOAD];
    match address {
        IpAddress::Ipv4(_) => {
            if iface.ipv4_addr().is_none() {
                return false;
            }
            let repr = Icmpv4Repr::EchoRequest {
                ident: IDENT,
                seq_no: seq,
                data: &data,
            };
            match socket.send(repr.buffer_len(), address) {
                Ok(buf) => {
                    repr.emit(&mut Icmpv4Packet::new_unchecked(buf), caps);
                    true
                }
                Err(_) => false,
            }
        }
        IpAddress::Ipv6(destination) => {
            let source = iface.get_source_address_ipv6(&destination);
            if source.is_unspecified() {
                return false;
            }
            let repr = Icmpv6Repr::EchoRequest {
                ident: IDENT,
                seq_no: seq,
                data: &data,
            };
            match socket.send(repr.buffer_len(), address) {
                Ok(buf) => {
                    repr.emit(
                        &source,
                        &destination,
                        &mut Icmpv6Packet::new_unchecked(buf),
                        caps,
                    );
                    true
                }
                Err(_) => false,
            }
        }
    }
}

/// A DNS name of letters, digits and hyphens in dot-separated labels of
/// 1 to 63 characters, at most 253 in all.
pub(crate) fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.trim_end_matches('.').split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// The EUI-64 link-local address of `mac` (RFC 4291, appendix A).
fn link_local(mac: [u8; 6]) -> Ipv6Address {
    let [a, b, c, d, e, f] = mac;
    Ipv6Address::new(
        0xfe80,
        0,
        0,
        0,
        u16::from_be_bytes([a ^ 0x02, b]),
        u16::from_be_bytes([c, 0xff]),
        u16::from_be_bytes([0xfe, d]),
        u16::from_be_bytes([e, f]),
    )
}

pub(crate) fn instant(now_ns: u64) -> Instant {
    Instant::from_micros(i64::try_from(now_ns / 1000).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_local_follows_eui64() {
        let address = link_local([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
        assert_eq!(
            address,
            "fe80::5054:ff:fe12:3456".parse::<Ipv6Address>().unwrap()
        );
    }

    #[test]
    fn host_names() {
        for good in ["example.org", "a", "node-1.cluster.local", "example.org."] {
            assert!(is_host_name(good), "{good}");
        }
        for bad in [
            "",
            "-a.org",
            "a-.org",
            "a..org",
            "a b",
            "ex_ample.org",
            &"a".repeat(64),
            &["a"; 130].join("."),
        ] {
            assert!(!is_host_name(bad), "{bad}");
        }
    }
}
