//! Agents' endpoints: TCP streams (connected or accepted), TCP listeners
//! with a small backlog, and UDP sockets, each named by an
//! [`EndpointId`]. A stream may carry TLS (`crate::tls`): connected with
//! [`Net::connect_tls`], or accepted from a listener opened with
//! [`Net::listen_tls`]. The runtime turns ids into capability handles;
//! this module only keeps the sockets and their state.

use crate::stack::{Net, NetError, Stack, is_host_name};
use crate::tls::{MAX_WRITE, Secure, TlsFailure};
use aios_tls::{ClientConfig, ServerConfig};
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;
use smoltcp::iface::SocketHandle;
use smoltcp::socket::{dns, tcp, udp};
use smoltcp::wire::{DnsQueryType, IpAddress, IpEndpoint, IpListenEndpoint};

/// Names one endpoint for as long as it is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct EndpointId(pub u64);

/// What an endpoint can do now, for waiting and for listings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Readiness {
    /// `recv`/`accept`/`recv_from` would not block (data, a connection,
    /// a datagram, the end of the stream, or an error to report).
    pub readable: bool,
    /// `send` would not block (room, or an error to report).
    pub writable: bool,
    /// The stream is connected (or the endpoint is a listener or UDP).
    pub open: bool,
    /// Why the stream failed (name not found, refused, timed out), once
    /// it did; every later call on it returns this.
    pub error: Option<NetError>,
}

/// One endpoint as listings show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointInfo {
    /// "tcp", "tls", "tcp-listen", "tls-listen" or "udp".
    pub kind: &'static str,
    /// Local address and port (port only while unbound to an address).
    pub local: Option<IpEndpoint>,
    /// Remote address and port of a stream.
    pub remote: Option<IpEndpoint>,
    /// TCP state ("Established"), or "bound"; a TLS stream adds the
    /// session's ("TLS 1.3, X25519MLKEM768, TLS_CHACHA20_POLY1305_SHA256").
    pub state: alloc::string::String,
}

/// Most endpoints on the node at once (each holds socket buffers).
pub const MAX_ENDPOINTS: usize = 256;
/// Connections a listener keeps ready to accept.
pub const BACKLOG: usize = 4;
/// A stream's receive buffer: above 64 KiB, so the window scales.
const TCP_RX: usize = 128 * 1024;
/// A stream's send buffer.
const TCP_TX: usize = 64 * 1024;
/// Datagrams a UDP endpoint queues each way, and their bytes.
const UDP_PACKETS: usize = 32;
const UDP_BYTES: usize = 64 * 1024;
/// First ephemeral port (RFC 6335).
const EPHEMERAL: u16 = 49152;

enum Kind {
    /// A stream being resolved: the name's query, then connect to `port`.
    Resolving { query: dns::QueryHandle, port: u16 },
    /// A stream (connecting, connected or closing).
    Stream(SocketHandle),
    /// A listener: sockets listening on `port`, and established
    /// connections not yet accepted; with `tls`, each accepted stream is
    /// the server side of a TLS session.
    Listener {
        port: u16,
        listening: Vec<SocketHandle>,
        ready: Vec<SocketHandle>,
        tls: Option<ServerConfig>,
    },
    /// A UDP socket.
    Datagram(SocketHandle),
}

struct Endpoint {
    kind: Kind,
    /// A stream that has not connected by then fails with `TimedOut`.
    connect_deadline: Option<u64>,
    /// Why the stream failed, once it did.
    failed: Option<NetError>,
    /// A stream's TLS session.
    tls: Option<Box<Secure>>,
}

/// A closed stream finishing its shutdown: a TLS stream first sends its
/// remaining ciphertext (its `close_notify` last), then the FIN.
struct Closing {
    handle: SocketHandle,
    tls: Option<Box<Secure>>,
}

/// The endpoint table and the sockets being closed.
pub(crate) struct Endpoints {
    open: BTreeMap<u64, Endpoint>,
    /// Closed streams finishing their shutdown, removed once closed.
    closing: Vec<Closing>,
    next_id: u64,
    next_port: u16,
}

impl Endpoints {
    pub(crate) fn new(seed: u64) -> Endpoints {
        Endpoints {
            open: BTreeMap::new(),
            closing: Vec::new(),
            next_id: 1,
            next_port: EPHEMERAL + (seed % 16384) as u16,
        }
    }

    /// When connect deadlines fall due.
    pub(crate) fn deadlines(&self) -> impl Iterator<Item = u64> + '_ {
        self.open
            .values()
            .filter(|e| e.failed.is_none())
            .filter_map(|e| e.connect_deadline)
    }

    fn count(&self) -> usize {
        self.open.len() + self.closing.len()
    }
}

fn tcp_socket() -> tcp::Socket<'static> {
    let mut socket = tcp::Socket::new(
        tcp::SocketBuffer::new(vec![0; TCP_RX]),
        tcp::SocketBuffer::new(vec![0; TCP_TX]),
    );
    socket.set_nagle_enabled(false);
    socket
}

impl Stack {
    fn ephemeral_port(&mut self) -> u16 {
        let port = self.endpoints.next_port;
        self.endpoints.next_port = if port == u16::MAX {
            EPHEMERAL
        } else {
            port + 1
        };
        port
    }

    fn add_endpoint(
        &mut self,
        kind: Kind,
        connect_deadline: Option<u64>,
        tls: Option<Box<Secure>>,
    ) -> EndpointId {
        let id = self.endpoints.next_id;
        self.endpoints.next_id += 1;
        self.endpoints.open.insert(
            id,
            Endpoint {
                kind,
                connect_deadline,
                failed: None,
                tls,
            },
        );
        EndpointId(id)
    }

    fn port_taken(&self, port: u16) -> bool {
        self.endpoints.open.values().any(|e| match &e.kind {
            Kind::Listener { port: p, .. } => *p == port,
            Kind::Datagram(handle) => {
                self.sockets.get::<udp::Socket>(*handle).endpoint().port == port
            }
            _ => false,
        })
    }

    fn start_connect(&mut self, remote: IpEndpoint) -> Result<SocketHandle, NetError> {
        let mut socket = tcp_socket();
        let local = self.ephemeral_port();
        socket
            .connect(self.iface.context(), remote, local)
            .map_err(|_| NetError::NoAddress)?;
        Ok(self.sockets.add(socket))
    }

    fn listen_socket(&mut self, port: u16) -> Result<SocketHandle, NetError> {
        let mut socket = tcp_socket();
        socket.listen(port).map_err(|_| NetError::BadPort)?;
        Ok(self.sockets.add(socket))
    }

    /// Moves endpoints on: resolved names connect, listeners hand
    /// established connections to their ready queue, failed connects are
    /// noted, closed sockets are reaped. True if something was queued to
    /// send.
    pub(crate) fn advance_endpoints(&mut self, now_ns: u64) -> bool {
        let mut queued = false;
        let ids: Vec<u64> = self.endpoints.open.keys().copied().collect();
        for id in ids {
            let Some(endpoint) = self.endpoints.open.get(&id) else {
                continue;
            };
            match &endpoint.kind {
                Kind::Resolving { query, port } => {
                    let (query, port) = (*query, *port);
                    let result = self
                        .sockets
                        .get_mut::<dns::Socket>(self.dns)
                        .get_query_result(query);
                    let outcome = match result {
                        Ok(addresses) => match addresses.first() {
                            Some(address) => self.start_connect(IpEndpoint::new(*address, port)),
                            None => Err(NetError::NameNotFound),
                        },
                        Err(dns::GetQueryResultError::Pending) => continue,
                        Err(dns::GetQueryResultError::Failed) => Err(NetError::NameNotFound),
                    };
                    let Some(endpoint) = self.endpoints.open.get_mut(&id) else {
                        continue;
                    };
                    match outcome {
                        Ok(handle) => {
                            endpoint.kind = Kind::Stream(handle);
                            queued = true;
                        }
                        Err(e) => endpoint.failed = Some(e),
                    }
                }
                Kind::Stream(handle) => {
                    let handle = *handle;
                    let Some(endpoint) = self.endpoints.open.get_mut(&id) else {
                        continue;
                    };
                    let socket = self.sockets.get_mut::<tcp::Socket>(handle);
                    if let Some(tls) = &mut endpoint.tls {
                        let (sent, mut failure) = tls.pump(socket);
                        queued |= sent;
                        // A peer that ends the stream mid-handshake will
                        // never finish it.
                        let ended = !socket.may_recv()
                            && !socket.can_recv()
                            && !matches!(
                                socket.state(),
                                tcp::State::SynSent | tcp::State::SynReceived | tcp::State::Closed
                            );
                        if failure.is_none() && ended && !tls.established() {
                            failure = Some(TlsFailure::Truncated);
                        }
                        if let Some(failure) = failure {
                            endpoint.failed.get_or_insert(NetError::Tls(failure));
                            endpoint.connect_deadline = None;
                        }
                    }
                    let state = socket.state();
                    if endpoint.connect_deadline.is_some() {
                        match state {
                            tcp::State::SynSent | tcp::State::SynReceived => {}
                            // A connect answered by a reset ends closed.
                            tcp::State::Closed => {
                                endpoint.failed.get_or_insert(NetError::Refused);
                                endpoint.connect_deadline = None;
                            }
                            _ => endpoint.connect_deadline = None,
                        }
                    }
                }
                Kind::Listener {
                    port, listening, ..
                } => {
                    let port = *port;
                    let established: Vec<SocketHandle> = listening
                        .iter()
                        .copied()
                        .filter(|h| {
                            let state = self.sockets.get::<tcp::Socket>(*h).state();
                            !matches!(state, tcp::State::Listen | tcp::State::SynReceived)
                        })
                        .collect();
                    for handle in established {
                        let fresh = self.listen_socket(port).ok();
                        if let Some(Endpoint {
                            kind:
                                Kind::Listener {
                                    listening, ready, ..
                                },
                            ..
                        }) = self.endpoints.open.get_mut(&id)
                        {
                            listening.retain(|h| *h != handle);
                            ready.push(handle);
                            listening.extend(fresh);
                        }
                    }
                }
                Kind::Datagram(_) => {}
            }
            if let Some(endpoint) = self.endpoints.open.get_mut(&id)
                && let Some(deadline) = endpoint.connect_deadline
                && now_ns >= deadline
                && endpoint.failed.is_none()
            {
                endpoint.failed = Some(NetError::TimedOut);
                endpoint.connect_deadline = None;
                if let Kind::Stream(handle) = endpoint.kind {
                    self.sockets.get_mut::<tcp::Socket>(handle).abort();
                    queued = true;
                }
            }
        }
        let sockets = &mut self.sockets;
        self.endpoints.closing.retain_mut(|closing| {
            let socket = sockets.get_mut::<tcp::Socket>(closing.handle);
            if let Some(tls) = &mut closing.tls {
                queued |= tls.flush(socket);
                if !tls.ciphertext_waiting() || !socket.may_send() {
                    closing.tls = None;
                    socket.close();
                    queued = true;
                }
            }
            let closed = socket.state() == tcp::State::Closed;
            if closed {
                sockets.remove(closing.handle);
            }
            !closed
        });
        queued
    }

    fn endpoint(&self, id: EndpointId) -> Result<&Endpoint, NetError> {
        self.endpoints
            .open
            .get(&id.0)
            .ok_or(NetError::NoSuchEndpoint)
    }

    fn stream(&self, id: EndpointId) -> Result<SocketHandle, NetError> {
        let endpoint = self.endpoint(id)?;
        if let Some(error) = endpoint.failed {
            return Err(error);
        }
        match endpoint.kind {
            Kind::Stream(handle) => Ok(handle),
            Kind::Resolving { .. } => Err(NetError::WouldBlock),
            _ => Err(NetError::WrongKind),
        }
    }

    fn datagram(&self, id: EndpointId) -> Result<SocketHandle, NetError> {
        match self.endpoint(id)?.kind {
            Kind::Datagram(handle) => Ok(handle),
            _ => Err(NetError::WrongKind),
        }
    }

    fn readiness(&self, id: EndpointId) -> Result<Readiness, NetError> {
        let endpoint = self.endpoint(id)?;
        if let Some(error) = endpoint.failed {
            return Ok(Readiness {
                readable: true,
                writable: true,
                open: false,
                error: Some(error),
            });
        }
        Ok(match &endpoint.kind {
            Kind::Resolving { .. } => Readiness::default(),
            Kind::Stream(handle) => {
                let socket = self.sockets.get::<tcp::Socket>(*handle);
                let connecting = matches!(
                    socket.state(),
                    tcp::State::SynSent | tcp::State::SynReceived
                );
                let ended = !connecting && !socket.may_recv() && !socket.can_recv();
                match &endpoint.tls {
                    None => Readiness {
                        readable: socket.can_recv() || (!connecting && !socket.may_recv()),
                        writable: socket.can_send() || (!connecting && !socket.may_send()),
                        open: socket.may_send() || socket.may_recv(),
                        error: None,
                    },
                    // Plaintext, the peer's close_notify, or a stream cut
                    // short are all something for `recv` to report.
                    Some(tls) => Readiness {
                        readable: tls.unread() > 0 || tls.peer_closed() || ended,
                        writable: (tls.has_room() && socket.may_send())
                            || (!connecting && !socket.may_send()),
                        open: tls.established() && (socket.may_send() || socket.may_recv()),
                        error: None,
                    },
                }
            }
            Kind::Listener { ready, .. } => Readiness {
                readable: !ready.is_empty(),
                writable: false,
                open: true,
                error: None,
            },
            Kind::Datagram(handle) => {
                let socket = self.sockets.get::<udp::Socket>(*handle);
                Readiness {
                    readable: socket.can_recv(),
                    writable: socket.can_send(),
                    open: true,
                    error: None,
                }
            }
        })
    }
}

impl Net {
    /// Opens a TCP stream to `host` (an address, or a name resolved by DNS)
    /// port `port`; it fails with `TimedOut` if not connected within
    /// `timeout_ns`. Returns at once: wait for [`Readiness::writable`].
    pub fn connect(
        &self,
        host: &str,
        port: u16,
        now_ns: u64,
        timeout_ns: u64,
    ) -> Result<EndpointId, NetError> {
        self.open_stream(host, port, None, now_ns, timeout_ns)
    }

    /// Opens a TLS stream to `host` port `port` whose certificate must
    /// name `server_name` and lead to a root `config` trusts. Returns at
    /// once: the stream becomes writable (and open) when the handshake is
    /// done; a failed handshake fails it with [`NetError::Tls`].
    pub fn connect_tls(
        &self,
        host: &str,
        port: u16,
        server_name: &str,
        config: &ClientConfig,
        now_ns: u64,
        timeout_ns: u64,
    ) -> Result<EndpointId, NetError> {
        let secure = Secure::client(config, server_name).map_err(NetError::Tls)?;
        self.open_stream(host, port, Some(Box::new(secure)), now_ns, timeout_ns)
    }

    fn open_stream(
        &self,
        host: &str,
        port: u16,
        tls: Option<Box<Secure>>,
        now_ns: u64,
        timeout_ns: u64,
    ) -> Result<EndpointId, NetError> {
        if port == 0 {
            return Err(NetError::BadPort);
        }
        let mut stack = self.stack.lock();
        if stack.endpoints.count() >= MAX_ENDPOINTS {
            return Err(NetError::TooManyEndpoints);
        }
        let kind = match host.parse::<IpAddress>() {
            Ok(address) if address.is_unicast() => {
                Kind::Stream(stack.start_connect(IpEndpoint::new(address, port))?)
            }
            Ok(_) => return Err(NetError::BadHost),
            Err(_) => {
                if !is_host_name(host) {
                    return Err(NetError::BadHost);
                }
                if stack.dns_servers().is_empty() {
                    return Err(NetError::NoDns);
                }
                let dns = stack.dns;
                let Stack { sockets, iface, .. } = &mut *stack;
                let query = sockets
                    .get_mut::<dns::Socket>(dns)
                    .start_query(iface.context(), host, DnsQueryType::A)
                    .map_err(|_| NetError::BadHost)?;
                Kind::Resolving { query, port }
            }
        };
        let id = stack.add_endpoint(kind, Some(now_ns.saturating_add(timeout_ns)), tls);
        stack.poll(now_ns);
        Ok(id)
    }

    /// Listens for TCP connections on `port`.
    pub fn listen(&self, port: u16) -> Result<EndpointId, NetError> {
        self.open_listener(port, None)
    }

    /// Listens for TLS connections on `port`: each accepted stream is the
    /// server side of a session presenting `config`'s certificate.
    pub fn listen_tls(&self, port: u16, config: &ServerConfig) -> Result<EndpointId, NetError> {
        self.open_listener(port, Some(config.clone()))
    }

    fn open_listener(&self, port: u16, tls: Option<ServerConfig>) -> Result<EndpointId, NetError> {
        if port == 0 {
            return Err(NetError::BadPort);
        }
        let mut stack = self.stack.lock();
        if stack.endpoints.count() + BACKLOG > MAX_ENDPOINTS {
            return Err(NetError::TooManyEndpoints);
        }
        if stack.port_taken(port) {
            return Err(NetError::PortInUse);
        }
        let mut listening = Vec::new();
        for _ in 0..BACKLOG {
            listening.push(stack.listen_socket(port)?);
        }
        Ok(stack.add_endpoint(
            Kind::Listener {
                port,
                listening,
                ready: Vec::new(),
                tls,
            },
            None,
            None,
        ))
    }

    /// Takes the next connection a listener accepted, as a new stream
    /// endpoint, with the peer's address.
    pub fn accept(
        &self,
        id: EndpointId,
        now_ns: u64,
    ) -> Result<(EndpointId, IpEndpoint), NetError> {
        let mut stack = self.stack.lock();
        if stack.endpoints.count() >= MAX_ENDPOINTS {
            return Err(NetError::TooManyEndpoints);
        }
        let (handle, tls) = match &mut stack
            .endpoints
            .open
            .get_mut(&id.0)
            .ok_or(NetError::NoSuchEndpoint)?
            .kind
        {
            Kind::Listener { ready, .. } if ready.is_empty() => return Err(NetError::WouldBlock),
            Kind::Listener { ready, tls, .. } => (ready.remove(0), tls.clone()),
            _ => return Err(NetError::WrongKind),
        };
        let secure = match tls.as_ref().map(Secure::server).transpose() {
            Ok(secure) => secure.map(Box::new),
            Err(failure) => {
                stack.sockets.get_mut::<tcp::Socket>(handle).abort();
                stack.endpoints.closing.push(Closing { handle, tls: None });
                return Err(NetError::Tls(failure));
            }
        };
        let peer = stack
            .sockets
            .get::<tcp::Socket>(handle)
            .remote_endpoint()
            .unwrap_or(IpEndpoint::new(IpAddress::v4(0, 0, 0, 0), 0));
        let stream = stack.add_endpoint(Kind::Stream(handle), None, secure);
        // The ClientHello may be waiting already.
        stack.poll(now_ns);
        Ok((stream, peer))
    }

    /// Binds a UDP endpoint to `port` (0: an ephemeral port).
    pub fn udp_bind(&self, port: u16) -> Result<EndpointId, NetError> {
        let mut stack = self.stack.lock();
        if stack.endpoints.count() >= MAX_ENDPOINTS {
            return Err(NetError::TooManyEndpoints);
        }
        let port = if port == 0 {
            stack.ephemeral_port()
        } else {
            port
        };
        if stack.port_taken(port) {
            return Err(NetError::PortInUse);
        }
        let buffer = || {
            udp::PacketBuffer::new(
                vec![udp::PacketMetadata::EMPTY; UDP_PACKETS],
                vec![0; UDP_BYTES],
            )
        };
        let mut socket = udp::Socket::new(buffer(), buffer());
        socket
            .bind(IpListenEndpoint { addr: None, port })
            .map_err(|_| NetError::BadPort)?;
        let handle = stack.sockets.add(socket);
        Ok(stack.add_endpoint(Kind::Datagram(handle), None, None))
    }

    /// Queues bytes on a stream; returns how many fit (at least one), or
    /// `WouldBlock` when none did.
    pub fn send(&self, id: EndpointId, data: &[u8], now_ns: u64) -> Result<usize, NetError> {
        let mut stack = self.stack.lock();
        let handle = stack.stream(id)?;
        let Stack {
            sockets, endpoints, ..
        } = &mut *stack;
        let socket = sockets.get_mut::<tcp::Socket>(handle);
        if !socket.may_send() {
            return Err(match socket.state() {
                tcp::State::SynSent | tcp::State::SynReceived => NetError::WouldBlock,
                _ => NetError::Closed,
            });
        }
        if let Some(endpoint) = endpoints.open.get_mut(&id.0)
            && let Some(tls) = &mut endpoint.tls
        {
            if !tls.has_room() {
                return Err(NetError::WouldBlock);
            }
            let taken = data.len().min(MAX_WRITE);
            if let Err(failure) = tls.write(&data[..taken]) {
                endpoint.failed = Some(NetError::Tls(failure));
                return Err(NetError::Tls(failure));
            }
            tls.flush(socket);
            stack.poll(now_ns);
            return Ok(taken);
        }
        let sent = socket.send_slice(data).map_err(|_| NetError::Closed)?;
        if sent == 0 && !data.is_empty() {
            return Err(NetError::WouldBlock);
        }
        stack.poll(now_ns);
        Ok(sent)
    }

    /// Reads received bytes of a stream; `Ok(0)` is the end of the stream
    /// (the peer closed), `WouldBlock` means none yet.
    pub fn recv(&self, id: EndpointId, buf: &mut [u8], now_ns: u64) -> Result<usize, NetError> {
        let mut stack = self.stack.lock();
        let handle = stack.stream(id)?;
        let Stack {
            sockets, endpoints, ..
        } = &mut *stack;
        let socket = sockets.get_mut::<tcp::Socket>(handle);
        if let Some(endpoint) = endpoints.open.get_mut(&id.0)
            && let Some(tls) = &mut endpoint.tls
        {
            let (_, failure) = tls.pump(socket);
            if let Some(failure) = failure {
                endpoint.failed = Some(NetError::Tls(failure));
                return Err(NetError::Tls(failure));
            }
            let read = tls.read(buf);
            if read == 0 && !buf.is_empty() {
                let connecting = matches!(
                    socket.state(),
                    tcp::State::SynSent | tcp::State::SynReceived
                );
                return if tls.peer_closed() {
                    Ok(0)
                } else if socket.state() == tcp::State::Closed {
                    Err(NetError::Closed)
                } else if !connecting && !socket.may_recv() && !socket.can_recv() {
                    Err(NetError::Tls(TlsFailure::Truncated))
                } else {
                    Err(NetError::WouldBlock)
                };
            }
            stack.poll(now_ns);
            return Ok(read);
        }
        let read = match socket.recv_slice(buf) {
            Ok(0) if !buf.is_empty() => {
                return match socket.state() {
                    tcp::State::SynSent | tcp::State::SynReceived => Err(NetError::WouldBlock),
                    _ if socket.may_recv() => Err(NetError::WouldBlock),
                    _ => Ok(0),
                };
            }
            Ok(n) => n,
            Err(tcp::RecvError::Finished) => return Ok(0),
            Err(tcp::RecvError::InvalidState) => {
                return match socket.state() {
                    tcp::State::SynSent | tcp::State::SynReceived => Err(NetError::WouldBlock),
                    _ => Err(NetError::Closed),
                };
            }
        };
        // The window opened: tell the peer now rather than at the next timer.
        stack.poll(now_ns);
        Ok(read)
    }

    /// Sends one datagram to `to`.
    pub fn send_to(
        &self,
        id: EndpointId,
        data: &[u8],
        to: IpEndpoint,
        now_ns: u64,
    ) -> Result<(), NetError> {
        if to.port == 0 {
            return Err(NetError::BadPort);
        }
        if !to.addr.is_unicast() && to.addr != IpAddress::v4(255, 255, 255, 255) {
            return Err(NetError::BadHost);
        }
        let mut stack = self.stack.lock();
        let handle = stack.datagram(id)?;
        match stack
            .sockets
            .get_mut::<udp::Socket>(handle)
            .send_slice(data, to)
        {
            Ok(()) => {}
            Err(udp::SendError::BufferFull) => return Err(NetError::WouldBlock),
            Err(udp::SendError::Unaddressable) => return Err(NetError::NoAddress),
        }
        stack.poll(now_ns);
        Ok(())
    }

    /// Takes the next datagram, whole, with its sender.
    pub fn recv_from(&self, id: EndpointId) -> Result<(Vec<u8>, IpEndpoint), NetError> {
        let mut stack = self.stack.lock();
        let handle = stack.datagram(id)?;
        match stack.sockets.get_mut::<udp::Socket>(handle).recv() {
            Ok((data, meta)) => Ok((data.to_vec(), meta.endpoint)),
            Err(udp::RecvError::Exhausted | udp::RecvError::Truncated) => Err(NetError::WouldBlock),
        }
    }

    /// What the endpoint can do now.
    pub fn readiness(&self, id: EndpointId) -> Result<Readiness, NetError> {
        self.stack.lock().readiness(id)
    }

    /// Closes the endpoint: a stream sends its remaining data and a FIN
    /// (the socket lingers until the shutdown finishes); a listener drops
    /// its unaccepted connections.
    pub fn close(&self, id: EndpointId, now_ns: u64) {
        let mut stack = self.stack.lock();
        let Some(endpoint) = stack.endpoints.open.remove(&id.0) else {
            return;
        };
        match endpoint.kind {
            Kind::Resolving { query, .. } => {
                let dns = stack.dns;
                stack
                    .sockets
                    .get_mut::<dns::Socket>(dns)
                    .cancel_query(query);
            }
            Kind::Stream(handle) => {
                let socket = stack.sockets.get_mut::<tcp::Socket>(handle);
                let tls = endpoint.tls.map(|mut tls| {
                    tls.close();
                    tls.flush(socket);
                    tls
                });
                // A TLS stream sends its FIN once its ciphertext is out.
                if tls.is_none() {
                    socket.close();
                }
                stack.endpoints.closing.push(Closing { handle, tls });
            }
            Kind::Listener {
                listening, ready, ..
            } => {
                for handle in listening {
                    stack.sockets.remove(handle);
                }
                for handle in ready {
                    stack.sockets.get_mut::<tcp::Socket>(handle).abort();
                    stack.endpoints.closing.push(Closing { handle, tls: None });
                }
            }
            Kind::Datagram(handle) => {
                stack.sockets.remove(handle);
            }
        }
        stack.poll(now_ns);
    }

    /// The endpoint as listings show it.
    pub fn endpoint_info(&self, id: EndpointId) -> Result<EndpointInfo, NetError> {
        let stack = self.stack.lock();
        let endpoint = stack.endpoint(id)?;
        Ok(match &endpoint.kind {
            Kind::Resolving { port, .. } => EndpointInfo {
                kind: "tcp",
                local: None,
                remote: None,
                state: alloc::format!("resolving (port {port})"),
            },
            Kind::Stream(handle) => {
                let socket = stack.sockets.get::<tcp::Socket>(*handle);
                EndpointInfo {
                    kind: if endpoint.tls.is_some() { "tls" } else { "tcp" },
                    local: socket.local_endpoint(),
                    remote: socket.remote_endpoint(),
                    state: match &endpoint.tls {
                        Some(tls) => alloc::format!("{}, {}", socket.state(), tls.describe()),
                        None => alloc::format!("{}", socket.state()),
                    },
                }
            }
            Kind::Listener {
                port, ready, tls, ..
            } => EndpointInfo {
                kind: if tls.is_some() {
                    "tls-listen"
                } else {
                    "tcp-listen"
                },
                local: Some(IpEndpoint::new(IpAddress::v4(0, 0, 0, 0), *port)),
                remote: None,
                state: alloc::format!("listening, {} to accept", ready.len()),
            },
            Kind::Datagram(handle) => {
                let port = stack.sockets.get::<udp::Socket>(*handle).endpoint().port;
                EndpointInfo {
                    kind: "udp",
                    local: Some(IpEndpoint::new(IpAddress::v4(0, 0, 0, 0), port)),
                    remote: None,
                    state: alloc::string::String::from("bound"),
                }
            }
        })
    }

    /// For an established TLS stream: the server's end-entity certificate
    /// (DER) as this client verified it (`None` on a server's stream, or
    /// before the handshake is done). What a protocol on top binds itself
    /// to (RFC 5929's `tls-server-end-point`).
    pub fn tls_server_certificate(&self, id: EndpointId) -> Result<Option<Vec<u8>>, NetError> {
        let stack = self.stack.lock();
        let endpoint = stack.endpoint(id)?;
        Ok(endpoint
            .tls
            .as_ref()
            .filter(|tls| tls.established())
            .and_then(|tls| tls.peer_end_entity()))
    }

    /// Whether TLS stream `id`'s handshake is done (false for a plain
    /// stream or one still handshaking).
    pub fn tls_established(&self, id: EndpointId) -> Result<bool, NetError> {
        let stack = self.stack.lock();
        let endpoint = stack.endpoint(id)?;
        Ok(endpoint.tls.as_ref().is_some_and(|tls| tls.established()))
    }

    /// Endpoints open (and streams still shutting down).
    pub fn endpoint_count(&self) -> usize {
        self.stack.lock().endpoints.count()
    }
}
