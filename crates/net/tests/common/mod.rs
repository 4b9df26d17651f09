//! An in-memory Ethernet wire between two links, a clock the tests
//! advance, and a small DNS server on a bare smoltcp interface.
#![allow(dead_code)]

use aios_net::{Config, Link, Net};
use smoltcp::iface::{Config as IfaceConfig, Interface, SocketHandle, SocketSet};
use smoltcp::phy::{self, DeviceCapabilities, Medium};
use smoltcp::socket::udp;
use smoltcp::time::Instant;
use smoltcp::wire::{EthernetAddress, HardwareAddress, IpCidr, Ipv4Address};

#[allow(unused_imports)]
pub use aios_net::memory::{Port as End, hub, wire};

pub const MAC_A: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];
pub const MAC_B: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];

/// A stack on `end` with `ip` (`net.ip` syntax) and `dns`.
pub fn stack(end: End, ip: &str, dns: Option<&str>, now_ns: u64) -> Net {
    let config = Config::parse(Some(ip), dns, 42).unwrap();
    Net::new(Box::new(end), config, now_ns).unwrap()
}

/// A DNS server on a bare smoltcp interface: answers A queries for the
/// names it knows, NXDOMAIN otherwise.
pub struct DnsPeer {
    end: End,
    iface: Interface,
    sockets: SocketSet<'static>,
    udp: SocketHandle,
    pub names: Vec<(String, Ipv4Address)>,
    pub queries: usize,
}

struct Dev<'a>(&'a mut End);
struct Rx(Vec<u8>);
struct Tx<'a>(&'a mut End);

impl phy::Device for Dev<'_> {
    type RxToken<'t>
        = Rx
    where
        Self: 't;
    type TxToken<'t>
        = Tx<'t>
    where
        Self: 't;
    fn receive(&mut self, _: Instant) -> Option<(Rx, Tx<'_>)> {
        let frame = self.0.take()?;
        Some((Rx(frame), Tx(self.0)))
    }
    fn transmit(&mut self, _: Instant) -> Option<Tx<'_>> {
        Some(Tx(self.0))
    }
    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ethernet;
        caps.max_transmission_unit = 1514;
        caps
    }
}

impl phy::RxToken for Rx {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(&self.0)
    }
}

impl phy::TxToken for Tx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut frame = vec![0; len];
        let r = f(&mut frame);
        self.0.inject(&frame);
        r
    }
}

impl DnsPeer {
    pub fn new(mut end: End, address: Ipv4Address) -> DnsPeer {
        let mut config = IfaceConfig::new(HardwareAddress::Ethernet(EthernetAddress(end.mac())));
        config.random_seed = 1;
        let mut iface = Interface::new(config, &mut Dev(&mut end), Instant::from_millis(0));
        iface.update_ip_addrs(|a| a.push(IpCidr::new(address.into(), 24)).unwrap());
        let buffer = || udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 8], vec![0; 4096]);
        let mut socket = udp::Socket::new(buffer(), buffer());
        socket.bind(53).unwrap();
        let mut sockets = SocketSet::new(vec![]);
        let udp = sockets.add(socket);
        DnsPeer {
            end,
            iface,
            sockets,
            udp,
            names: Vec::new(),
            queries: 0,
        }
    }

    pub fn poll(&mut self, now_ns: u64) {
        let now = Instant::from_micros((now_ns / 1000) as i64);
        self.iface
            .poll(now, &mut Dev(&mut self.end), &mut self.sockets);
        let socket = self.sockets.get_mut::<udp::Socket>(self.udp);
        while let Ok((query, meta)) = socket.recv() {
            let query = query.to_vec();
            self.queries += 1;
            if let Some(answer) = answer(&query, &self.names) {
                socket.send_slice(&answer, meta.endpoint).unwrap();
            }
        }
        self.iface
            .poll(now, &mut Dev(&mut self.end), &mut self.sockets);
    }
}

/// The response to one A query: the question copied, one answer or
/// NXDOMAIN.
fn answer(query: &[u8], names: &[(String, Ipv4Address)]) -> Option<Vec<u8>> {
    if query.len() < 12 {
        return None;
    }
    let mut at = 12;
    let mut labels = Vec::new();
    loop {
        let len = *query.get(at)? as usize;
        at += 1;
        if len == 0 {
            break;
        }
        labels.push(String::from_utf8(query.get(at..at + len)?.to_vec()).ok()?);
        at += len;
    }
    let question_end = at + 4;
    let name = labels.join(".");
    let found = names.iter().find(|(n, _)| *n == name).map(|(_, a)| *a);
    let mut out = query.get(..question_end)?.to_vec();
    out[2] = 0x81; // response, recursion desired
    out[3] = if found.is_some() { 0x80 } else { 0x83 }; // recursion available; NXDOMAIN
    out[6..8].copy_from_slice(&u16::from(found.is_some()).to_be_bytes());
    if let Some(address) = found {
        out.extend_from_slice(&[0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
        out.extend_from_slice(&address.octets());
    }
    Some(out)
}
