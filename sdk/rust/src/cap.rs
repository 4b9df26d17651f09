//! Capability syscalls: listing, granting (with attenuation), revoking.

use crate::agent::SELF;
use crate::reply::query;
use crate::status::check;
use aios_abi::payload::{CapInfo, CapKind, CapList, GrantRequest};
use aios_abi::{Error, Handle};
use std::vec::Vec;

/// First guess at the size of an encoded `CapList`.
const LIST_REPLY: usize = 1024;

/// The capabilities of `agent`: [`SELF`] for the caller's own, or an
/// agent handle with the inspect right.
pub fn cap_list(agent: Handle) -> Result<Vec<CapInfo>, Error> {
    let list: CapList = query(LIST_REPLY, |out| {
        // SAFETY: `out` is a live, writable buffer of `out.len()` bytes for
        // the whole call; the kernel writes at most that many.
        unsafe { crate::sys::cap_list(agent.raw(), out.as_mut_ptr(), out.len()) }
    })?;
    Ok(list.caps)
}

/// The caller's first capability of `kind`, if it holds one: how an agent
/// finds the capabilities its manifest granted it. An error listing the
/// capabilities also gives `None`.
pub fn find_cap(kind: CapKind) -> Option<CapInfo> {
    cap_list(SELF)
        .ok()?
        .into_iter()
        .find(|cap| cap.kind == kind)
}

/// Derives an attenuated copy of one of the caller's capabilities into
/// another agent (the source needs the grant right); returns the new
/// handle in the receiver's table.
pub fn cap_grant(request: &GrantRequest) -> Result<Handle, Error> {
    let bytes = aios_abi::encode(request);
    // SAFETY: `bytes` is a live buffer of `bytes.len()` bytes for the whole
    // call; the kernel only reads it.
    let ret = unsafe { crate::sys::cap_grant(bytes.as_ptr(), bytes.len()) };
    check(ret).map(Handle)
}

/// Revokes one of the caller's capabilities and everything derived from it.
pub fn cap_revoke(cap: Handle) -> Result<(), Error> {
    check(crate::sys::cap_revoke(cap.raw())).map(drop)
}
