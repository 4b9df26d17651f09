//! Capability syscalls: list, grant (derive into another agent), revoke.

use super::agents::target;
use super::{SysResult, context, permit};
use crate::AgentCtx;
use crate::guard::Operation;
use crate::memory::{MAX_PAYLOAD, read, write_reply};
use aios_abi::payload::{CapInfo, CapKind, CapList, GrantRequest, rights};
use aios_abi::{Error, Handle};
use aios_audit::Kind;
use aios_cap::CapSpace;
use aios_engine::wasmtime::Caller;
use aios_events::{CapAction, EventKind};
use alloc::vec::Vec;

/// An agent's capabilities in ABI form.
pub(crate) fn cap_infos(caps: &CapSpace, agent: u64, now: u64) -> Vec<CapInfo> {
    caps.list(agent, now)
        .into_iter()
        .map(|view| CapInfo {
            handle: view.handle.raw(),
            kind: view.kind,
            rights: view.rights,
            resource: view.resource.describe(),
            quota: view.quota,
            expires_ns: view.expires_ns,
        })
        .collect()
}

pub(super) fn cap_list(
    caller: &mut Caller<'_, AgentCtx>,
    agent: u32,
    out: i32,
    cap: i32,
) -> SysResult {
    let id = target(caller, agent, rights::INSPECT)?;
    permit(caller, Operation::plain("cap_list"))?;
    let (rt, _) = context(caller)?;
    let reply = CapList {
        caps: rt.caps_of(id),
    };
    write_reply(caller, out, cap, &aios_abi::encode(&reply))
}

pub(super) fn cap_grant(caller: &Caller<'_, AgentCtx>, ptr: i32, len: i32) -> SysResult {
    let request: GrantRequest = aios_abi::decode(&read(caller, ptr, len, MAX_PAYLOAD)?)?;
    let to = target(caller, request.to, 0)?;
    permit(caller, Operation::plain("cap_grant"))?;
    let (rt, me) = context(caller)?;
    let now = rt.inner.platform.now_ns();
    let mut state = rt.inner.state.lock();
    let alive = state.agents.get(&to).is_some_and(|r| !r.state.is_final());
    if !alive {
        return Err(Error::NotFound);
    }
    let handle = state.caps.derive(
        me,
        Handle(request.cap),
        to,
        request.rights,
        request.quota,
        request.expires_ns,
        now,
    );
    let kind = state
        .caps
        .list(me, now)
        .iter()
        .find(|view| view.handle.raw() == request.cap)
        .map(|view| view.kind);
    drop(state);
    let handle = match handle {
        Ok(handle) => handle,
        Err(error) => {
            rt.inner.audit(
                Kind::Denial,
                me,
                &alloc::format!(
                    "cap_grant of handle {:#x} to agent {to}: {}",
                    request.cap,
                    error.describe()
                ),
            );
            rt.inner.count_denial(me);
            return Err(error.into());
        }
    };
    rt.inner.audit(
        Kind::Grant,
        to,
        &alloc::format!(
            "from agent {me} handle {:#x}: rights {:#x} quota {:?} expires {:?}",
            request.cap,
            request.rights,
            request.quota,
            request.expires_ns
        ),
    );
    rt.inner.publish(EventKind::Capability {
        agent: to,
        kind: kind.unwrap_or(CapKind::Agent),
        action: CapAction::Granted,
        peer: Some(me),
    });
    Ok(handle.raw() as i32)
}

pub(super) fn cap_revoke(caller: &Caller<'_, AgentCtx>, handle: u32) -> SysResult {
    permit(caller, Operation::plain("cap_revoke"))?;
    let (rt, me) = context(caller)?;
    let revoked = rt.inner.state.lock().caps.revoke(me, Handle(handle));
    let revoked = match revoked {
        Ok(count) => count,
        Err(error) => {
            rt.inner.capability_denied(
                me,
                &caller.data().subject.name,
                CapKind::Agent,
                handle,
                error,
            );
            return Err(error.into());
        }
    };
    rt.inner.audit(
        Kind::Revoke,
        me,
        &alloc::format!("handle {handle:#x}: {revoked} capabilities revoked"),
    );
    i32::try_from(revoked).map_err(|_| Error::BadLength)
}
