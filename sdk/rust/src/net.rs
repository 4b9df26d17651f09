//! The node's network: its state and echo probes (both need inspect on a
//! system capability).

use crate::reply::query;
use crate::status::{check, clamp_ns, duration_to_ns};
use aios_abi::payload::{NetInfo, PingReply};
use aios_abi::{Error, Handle};
use core::time::Duration;

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
