//! The network: the node's state and echo probes (inspect on a system
//! capability), and the agent's own endpoints: TCP streams and listeners
//! and UDP sockets, opened under its `net-endpoint` capabilities. An
//! endpoint is a handle, closed when its wrapper is dropped.

use crate::reply::query;
use crate::status::{check, clamp_ns, duration_to_ns};
use aios_abi::payload::{Datagram, NetEndpointInfo, NetInfo, PingReply};
use aios_abi::{Error, Handle};
use core::time::Duration;
use std::vec;
use std::vec::Vec;

/// First guess at the size of an encoded `NetInfo`.
const INFO_REPLY: usize = 1024;

/// Room for an encoded `PingReply` (an address of at most 39 characters
/// and three integers): always enough, so a probe is never repeated for
/// a bigger buffer.
const PING_REPLY: usize = 128;

/// The interface, its addresses, routes, DNS servers and counters.
pub fn net_info(system: Handle) -> Result<NetInfo, Error> {
    query(INFO_REPLY, |out| {
        // SAFETY: `out` is a live, writable buffer of `out.len()` bytes for
        // the whole call; the kernel writes at most that many.
        unsafe { crate::sys::net_info(system.raw(), out.as_mut_ptr(), out.len()) }
    })
}

/// Sends one ICMP echo to `host` (an IPv4 or IPv6 address, or a name the
/// node's DNS servers resolve) and waits up to `timeout` for the reply.
pub fn ping(system: Handle, host: &str, timeout: Duration) -> Result<PingReply, Error> {
    let mut out = [0u8; PING_REPLY];
    // SAFETY: `host` is readable and `out` writable for their lengths for
    // the whole call; the kernel writes at most `out.len()` bytes.
    let ret = unsafe {
        crate::sys::net_ping(
            system.raw(),
            host.as_ptr(),
            host.len(),
            clamp_ns(duration_to_ns(timeout)),
            out.as_mut_ptr(),
            out.len(),
        )
    };
    let written = usize::try_from(check(ret)?).map_err(|_| Error::BadLength)?;
    aios_abi::decode(out.get(..written).ok_or(Error::BadLength)?)
}

/// The caller's first `net-endpoint` capability whose pattern starts with
/// `verb` (`"connect"`, `"listen"`, `"udp"`): the one its manifest granted
/// for that use.
pub fn net_cap(verb: &str) -> Option<Handle> {
    crate::cap::cap_list(Handle(aios_abi::SELF))
        .ok()?
        .into_iter()
        .find(|cap| {
            // `cap_list` describes the resource: "net endpoint PATTERN".
            let pattern = cap
                .resource
                .strip_prefix("net endpoint ")
                .unwrap_or(&cap.resource);
            cap.kind == aios_abi::payload::CapKind::NetEndpoint
                && pattern.split_once(':').is_some_and(|(v, _)| v == verb)
        })
        .map(|cap| Handle(cap.handle))
}

/// A TCP stream: closed (what was sent still goes, then the end) when
/// dropped.
pub struct TcpStream {
    handle: Handle,
}

impl TcpStream {
    /// Connects to `host` (an address or a DNS name) on `port`, under the
    /// `net-endpoint` capability `cap` (its pattern must cover
    /// `connect:HOST:PORT`), waiting up to `timeout`.
    pub fn connect(
        cap: Handle,
        host: &str,
        port: u16,
        timeout: Duration,
    ) -> Result<TcpStream, Error> {
        // SAFETY: `host` is readable for its length for the whole call.
        let ret = unsafe {
            crate::sys::net_connect(
                cap.raw(),
                host.as_ptr(),
                host.len(),
                u32::from(port),
                clamp_ns(duration_to_ns(timeout)),
            )
        };
        check(ret).map(|raw| TcpStream {
            handle: Handle(raw),
        })
    }

    /// Connects to `host` on `port` as [`connect`](Self::connect) does,
    /// then runs a TLS 1.3 handshake with a server whose certificate names
    /// `server_name` (an empty name: `host`) and leads to a root of the
    /// node's trust store; the hybrid X25519MLKEM768 group is offered
    /// first. Reads and writes are then plaintext, and the end of the
    /// stream is the server's `close_notify`. Fails with `Untrusted` when
    /// the certificate does not check out, `TlsFailed` otherwise.
    pub fn connect_tls(
        cap: Handle,
        host: &str,
        port: u16,
        server_name: &str,
        timeout: Duration,
    ) -> Result<TcpStream, Error> {
        // SAFETY: `host` and `server_name` are readable for their lengths
        // for the whole call.
        let ret = unsafe {
            crate::sys::net_connect_tls(
                cap.raw(),
                host.as_ptr(),
                host.len(),
                u32::from(port),
                server_name.as_ptr(),
                server_name.len(),
                clamp_ns(duration_to_ns(timeout)),
            )
        };
        check(ret).map(|raw| TcpStream {
            handle: Handle(raw),
        })
    }

    /// The stream's handle.
    pub fn handle(&self) -> Handle {
        self.handle
    }

    /// Reads what arrived into `buf`, waiting up to `timeout` for
    /// something; `Ok(0)` is the end of the stream.
    pub fn read(&self, buf: &mut [u8], timeout: Duration) -> Result<usize, Error> {
        // SAFETY: `buf` is writable for its length for the whole call.
        let ret = unsafe {
            crate::sys::net_recv(
                self.handle.raw(),
                buf.as_mut_ptr(),
                buf.len(),
                clamp_ns(duration_to_ns(timeout)),
            )
        };
        check(ret).map(|n| n as usize)
    }

    /// Queues bytes, waiting up to `timeout` for room; returns how many
    /// were taken.
    pub fn write(&self, data: &[u8], timeout: Duration) -> Result<usize, Error> {
        // SAFETY: `data` is readable for its length for the whole call.
        let ret = unsafe {
            crate::sys::net_send(
                self.handle.raw(),
                data.as_ptr(),
                data.len(),
                clamp_ns(duration_to_ns(timeout)),
            )
        };
        check(ret).map(|n| n as usize)
    }

    /// Queues all of `data`, each wait up to `timeout`.
    pub fn write_all(&self, mut data: &[u8], timeout: Duration) -> Result<(), Error> {
        while !data.is_empty() {
            let n = self.write(data, timeout)?;
            data = data.get(n..).unwrap_or(&[]);
        }
        Ok(())
    }

    /// Reads until the end of the stream or `limit` bytes, each wait up to
    /// `timeout`.
    pub fn read_to_end(&self, limit: usize, timeout: Duration) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        while out.len() < limit {
            let room = (limit - out.len()).min(buf.len());
            match self.read(&mut buf[..room], timeout)? {
                0 => break,
                n => out.extend_from_slice(&buf[..n]),
            }
        }
        Ok(out)
    }

    /// Kind, addresses and state.
    pub fn info(&self) -> Result<NetEndpointInfo, Error> {
        endpoint_info(self.handle)
    }
}

impl Drop for TcpStream {
    fn drop(&mut self) {
        // A handle already gone has nothing left to close.
        crate::sys::net_close(self.handle.raw());
    }
}

/// A TCP listener: closed when dropped.
pub struct TcpListener {
    handle: Handle,
}

impl TcpListener {
    /// Listens on `port` under `cap` (its pattern covers `listen:PORT`).
    pub fn bind(cap: Handle, port: u16) -> Result<TcpListener, Error> {
        check(crate::sys::net_listen(cap.raw(), u32::from(port))).map(|raw| TcpListener {
            handle: Handle(raw),
        })
    }

    /// Waits up to `timeout` for the next connection.
    pub fn accept(&self, timeout: Duration) -> Result<TcpStream, Error> {
        check(crate::sys::net_accept(
            self.handle.raw(),
            clamp_ns(duration_to_ns(timeout)),
        ))
        .map(|raw| TcpStream {
            handle: Handle(raw),
        })
    }
}

impl Drop for TcpListener {
    fn drop(&mut self) {
        crate::sys::net_close(self.handle.raw());
    }
}

/// A UDP endpoint: closed when dropped.
pub struct UdpSocket {
    handle: Handle,
}

impl UdpSocket {
    /// Binds `port` (0: any free port) under `cap` (covers `udp:PORT`).
    pub fn bind(cap: Handle, port: u16) -> Result<UdpSocket, Error> {
        check(crate::sys::net_udp_bind(cap.raw(), u32::from(port))).map(|raw| UdpSocket {
            handle: Handle(raw),
        })
    }

    /// Sends one datagram to `to` ("ADDRESS:PORT"); a `net-endpoint`
    /// capability must cover `connect:ADDRESS:PORT`.
    pub fn send_to(&self, to: &str, data: &[u8]) -> Result<(), Error> {
        // SAFETY: `to` and `data` are readable for their lengths for the
        // whole call.
        let ret = unsafe {
            crate::sys::net_send_to(
                self.handle.raw(),
                to.as_ptr(),
                to.len(),
                data.as_ptr(),
                data.len(),
            )
        };
        check(ret).map(drop)
    }

    /// Waits up to `timeout` for a datagram.
    pub fn recv_from(&self, timeout: Duration) -> Result<Datagram, Error> {
        let mut out = vec![0u8; 66 * 1024];
        // SAFETY: `out` is writable for its length for the whole call.
        let ret = unsafe {
            crate::sys::net_recv_from(
                self.handle.raw(),
                out.as_mut_ptr(),
                out.len(),
                clamp_ns(duration_to_ns(timeout)),
            )
        };
        let written = check(ret)? as usize;
        aios_abi::decode(out.get(..written).ok_or(Error::BadLength)?)
    }

    /// Kind, local address and state.
    pub fn info(&self) -> Result<NetEndpointInfo, Error> {
        endpoint_info(self.handle)
    }
}

impl Drop for UdpSocket {
    fn drop(&mut self) {
        crate::sys::net_close(self.handle.raw());
    }
}

/// An endpoint's kind, addresses and state.
pub fn endpoint_info(endpoint: Handle) -> Result<NetEndpointInfo, Error> {
    query(256, |out| {
        // SAFETY: `out` is a live, writable buffer of `out.len()` bytes for
        // the whole call; the kernel writes at most that many.
        unsafe { crate::sys::net_endpoint_info(endpoint.raw(), out.as_mut_ptr(), out.len()) }
    })
}
