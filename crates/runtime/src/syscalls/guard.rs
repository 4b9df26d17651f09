//! Policy and event syscalls: `policy_set`, `event_subscribe`,
//! `event_next`.

use super::{SysResult, context, permit, require, require_view};
use crate::AgentCtx;
use crate::guard::Operation;
use crate::memory::{MAX_PAYLOAD, out_buffer, read, write_reply};
use crate::park::Park;
use crate::resume::Step;
use aios_abi::Error;
use aios_abi::payload::{CapKind, EventFilter, rights};
use aios_cap::Resource;
use aios_engine::wasmtime::Caller;
use alloc::string::ToString;

/// Smallest buffer `event_next` accepts (every event fits).
const MIN_EVENT_BUFFER: u32 = 1024;

pub(super) fn policy_set(
    caller: &mut Caller<'_, AgentCtx>,
    policy: u32,
    ptr: i32,
    len: i32,
    err: i32,
    cap: i32,
) -> SysResult {
    require(caller, policy, CapKind::Policy, rights::CONTROL)?;
    permit(caller, Operation::plain("policy_set"))?;
    let bytes = read(caller, ptr, len, MAX_PAYLOAD)?;
    let text = core::str::from_utf8(&bytes).map_err(|_| Error::InvalidArgument)?;
    let (rt, me) = context(caller)?;
    match rt.inner.set_policy(me, text) {
        Ok(_) => Ok(0),
        Err(error) => {
            let message = error.to_string();
            let room = usize::try_from(cap).map_err(|_| Error::BadLength)?;
            let mut end = message.len().min(room);
            while !message.is_char_boundary(end) {
                end -= 1;
            }
            write_reply(caller, err, cap, &message.as_bytes()[..end])?;
            Err(Error::PolicyInvalid)
        }
    }
}

pub(super) fn event_subscribe(
    caller: &Caller<'_, AgentCtx>,
    topic: u32,
    ptr: i32,
    len: i32,
) -> SysResult {
    let view = require_view(caller, topic, CapKind::EventTopic, rights::READ)?;
    let Resource::EventTopic(name) = view.resource else {
        return Err(Error::WrongKind);
    };
    permit(caller, Operation::on("event_subscribe", &name))?;
    let filter: EventFilter = if len == 0 {
        EventFilter::default()
    } else {
        aios_abi::decode(&read(caller, ptr, len, 1024)?)?
    };
    let (rt, me) = context(caller)?;
    let id = rt.inner.subscribe(me, &name, &filter)?;
    i32::try_from(id).map_err(|_| Error::QuotaExceeded)
}

pub(super) fn event_next(
    caller: &mut Caller<'_, AgentCtx>,
    (sub, out, cap, timeout): (i32, i32, i32, i64),
) -> Step<i32> {
    let checked = (|| {
        permit(caller, Operation::plain("event_next"))?;
        let sub = u64::try_from(sub).map_err(|_| Error::InvalidArgument)?;
        let timeout = u64::try_from(timeout).map_err(|_| Error::InvalidArgument)?;
        let (ptr, room) = out_buffer(caller, out, cap)?;
        if room < MIN_EVENT_BUFFER {
            return Err(Error::BufferTooSmall);
        }
        Ok((sub, timeout, ptr, room))
    })();
    let (sub, timeout, ptr, room) = match checked {
        Ok(v) => v,
        Err(e) => return Step::Done(e.code()),
    };
    let Ok((rt, me)) = context(caller) else {
        return Step::Done(Error::NotSupported.code());
    };
    match rt.inner.next_event(me, sub) {
        Ok(Some(event)) => Step::Done(
            write_reply(
                caller,
                out,
                cap,
                &minicbor::to_vec(&event).unwrap_or_default(),
            )
            .unwrap_or_else(Error::code),
        ),
        Ok(None) if timeout == 0 => Step::Done(Error::WouldBlock.code()),
        Ok(None) => Step::Park(Park::Event {
            sub,
            ptr,
            cap: room,
            deadline: rt.inner.platform.now_ns().saturating_add(timeout),
        }),
        Err(error) => Step::Done(error.code()),
    }
}
