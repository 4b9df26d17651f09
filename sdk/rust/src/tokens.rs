//! The node's API tokens: minting one (its secret comes back once),
//! listing them without secrets, revoking a minted one.

use crate::refusal::TokenRefusal;
use crate::reply::query;
use crate::status::check;
use aios_abi::Error;
use aios_abi::payload::{TokenInfo, TokenList, TokenMinted, TokenRequest};
use std::string::String;
use std::vec::Vec;

/// The reply buffer of `token_new`: a `TokenMinted` or the kernel's
/// reason fits (the kernel wants at least 128 bytes).
const MINT_REPLY: usize = 1024;
/// How much of the kernel's reason `token_revoke` keeps.
const REASON_CAPACITY: usize = 512;
/// First guess at the size of an encoded `TokenList`.
const LIST_REPLY: usize = 4096;

/// Mints API token `name` with `scopes` (needs control on the System
/// capability `system`). The secret in the reply is shown this once; the
/// node keeps only its hash. A refused name or scope, a name in use or a
/// full table come back with the kernel's reason.
pub fn token_new(system: u32, name: &str, scopes: &[String]) -> Result<TokenMinted, TokenRefusal> {
    let request = aios_abi::encode(&TokenRequest {
        name: String::from(name),
        scopes: scopes.to_vec(),
    });
    let mut reply = [0u8; MINT_REPLY];
    // SAFETY: `request` is a live buffer of `request.len()` bytes the
    // kernel only reads; `reply` a live, writable one of `reply.len()`
    // bytes it writes at most that many of.
    let ret = unsafe {
        crate::sys::token_new(
            system,
            request.as_ptr(),
            request.len(),
            reply.as_mut_ptr(),
            reply.len(),
        )
    };
    match check(ret) {
        Ok(len) => {
            let len = usize::try_from(len).map_err(|_| Error::BadLength)?;
            let bytes = reply.get(..len).ok_or(Error::BadLength)?;
            Ok(aios_abi::decode(bytes)?)
        }
        Err(error) => Err(TokenRefusal::new(error, &reply)),
    }
}

/// The API tokens: names, scopes and origin, never secrets (needs inspect
/// on `system`).
pub fn token_list(system: u32) -> Result<Vec<TokenInfo>, Error> {
    let list: TokenList = query(LIST_REPLY, |out| {
        // SAFETY: `out` is a live, writable buffer of `out.len()` bytes
        // for the whole call; the kernel writes at most that many.
        unsafe { crate::sys::token_list(system, out.as_mut_ptr(), out.len()) }
    })?;
    Ok(list.tokens)
}

/// Revokes the minted API token `name` at once (needs control on
/// `system`); the bundle's tokens cannot be revoked at run time, and the
/// reason says so.
pub fn token_revoke(system: u32, name: &str) -> Result<(), TokenRefusal> {
    let mut reason = [0u8; REASON_CAPACITY];
    // SAFETY: `name` is a live buffer of `name.len()` bytes the kernel
    // only reads; `reason` a live, writable one of `reason.len()` bytes
    // it writes at most that many of.
    let ret = unsafe {
        crate::sys::token_revoke(
            system,
            name.as_ptr(),
            name.len(),
            reason.as_mut_ptr(),
            reason.len(),
        )
    };
    check(ret)
        .map(drop)
        .map_err(|error| TokenRefusal::new(error, &reason))
}
