//! Network syscalls: the node's network state and echo probes (INSPECT
//! on a System handle: diagnostics, like `system_info`), and agents'
//! endpoints: TCP streams and listeners and UDP sockets, opened under a
//! `net-endpoint` capability whose pattern covers the request (see
//! `crate::network`), decided by the policy (`net_connect`, `net_listen`,
//! `net_udp_bind`, `net_send_to` with "HOST:PORT" or the port as the
//! resource), counted against the agent's endpoint and bandwidth quotas,
//! and audited. An open endpoint is a handle; a call that must wait parks
//! the agent.

use super::{SysResult, context, permit, require, require_view};
use crate::guard::Operation;
use crate::memory::{out_buffer, read, write_at, write_reply};
use crate::network::{Request, covers};
use crate::park::{NetWait, Park};
use crate::resume::Step;
use crate::{AgentCtx, Runtime};
use aios_abi::payload::{CapKind, Datagram, NetEndpointInfo, NetInfo, PingReply, rights};
use aios_abi::{Error, Handle};
use aios_audit::Kind;
use aios_cap::Resource;
use aios_engine::wasmtime::Caller;
use aios_net::{EndpointId, IpAddress, IpCidr, IpEndpoint, Net, NetError, TlsFailure};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;

/// Longest host name or address an agent may pass.
const MAX_HOST: usize = 253;

pub(super) fn net_info(
    caller: &mut Caller<'_, AgentCtx>,
    system: u32,
    out: i32,
    cap: i32,
) -> SysResult {
    require(caller, system, CapKind::System, rights::INSPECT)?;
    permit(caller, Operation::plain("net_info"))?;
    let (rt, _) = context(caller)?;
    let net = rt.inner.net.get().ok_or(Error::Unavailable)?;
    let info = net.info();
    let mut addresses: alloc::vec::Vec<&IpCidr> = info.addresses.iter().collect();
    addresses.sort_by_key(|c| matches!(c.address(), IpAddress::Ipv6(_)));
    let m = info.mac;
    let reply = NetInfo {
        interface: info.interface,
        mac: format!(
            "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            m[0], m[1], m[2], m[3], m[4], m[5]
        ),
        link_up: info.link_up,
        addressing: info.addressing.to_string(),
        addresses: addresses.iter().map(|c| c.to_string()).collect(),
        gateway_v4: info.gateway_v4.map(|a| a.to_string()),
        gateway_v6: info.gateway_v6.map(|a| a.to_string()),
        dns: info.dns.iter().map(|a| a.to_string()).collect(),
        dhcp_server: info.lease.map(|l| l.server.to_string()),
        tx_frames: info.stats.tx_frames,
        tx_bytes: info.stats.tx_bytes,
        rx_frames: info.stats.rx_frames,
        rx_bytes: info.stats.rx_bytes,
        dropped: info.stats.rx_dropped + info.tx_lost + info.rx_bad_checksum,
        interrupts: info.stats.interrupts,
    };
    write_reply(caller, out, cap, &aios_abi::encode(&reply))
}

pub(super) fn net_ping(
    caller: &mut Caller<'_, AgentCtx>,
    (system, host_ptr, host_len, timeout, out, cap): (i32, i32, i32, i64, i32, i32),
) -> Step<i32> {
    match start_ping(caller, system as u32, host_ptr, host_len, timeout, out, cap) {
        Ok(park) => Step::Park(park),
        Err(e) => Step::Done(e.code()),
    }
}

fn start_ping(
    caller: &mut Caller<'_, AgentCtx>,
    system: u32,
    host_ptr: i32,
    host_len: i32,
    timeout: i64,
    out: i32,
    cap: i32,
) -> Result<Park, Error> {
    require(caller, system, CapKind::System, rights::INSPECT)?;
    let host = read(caller, host_ptr, host_len, MAX_HOST)?;
    let host = String::from_utf8(host).map_err(|_| Error::InvalidArgument)?;
    permit(caller, Operation::on("net_ping", &host))?;
    let timeout = u64::try_from(timeout).map_err(|_| Error::InvalidArgument)?;
    let ptr = u32::try_from(out).map_err(|_| Error::BadPointer)?;
    let room = u32::try_from(cap).map_err(|_| Error::BadLength)?;
    let (rt, _) = context(caller)?;
    let net = rt.inner.net.get().ok_or(Error::Unavailable)?;
    let now = rt.inner.platform.now_ns();
    let probe = net.ping_start(&host, now, timeout).map_err(net_error)?;
    rt.inner.platform.kick();
    Ok(Park::Ping {
        probe: probe.0,
        ptr,
        cap: room,
        deadline: now.saturating_add(timeout),
    })
}

/// What a parked `net_ping` resumes with: the reply's length, an error
/// code, or `None` while the probe runs.
pub(crate) fn ping_outcome(
    caller: &mut Caller<'_, AgentCtx>,
    probe: u64,
    ptr: u32,
    cap: u32,
    give_up: bool,
) -> Option<i64> {
    let code = |e: Error| Some(i64::from(e.code()));
    let Ok((rt, _)) = context(caller) else {
        return code(Error::NotSupported);
    };
    let net = rt.inner.net.get()?;
    let id = aios_net::ProbeId(probe);
    match net.ping_result(id) {
        Ok(None) if give_up => {
            net.ping_cancel(id);
            code(Error::TimedOut)
        }
        Ok(None) => None,
        Ok(Some(reply)) => {
            let reply = PingReply {
                address: reply.address.to_string(),
                seq: u32::from(reply.seq),
                bytes: reply.bytes as u32,
                rtt_ns: reply.rtt_ns,
            };
            let written = write_reply(caller, ptr as i32, cap as i32, &aios_abi::encode(&reply));
            Some(written.map_or_else(|e| i64::from(e.code()), i64::from))
        }
        Err(e) => code(net_error(e)),
    }
}

fn net_error(error: NetError) -> Error {
    match error {
        NetError::BadHost | NetError::BadPort => Error::InvalidArgument,
        NetError::NoDns | NetError::NoAddress => Error::Unavailable,
        NetError::NameNotFound | NetError::NoSuchProbe => Error::NotFound,
        NetError::NoSuchEndpoint => Error::StaleHandle,
        NetError::TooManyProbes | NetError::TooManyEndpoints => Error::QuotaExceeded,
        NetError::TimedOut => Error::TimedOut,
        NetError::BadMac => Error::DeviceError,
        NetError::WouldBlock => Error::WouldBlock,
        NetError::Closed => Error::Closed,
        NetError::Refused => Error::Refused,
        NetError::PortInUse => Error::Exists,
        NetError::WrongKind => Error::WrongKind,
        NetError::Tls(TlsFailure::Untrusted | TlsFailure::WrongName | TlsFailure::Expired) => {
            Error::Untrusted
        }
        NetError::Tls(TlsFailure::Local) => Error::Unavailable,
        NetError::Tls(_) => Error::TlsFailed,
    }
}

/// Checks that `cap` is a `net-endpoint` capability with `needed` rights
/// whose pattern covers `request`.
fn covered(
    caller: &Caller<'_, AgentCtx>,
    cap: u32,
    request: Request<'_>,
    needed: u32,
) -> Result<(), Error> {
    let view = require_view(caller, cap, CapKind::NetEndpoint, needed)?;
    match &view.resource {
        Resource::NetEndpoint(pattern) if covers(pattern, request) => Ok(()),
        Resource::NetEndpoint(_) => Err(Error::PermissionDenied),
        _ => Err(Error::WrongKind),
    }
}

/// The network service and the endpoint behind an open endpoint `handle`
/// held with `needed` rights.
fn endpoint(
    caller: &Caller<'_, AgentCtx>,
    handle: u32,
    needed: u32,
) -> Result<(Arc<Net>, EndpointId), Error> {
    let view = require_view(caller, handle, CapKind::NetEndpoint, needed)?;
    let Resource::Socket(id) = view.resource else {
        return Err(Error::WrongKind);
    };
    let (rt, _) = context(caller)?;
    let net = rt.inner.net.get().ok_or(Error::Unavailable)?.clone();
    Ok((net, EndpointId(id)))
}

/// The network service, if the caller may open one more endpoint.
fn room_for_endpoint(rt: &Runtime, me: u64) -> Result<Arc<Net>, Error> {
    let net = rt.inner.net.get().ok_or(Error::Unavailable)?.clone();
    let allowed = rt
        .inner
        .state
        .lock()
        .agents
        .get(&me)
        .map_or(0, |r| r.quota.quotas().net_endpoints);
    if rt.inner.net_owners.lock().count_of(me) >= allowed as usize {
        return Err(Error::QuotaExceeded);
    }
    Ok(net)
}

/// Makes an open endpoint the caller's: a handle, its owner, an audit
/// record (`what` it opened: "connect 10.0.2.2:80").
fn adopt(rt: &Runtime, me: u64, net: &Net, id: EndpointId, what: &str) -> Result<u32, Error> {
    let now = rt.inner.platform.now_ns();
    let minted = rt.inner.state.lock().caps.mint(
        me,
        Resource::Socket(id.0),
        rights::READ | rights::WRITE,
        None,
        None,
    );
    let handle = match minted {
        Ok(handle) => handle,
        Err(e) => {
            net.close(id, now);
            return Err(Error::from(e));
        }
    };
    rt.inner.net_owners.lock().add(id.0, me);
    rt.inner
        .audit(Kind::Net, me, &format!("{what} as endpoint {}", id.0));
    Ok(handle.raw())
}

/// Closes an endpoint and drops its handle.
fn release(rt: &Runtime, me: u64, net: &Net, id: EndpointId, handle: u32) {
    net.close(id, rt.inner.platform.now_ns());
    rt.inner.net_owners.lock().remove(id.0);
    let _ = rt.inner.state.lock().caps.revoke(me, Handle(handle));
}

fn host_text(caller: &Caller<'_, AgentCtx>, ptr: i32, len: i32) -> Result<String, Error> {
    String::from_utf8(read(caller, ptr, len, MAX_HOST)?).map_err(|_| Error::InvalidArgument)
}

fn port_of(port: i32) -> Result<u16, Error> {
    u16::try_from(port).map_err(|_| Error::InvalidArgument)
}

fn timeout_of(timeout: i64) -> Result<u64, Error> {
    u64::try_from(timeout).map_err(|_| Error::InvalidArgument)
}

/// Tries a waiting syscall's operation at once and parks only if it
/// would block (with a zero timeout it returns `WouldBlock` instead).
fn parked(caller: &mut Caller<'_, AgentCtx>, result: Result<Park, Error>) -> Step<i32> {
    let park = match result {
        Ok(park) => park,
        Err(e) => return Step::Done(e.code()),
    };
    let Park::Net {
        wait,
        endpoint,
        handle,
        deadline,
    } = park
    else {
        return Step::Park(park);
    };
    match net_outcome(caller, wait, endpoint, handle, u64::MAX) {
        Some(value) => Step::Done(i32::try_from(value).unwrap_or(Error::InvalidArgument.code())),
        None => {
            let now = context(caller).map_or(0, |(rt, _)| rt.inner.platform.now_ns());
            if now >= deadline && wait != NetWait::Connect {
                Step::Done(Error::WouldBlock.code())
            } else {
                Step::Park(park)
            }
        }
    }
}

/// A call on the open endpoint `handle` (held with `needed` rights) that
/// may wait up to `timeout` ns for what `wait` describes (built after the
/// handle is checked, from the call's buffers).
fn wait_on(
    caller: &mut Caller<'_, AgentCtx>,
    handle: i32,
    needed: u32,
    timeout: i64,
    wait: impl FnOnce(&Caller<'_, AgentCtx>) -> Result<NetWait, Error>,
) -> Step<i32> {
    let park = endpoint(caller, handle as u32, needed).and_then(|(_, id)| {
        let wait = wait(caller)?;
        let timeout = timeout_of(timeout)?;
        let (rt, _) = context(caller)?;
        Ok(Park::Net {
            wait,
            endpoint: id.0,
            handle: handle as u32,
            deadline: rt.inner.platform.now_ns().saturating_add(timeout),
        })
    });
    parked(caller, park)
}

pub(super) fn net_connect(
    caller: &mut Caller<'_, AgentCtx>,
    (cap, host_ptr, host_len, port, timeout): (i32, i32, i32, i32, i64),
) -> Step<i32> {
    let park = host_text(caller, host_ptr, host_len)
        .and_then(|host| start_connect(caller, cap as u32, host, port, None, timeout));
    parked(caller, park)
}

pub(super) fn net_connect_tls(
    caller: &mut Caller<'_, AgentCtx>,
    (cap, host_ptr, host_len, port, name_ptr, name_len, timeout): (
        i32,
        i32,
        i32,
        i32,
        i32,
        i32,
        i64,
    ),
) -> Step<i32> {
    let park = host_text(caller, host_ptr, host_len).and_then(|host| {
        let name = host_text(caller, name_ptr, name_len)?;
        let name = if name.is_empty() { host.clone() } else { name };
        start_connect(caller, cap as u32, host, port, Some(name), timeout)
    });
    parked(caller, park)
}

/// Opens a stream to `host` port `port`, with TLS to `server_name` if
/// one is given.
fn start_connect(
    caller: &mut Caller<'_, AgentCtx>,
    cap: u32,
    host: String,
    port: i32,
    server_name: Option<String>,
    timeout: i64,
) -> Result<Park, Error> {
    let port = port_of(port)?;
    covered(
        caller,
        cap,
        Request::Connect { host: &host, port },
        rights::WRITE,
    )?;
    let target = format!("{host}:{port}");
    permit(caller, Operation::on("net_connect", &target))?;
    let timeout = timeout_of(timeout)?;
    let (rt, me) = context(caller)?;
    let net = room_for_endpoint(&rt, me)?;
    let now = rt.inner.platform.now_ns();
    let (id, what) = match &server_name {
        None => (
            net.connect(&host, port, now, timeout).map_err(net_error)?,
            format!("connect {target}"),
        ),
        Some(name) => {
            let config = match rt.inner.tls_client.get() {
                Some(Ok((config, _))) => config,
                _ => return Err(Error::Unavailable),
            };
            let id = net
                .connect_tls(&host, port, name, config, now, timeout)
                .map_err(net_error)?;
            (id, format!("connect tls {target} (name {name})"))
        }
    };
    let handle = adopt(&rt, me, &net, id, &what)?;
    rt.inner.platform.kick();
    Ok(Park::Net {
        wait: NetWait::Connect,
        endpoint: id.0,
        handle,
        deadline: now.saturating_add(timeout),
    })
}

pub(super) fn net_listen(caller: &mut Caller<'_, AgentCtx>, cap: u32, port: u32) -> SysResult {
    let port = u16::try_from(port).map_err(|_| Error::InvalidArgument)?;
    covered(caller, cap, Request::Listen { port }, rights::READ)?;
    permit(caller, Operation::on("net_listen", &format!("{port}")))?;
    let (rt, me) = context(caller)?;
    let net = room_for_endpoint(&rt, me)?;
    let id = net.listen(port).map_err(net_error)?;
    let handle = adopt(&rt, me, &net, id, &format!("listen {port}"))?;
    Ok(handle as i32)
}

pub(super) fn net_accept(
    caller: &mut Caller<'_, AgentCtx>,
    (listener, timeout): (i32, i64),
) -> Step<i32> {
    wait_on(caller, listener, rights::READ, timeout, |_| {
        Ok(NetWait::Accept)
    })
}

pub(super) fn net_send(
    caller: &mut Caller<'_, AgentCtx>,
    (stream, ptr, len, timeout): (i32, i32, i32, i64),
) -> Step<i32> {
    // The bytes are read when they go: checked now, so a bad buffer fails
    // at once rather than after a wait.
    wait_on(caller, stream, rights::WRITE, timeout, |caller| {
        let (ptr, len) = crate::memory::in_buffer(caller, ptr, len)?;
        Ok(NetWait::Send { ptr, len })
    })
}

pub(super) fn net_recv(
    caller: &mut Caller<'_, AgentCtx>,
    (stream, out, cap, timeout): (i32, i32, i32, i64),
) -> Step<i32> {
    wait_on(caller, stream, rights::READ, timeout, |caller| {
        let (ptr, cap) = out_buffer(caller, out, cap)?;
        Ok(NetWait::Recv { ptr, cap })
    })
}

pub(super) fn net_udp_bind(caller: &mut Caller<'_, AgentCtx>, cap: u32, port: u32) -> SysResult {
    let port = u16::try_from(port).map_err(|_| Error::InvalidArgument)?;
    covered(caller, cap, Request::Udp { port }, rights::READ)?;
    permit(caller, Operation::on("net_udp_bind", &format!("{port}")))?;
    let (rt, me) = context(caller)?;
    let net = room_for_endpoint(&rt, me)?;
    let id = net.udp_bind(port).map_err(net_error)?;
    let handle = adopt(&rt, me, &net, id, &format!("udp {port}"))?;
    Ok(handle as i32)
}

pub(super) fn net_send_to(
    caller: &mut Caller<'_, AgentCtx>,
    socket: u32,
    to_ptr: i32,
    to_len: i32,
    ptr: i32,
    len: i32,
) -> SysResult {
    let (net, id) = endpoint(caller, socket, rights::WRITE)?;
    let to_text = host_text(caller, to_ptr, to_len)?;
    let to: IpEndpoint = parse_endpoint(&to_text).ok_or(Error::InvalidArgument)?;
    let host = to.addr.to_string();
    let (rt, me) = context(caller)?;
    let now = rt.inner.platform.now_ns();
    let request = Request::Connect {
        host: &host,
        port: to.port,
    };
    let allowed = rt.inner.state.lock().caps.list(me, now).iter().any(|view| {
        view.rights & rights::WRITE != 0
            && matches!(&view.resource, Resource::NetEndpoint(pattern) if covers(pattern, request))
    });
    if !allowed {
        return Err(Error::PermissionDenied);
    }
    let data = read(caller, ptr, len, MAX_DATAGRAM)?;
    permit(
        caller,
        Operation {
            size: data.len() as u64,
            ..Operation::on("net_send_to", &to_text)
        },
    )?;
    take_bandwidth(&rt, me, data.len(), now)?;
    net.send_to(id, &data, to, now).map_err(net_error)?;
    charge_bandwidth(&rt, me, data.len(), now);
    Ok(data.len() as i32)
}

pub(super) fn net_recv_from(
    caller: &mut Caller<'_, AgentCtx>,
    (socket, out, cap, timeout): (i32, i32, i32, i64),
) -> Step<i32> {
    wait_on(caller, socket, rights::READ, timeout, |caller| {
        let (ptr, cap) = out_buffer(caller, out, cap)?;
        Ok(NetWait::RecvFrom { ptr, cap })
    })
}

pub(super) fn net_close(caller: &mut Caller<'_, AgentCtx>, handle: u32) -> SysResult {
    let (net, id) = endpoint(caller, handle, 0)?;
    let (rt, me) = context(caller)?;
    release(&rt, me, &net, id, handle);
    Ok(0)
}

pub(super) fn net_endpoint_info(
    caller: &mut Caller<'_, AgentCtx>,
    handle: u32,
    out: i32,
    cap: i32,
) -> SysResult {
    let (net, id) = endpoint(caller, handle, 0)?;
    let info = net.endpoint_info(id).map_err(net_error)?;
    let reply = NetEndpointInfo {
        kind: info.kind.to_string(),
        local: info.local.map(|e| endpoint_text(&e)),
        remote: info.remote.map(|e| endpoint_text(&e)),
        state: info.state,
    };
    write_reply(caller, out, cap, &aios_abi::encode(&reply))
}

/// Largest datagram an agent may send.
const MAX_DATAGRAM: usize = 65_507;

/// Refuses with `WouldBlock` if the caller's bandwidth quota has no room
/// for `bytes` now.
fn take_bandwidth(rt: &Runtime, me: u64, bytes: usize, now: u64) -> Result<(), Error> {
    let mut state = rt.inner.state.lock();
    let record = state.agents.get_mut(&me).ok_or(Error::NotSupported)?;
    if record.quota.net_allowance(now) < bytes as u64 {
        return Err(Error::WouldBlock);
    }
    Ok(())
}

fn bandwidth_allowance(rt: &Runtime, me: u64, now: u64) -> u64 {
    rt.inner
        .state
        .lock()
        .agents
        .get_mut(&me)
        .map_or(0, |r| r.quota.net_allowance(now))
}

fn charge_bandwidth(rt: &Runtime, me: u64, bytes: usize, now: u64) {
    if let Some(record) = rt.inner.state.lock().agents.get_mut(&me) {
        record.quota.charge_net(bytes as u64, now);
    }
}

/// "ADDRESS:PORT" or "[V6ADDRESS]:PORT".
fn parse_endpoint(text: &str) -> Option<IpEndpoint> {
    let (host, port) = text.rsplit_once(':')?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let addr: IpAddress = host.parse().ok()?;
    let port: u16 = port.parse().ok().filter(|p| *p != 0)?;
    Some(IpEndpoint::new(addr, port))
}

fn endpoint_text(endpoint: &IpEndpoint) -> String {
    match endpoint.addr {
        IpAddress::Ipv4(a) => format!("{}:{}", a, endpoint.port),
        IpAddress::Ipv6(a) => format!("[{}]:{}", a, endpoint.port),
    }
}

/// What a parked endpoint syscall resumes with, or `None` while it must
/// still wait. At the deadline: `TimedOut` (a connect that timed out
/// also closes its endpoint and drops the handle).
pub(crate) fn net_outcome(
    caller: &mut Caller<'_, AgentCtx>,
    wait: NetWait,
    endpoint: u64,
    handle: u32,
    deadline: u64,
) -> Option<i64> {
    let code = |e: Error| Some(i64::from(e.code()));
    let Ok((rt, me)) = context(caller) else {
        return code(Error::NotSupported);
    };
    let Some(net) = rt.inner.net.get().cloned() else {
        return code(Error::Unavailable);
    };
    let id = EndpointId(endpoint);
    let now = rt.inner.platform.now_ns();
    let result: Result<i64, Error> = match wait {
        NetWait::Connect => match net.readiness(id) {
            Ok(ready) if ready.error.is_some() || (!ready.open && ready.writable) => {
                // Failed (or reset as soon as it connected): say why, then
                // let it go. A TLS failure is audited with its reason.
                let error = ready.error.unwrap_or(NetError::Closed);
                if let NetError::Tls(failure) = error {
                    rt.inner
                        .audit(Kind::Net, me, &format!("endpoint {endpoint}: {failure}"));
                }
                release(&rt, me, &net, id, handle);
                Err(net_error(error))
            }
            Ok(ready) if ready.open && ready.writable => {
                // A TLS stream's record says what the handshake settled.
                if let Ok(info) = net.endpoint_info(id)
                    && info.kind == "tls"
                {
                    rt.inner.audit(
                        Kind::Net,
                        me,
                        &format!("endpoint {endpoint}: {}", info.state),
                    );
                }
                Ok(i64::from(handle))
            }
            Ok(_) if now >= deadline => {
                release(&rt, me, &net, id, handle);
                Err(Error::TimedOut)
            }
            Ok(_) => return None,
            Err(e) => Err(net_error(e)),
        },
        NetWait::Accept => match net.accept(id, now) {
            Ok((stream, peer)) => {
                let what = format!("accept {} on endpoint {}", endpoint_text(&peer), endpoint);
                match room_for_endpoint(&rt, me) {
                    Ok(_) => adopt(&rt, me, &net, stream, &what).map(i64::from),
                    Err(e) => {
                        net.close(stream, now);
                        Err(e)
                    }
                }
            }
            Err(e) => Err(net_error(e)),
        },
        NetWait::Send { ptr, len } => {
            let allowance = bandwidth_allowance(&rt, me, now).min(len as u64) as usize;
            // Nothing is copied out of the agent while the stream has no
            // room (an error to report counts as room).
            let room = net.readiness(id).is_ok_and(|r| r.writable);
            if !room || (allowance == 0 && len > 0) {
                Err(Error::WouldBlock)
            } else {
                let mut data = alloc::vec![0u8; allowance.min(64 * 1024)];
                match crate::memory::read_into(caller, ptr, &mut data) {
                    Err(e) => Err(e),
                    Ok(()) => match net.send(id, &data, now) {
                        Ok(sent) => {
                            charge_bandwidth(&rt, me, sent, now);
                            Ok(sent as i64)
                        }
                        Err(e) => Err(net_error(e)),
                    },
                }
            }
        }
        NetWait::Recv { ptr, cap } => {
            let allowance = bandwidth_allowance(&rt, me, now).min(u64::from(cap)) as usize;
            let waiting = net.readiness(id).is_ok_and(|r| r.readable);
            if !waiting || (allowance == 0 && cap > 0) {
                Err(Error::WouldBlock)
            } else {
                let mut buf = alloc::vec![0u8; allowance.min(64 * 1024)];
                match net.recv(id, &mut buf, now) {
                    Ok(n) => {
                        charge_bandwidth(&rt, me, n, now);
                        write_at(caller, ptr, &buf[..n]).map(|()| n as i64)
                    }
                    Err(e) => Err(net_error(e)),
                }
            }
        }
        NetWait::RecvFrom { ptr, cap } => match net.recv_from(id) {
            Ok((data, from)) => {
                charge_bandwidth(&rt, me, data.len(), now);
                let datagram = Datagram {
                    from: endpoint_text(&from),
                    data,
                };
                let bytes = aios_abi::encode(&datagram);
                if bytes.len() > cap as usize {
                    Err(Error::BufferTooSmall)
                } else {
                    write_at(caller, ptr, &bytes).map(|()| bytes.len() as i64)
                }
            }
            Err(e) => Err(net_error(e)),
        },
    };
    match result {
        Err(Error::WouldBlock) if now < deadline => None,
        Err(Error::WouldBlock) => code(Error::TimedOut),
        Ok(value) => Some(value),
        Err(e) => code(e),
    }
}
