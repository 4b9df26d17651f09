//! Network syscalls: the node's network state and echo probes. Both need
//! INSPECT on a System handle (they are diagnostics, like `system_info`);
//! the policy sees `net_ping` with its host as the resource.

use super::{SysResult, context, permit, require};
use crate::AgentCtx;
use crate::guard::Operation;
use crate::memory::{read, write_reply};
use crate::park::Park;
use crate::resume::Step;
use aios_abi::Error;
use aios_abi::payload::{CapKind, NetInfo, PingReply, rights};
use aios_engine::wasmtime::Caller;
use aios_net::{IpAddress, IpCidr, NetError};
use alloc::format;
use alloc::string::{String, ToString};

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
        dropped: info.stats.rx_dropped + info.stats.tx_busy + info.tx_lost,
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
        NetError::BadHost => Error::InvalidArgument,
        NetError::NoDns | NetError::NoAddress => Error::Unavailable,
        NetError::NameNotFound | NetError::NoSuchProbe => Error::NotFound,
        NetError::TooManyProbes => Error::QuotaExceeded,
        NetError::TimedOut => Error::TimedOut,
        NetError::BadMac => Error::DeviceError,
    }
}
