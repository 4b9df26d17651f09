//! API-token syscalls: `token_new`, `token_list`, `token_revoke`, on the
//! System capability (CONTROL to mint and revoke, INSPECT to list), each
//! decided by the policy with the token's name as the resource.

use super::{SysResult, context, permit, require};
use crate::guard::Operation;
use crate::memory::{out_buffer, read, write_reply};
use crate::{AgentCtx, TokenRefused};
use aios_abi::Error;
use aios_abi::payload::{CapKind, TokenList, TokenRequest, rights};
use aios_engine::wasmtime::Caller;

/// Largest `TokenRequest` accepted (a name and every scope fit easily).
const MAX_REQUEST: usize = 4096;
/// Smallest buffer `token_new` writes into: a `TokenMinted` (about 90
/// bytes) always fits, so a secret is never made and then lost.
const MIN_MINTED_BUFFER: u32 = 128;
/// Longest token name read by `token_revoke` (names are at most 32).
const MAX_NAME: usize = 256;

pub(super) fn token_new(
    caller: &mut Caller<'_, AgentCtx>,
    system: u32,
    ptr: i32,
    len: i32,
    out: i32,
    cap: i32,
) -> SysResult {
    require(caller, system, CapKind::System, rights::CONTROL)?;
    let request: TokenRequest = aios_abi::decode(&read(caller, ptr, len, MAX_REQUEST)?)?;
    permit(caller, Operation::on("token_new", &request.name))?;
    let (_, room) = out_buffer(caller, out, cap)?;
    if room < MIN_MINTED_BUFFER {
        return Err(Error::BufferTooSmall);
    }
    let (rt, me) = context(caller)?;
    match rt.mint_api_token(me, &request.name, &request.scopes) {
        Ok(minted) => write_reply(caller, out, cap, &aios_abi::encode(&minted)).inspect_err(|_| {
            // The buffer was checked; should the write fail regardless,
            // nobody has the secret, so the token goes again.
            let _ = rt.revoke_api_token(me, &request.name);
        }),
        Err(refusal) => explain(caller, out, cap, refusal),
    }
}

pub(super) fn token_list(
    caller: &mut Caller<'_, AgentCtx>,
    system: u32,
    out: i32,
    cap: i32,
) -> SysResult {
    require(caller, system, CapKind::System, rights::INSPECT)?;
    permit(caller, Operation::plain("token_list"))?;
    let (rt, _) = context(caller)?;
    let list = TokenList {
        tokens: rt.api_tokens(),
    };
    write_reply(caller, out, cap, &aios_abi::encode(&list))
}

pub(super) fn token_revoke(
    caller: &mut Caller<'_, AgentCtx>,
    system: u32,
    ptr: i32,
    len: i32,
    err: i32,
    cap: i32,
) -> SysResult {
    require(caller, system, CapKind::System, rights::CONTROL)?;
    let bytes = read(caller, ptr, len, MAX_NAME)?;
    let name = core::str::from_utf8(&bytes).map_err(|_| Error::InvalidArgument)?;
    permit(caller, Operation::on("token_revoke", name))?;
    let (rt, me) = context(caller)?;
    match rt.revoke_api_token(me, name) {
        Ok(()) => Ok(0),
        Err(refusal) => explain(caller, err, cap, refusal),
    }
}

/// Writes why at `(ptr, cap)` (cut to whole characters) and returns the
/// refusal's error.
fn explain(
    caller: &mut Caller<'_, AgentCtx>,
    ptr: i32,
    cap: i32,
    refusal: TokenRefused,
) -> SysResult {
    let room = usize::try_from(cap).map_err(|_| Error::BadLength)?;
    let mut end = refusal.why.len().min(room);
    while !refusal.why.is_char_boundary(end) {
        end -= 1;
    }
    write_reply(caller, ptr, cap, &refusal.why.as_bytes()[..end])?;
    Err(refusal.error)
}
