//! AI syscalls: `embed`. Gated by a Model capability naming the model
//! (or `*`) with `read`; its quota, if any, is a budget of tokens.

use super::{SysResult, code, context, permit, require_view, wrap};
use crate::AgentCtx;
use crate::ai::EMBED_MODEL;
use crate::guard::Operation;
use crate::memory::{read, write_reply};
use aios_abi::payload::{CapKind, rights};
use aios_abi::{Error, Handle};
use aios_cap::Resource;
use alloc::vec::Vec;
use wasmi::{Caller, Linker};

/// Longest text `embed` takes (the model reads 256 tokens at most).
const MAX_TEXT: usize = 64 * 1024;

pub(super) fn register(linker: &mut Linker<AgentCtx>) -> Result<(), wasmi::errors::LinkerError> {
    wrap(
        linker,
        "embed",
        |mut caller: Caller<'_, AgentCtx>, model: i32, ptr: i32, len: i32, out: i32, cap: i32| {
            code(embed(&mut caller, model as u32, ptr, len, out, cap))
        },
    )
}

fn embed(
    caller: &mut Caller<'_, AgentCtx>,
    model: u32,
    ptr: i32,
    len: i32,
    out: i32,
    cap: i32,
) -> SysResult {
    let view = require_view(caller, model, CapKind::Model, rights::READ)?;
    let covered =
        matches!(&view.resource, Resource::Model(name) if name == EMBED_MODEL || name == "*");
    if !covered {
        return Err(Error::PermissionDenied);
    }
    let bytes = read(caller, ptr, len, MAX_TEXT)?;
    let text = core::str::from_utf8(&bytes).map_err(|_| Error::InvalidArgument)?;
    permit(
        caller,
        Operation {
            name: "embed",
            resource: Some(EMBED_MODEL),
            size: bytes.len() as u64,
            schema: None,
        },
    )?;
    let (rt, me) = context(caller)?;
    let vector = rt.inner.embed(text, |tokens| {
        let now = rt.inner.platform.now_ns();
        rt.inner
            .state
            .lock()
            .caps
            .consume(me, Handle(model), tokens, now)
            .map(drop)
            .map_err(Error::from)
    })?;
    let reply: Vec<u8> = vector.iter().flat_map(|v| v.to_le_bytes()).collect();
    write_reply(caller, out, cap, &reply)?;
    i32::try_from(vector.len()).map_err(|_| Error::BadLength)
}
