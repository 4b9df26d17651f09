//! AI syscalls: `embed`, `infer`, `infer_cancel`. Gated by a Model
//! capability naming the model (or `*`) with `read`; its quota, if any,
//! is a budget of tokens (a generation is charged its prompt up front and
//! each token as it is generated).

use super::{SysResult, context, permit, require_view};
use crate::AgentCtx;
use crate::ai::{EMBED_MODEL, LLM_MODEL, Submission};
use crate::guard::Operation;
use crate::memory::{read, write_reply};
use aios_abi::payload::{CapKind, InferRequest, rights};
use aios_abi::{Error, Handle};
use aios_cap::Resource;
use aios_engine::wasmtime::Caller;
use alloc::vec::Vec;

/// Longest text `embed` takes (the model reads 256 tokens at most).
const MAX_TEXT: usize = 64 * 1024;
/// Longest encoded `InferRequest` (the model's context is 8,192 tokens).
const MAX_REQUEST: usize = 256 * 1024;

pub(super) fn infer_cancel(caller: &Caller<'_, AgentCtx>, request: i64) -> SysResult {
    let (rt, me) = context(caller)?;
    let id = u64::try_from(request).map_err(|_| Error::NotFound)?;
    if rt.inner.cancel_infer(me, id) {
        Ok(0)
    } else {
        Err(Error::NotFound)
    }
}

/// Takes `tokens` from the budget of `me`'s Model handle `model`.
fn charge(rt: &crate::Runtime, me: u64, model: u32, tokens: u64) -> Result<(), Error> {
    let now = rt.inner.platform.now_ns();
    rt.inner
        .state
        .lock()
        .caps
        .consume(me, Handle(model), tokens, now)
        .map(drop)
        .map_err(Error::from)
}

/// A Model view with READ covering `name`.
fn model_view(caller: &Caller<'_, AgentCtx>, model: u32, name: &str) -> Result<(), Error> {
    let view = require_view(caller, model, CapKind::Model, rights::READ)?;
    match &view.resource {
        Resource::Model(held) if held == name || held == "*" => Ok(()),
        _ => Err(Error::PermissionDenied),
    }
}

pub(super) fn infer(
    caller: &Caller<'_, AgentCtx>,
    model: u32,
    ptr: i32,
    len: i32,
) -> Result<i64, Error> {
    model_view(caller, model, LLM_MODEL)?;
    let bytes = read(caller, ptr, len, MAX_REQUEST)?;
    let request: InferRequest = aios_abi::decode(&bytes)?;
    permit(
        caller,
        Operation {
            name: "infer",
            resource: Some(LLM_MODEL),
            size: bytes.len() as u64,
            schema: None,
        },
    )?;
    let (rt, me) = context(caller)?;
    let submission = Submission {
        agent: me,
        name: &caller.data().subject.name,
        model: Some(Handle(model)),
        request,
    };
    let id = rt
        .inner
        .submit_infer(submission, |tokens| charge(&rt, me, model, tokens))?;
    i64::try_from(id).map_err(|_| Error::InvalidArgument)
}

pub(super) fn embed(
    caller: &mut Caller<'_, AgentCtx>,
    model: u32,
    ptr: i32,
    len: i32,
    out: i32,
    cap: i32,
) -> SysResult {
    model_view(caller, model, EMBED_MODEL)?;
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
    let vector = rt
        .inner
        .embed(text, |tokens| charge(&rt, me, model, tokens))?;
    let reply: Vec<u8> = vector.iter().flat_map(|v| v.to_le_bytes()).collect();
    write_reply(caller, out, cap, &reply)?;
    i32::try_from(vector.len()).map_err(|_| Error::BadLength)
}
