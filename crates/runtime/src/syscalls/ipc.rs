//! Messaging syscalls: `semantic_send`, `semantic_recv`, `ipc_trace`,
//! `ipc_stats`.

use super::{SysResult, context, permit, require, require_view};
use crate::AgentCtx;
use crate::guard::Operation;
use crate::memory::{out_buffer, read, write_reply};
use crate::park::Park;
use crate::post::Sent;
use crate::post::Target;
use crate::resume::Step;
use aios_abi::payload::{CapKind, RecvFilter, rights};
use aios_abi::{Error, SELF, send_flags};
use aios_cap::Resource;
use aios_engine::wasmtime::{AsContextMut, Caller};
use aios_events::{EventKind, IpcOutcome};
use aios_ipc::{Filter, MAX_MESSAGE, Message, Pattern};
use alloc::string::String;

/// Largest receive filter accepted.
const MAX_FILTER: usize = 1024;

/// A delivery or a taken message may have woken another agent, which
/// advances the epoch so that busy CPUs pick again (`State::wake`). The
/// caller itself keeps its slice: it goes on to receive, or to work on
/// what it received, rather than yielding to be requeued (which would
/// leave a server runnable but not receiving, so the next request to it
/// would wake nobody).
fn keep_slice(caller: &mut Caller<'_, AgentCtx>) {
    caller.as_context_mut().set_epoch_deadline(1);
}

pub(super) fn semantic_send(
    caller: &mut Caller<'_, AgentCtx>,
    (cap, ptr, len, flags): (i32, i32, i32, i32),
) -> Step<i64> {
    match try_send(caller, cap as u32, ptr, len, flags) {
        Ok(Sent::Queued { id, .. } | Sent::ToKernel { id }) => {
            keep_slice(caller);
            Step::Done(id as i64)
        }
        Ok(Sent::Parked { .. }) => Step::Park(Park::Send),
        Err(error) => {
            if let Ok((rt, _)) = context(caller) {
                rt.inner.state.lock().post.totals.refused += 1;
            }
            Step::Done(i64::from(error.code()))
        }
    }
}

fn try_send(
    caller: &Caller<'_, AgentCtx>,
    cap: u32,
    ptr: i32,
    len: i32,
    flags: i32,
) -> Result<Sent, Error> {
    if flags & !send_flags::ALL != 0 {
        return Err(Error::InvalidArgument);
    }
    let (rt, me) = context(caller)?;
    // The capability first: an Intent handle with WRITE, or SELF to reply.
    let pattern = if cap == SELF {
        None
    } else {
        match require_view(caller, cap, CapKind::Intent, rights::WRITE)?.resource {
            Resource::Intent(pattern) => Some(pattern),
            _ => return Err(Error::WrongKind),
        }
    };
    let bytes = read(caller, ptr, len, MAX_MESSAGE)?;
    let message = Message::decode(&bytes).map_err(|_| Error::MalformedPayload)?;
    let message = rt.inner.route_by_meaning(message)?;
    let target = match &pattern {
        Some(pattern) => Target::Intent(pattern),
        None => Target::Reply,
    };
    let prepared = rt.inner.state.lock().post.prepare(me, message, target)?;
    let size = prepared.message.body.len() as u64;
    let schema = prepared.message.schema.clone();
    let intent: String = prepared.message.intent.clone();
    permit(
        caller,
        Operation {
            name: "semantic_send",
            resource: Some(&intent),
            size,
            schema: schema.as_deref(),
        },
    )?;
    // Leaving for another node: the policy decides that too.
    let to_peer = rt.is_peer(prepared.to);
    if to_peer {
        permit(
            caller,
            Operation {
                name: "cluster_send",
                resource: Some(&intent),
                size,
                schema: schema.as_deref(),
            },
        )?;
    }
    let now = rt.inner.platform.now_ns();
    let to = prepared.to;
    let sent = {
        let mut state = rt.inner.state.lock();
        let state = &mut *state;
        let record = state.agents.get_mut(&me).ok_or(Error::NotFound)?;
        record.quota.try_message(now)?;
        let sent = state.post.deliver(
            prepared,
            &mut state.caps,
            flags & send_flags::NONBLOCK != 0,
            now,
        )?;
        if let Some(record) = state.agents.get_mut(&me) {
            record.ipc.messages_out = record.ipc.messages_out.saturating_add(1);
            record.ipc.bytes_out = record.ipc.bytes_out.saturating_add(size);
        }
        if let Sent::Queued {
            wake: Some(receiver),
            ..
        } = sent
        {
            state.wake_receiver(receiver);
        }
        sent
    };
    match sent {
        Sent::ToKernel { .. } => rt.inner.process_approvals(),
        Sent::Queued { .. } | Sent::Parked { .. } => {
            let outcome = if matches!(sent, Sent::Parked { .. }) {
                IpcOutcome::PushedBack
            } else {
                IpcOutcome::Delivered
            };
            rt.inner.publish(EventKind::Ipc {
                from: me,
                to,
                intent,
                outcome,
            });
        }
    }
    rt.inner.platform.kick();
    if to == crate::post::API || to_peer {
        rt.inner.platform.outbound();
    }
    Ok(sent)
}

pub(super) fn semantic_recv(
    caller: &mut Caller<'_, AgentCtx>,
    (filter_ptr, filter_len, out, cap, timeout): (i32, i32, i32, i32, i64),
) -> Step<i32> {
    let checked = (|| {
        permit(caller, Operation::plain("semantic_recv"))?;
        let timeout = u64::try_from(timeout).map_err(|_| Error::InvalidArgument)?;
        let filter = decode_filter(caller, filter_ptr, filter_len)?;
        let (ptr, room) = out_buffer(caller, out, cap)?;
        Ok((timeout, filter, ptr, room))
    })();
    let (timeout, filter, ptr, room) = match checked {
        Ok(v) => v,
        Err(e) => return Step::Done(Error::code(e)),
    };
    let Ok((rt, me)) = context(caller) else {
        return Step::Done(Error::NotSupported.code());
    };
    let now = rt.inner.platform.now_ns();
    match rt.take_message(me, &filter, room, now) {
        Ok(Some(bytes)) => {
            Step::Done(write_reply(caller, out, cap, &bytes).unwrap_or_else(Error::code))
        }
        Ok(None) if timeout == 0 => Step::Done(Error::WouldBlock.code()),
        Ok(None) => Step::Park(Park::Recv {
            filter,
            ptr,
            cap: room,
            deadline: now.saturating_add(timeout),
        }),
        Err(error) => Step::Done(error.code()),
    }
}

fn decode_filter(caller: &Caller<'_, AgentCtx>, ptr: i32, len: i32) -> Result<Filter, Error> {
    if len == 0 {
        return Ok(Filter::default());
    }
    let wire: RecvFilter = aios_abi::decode(&read(caller, ptr, len, MAX_FILTER)?)?;
    let intent = match wire.intent {
        Some(text) => Some(Pattern::parse(&text).map_err(|_| Error::InvalidArgument)?),
        None => None,
    };
    Ok(Filter {
        intent,
        from: wire.from,
        conversation: wire.conversation,
    })
}

pub(super) fn ipc_trace(
    caller: &mut Caller<'_, AgentCtx>,
    system: u32,
    id: i64,
    out: i32,
    cap: i32,
) -> SysResult {
    require(caller, system, CapKind::System, rights::INSPECT)?;
    permit(caller, Operation::plain("ipc_trace"))?;
    let id = u64::try_from(id).map_err(|_| Error::InvalidArgument)?;
    let (rt, _) = context(caller)?;
    let list = rt.inner.state.lock().post.trace_list(id);
    write_reply(caller, out, cap, &aios_abi::encode(&list))
}

pub(super) fn ipc_stats(
    caller: &mut Caller<'_, AgentCtx>,
    system: u32,
    out: i32,
    cap: i32,
) -> SysResult {
    require(caller, system, CapKind::System, rights::INSPECT)?;
    permit(caller, Operation::plain("ipc_stats"))?;
    let (rt, _) = context(caller)?;
    let stats = rt.inner.state.lock().post.stats();
    write_reply(caller, out, cap, &aios_abi::encode(&stats))
}
