//! Audit syscalls: `audit_tail`, `audit_verify`, `audit_export`.

use super::{SysResult, context, permit, require};
use crate::AgentCtx;
use crate::guard::Operation;
use crate::memory::write_reply;
use aios_abi::Error;
use aios_abi::payload::{AuditEntry, AuditRecords, AuditVerdict, CapKind, rights};
use aios_audit::AuditError;
use aios_engine::wasmtime::Caller;
use alloc::string::ToString;
use alloc::vec::Vec;

/// Most records `audit_tail` returns.
const MAX_TAIL: u32 = 1024;

pub(super) fn audit_tail(
    caller: &mut Caller<'_, AgentCtx>,
    system: u32,
    n: i32,
    out: i32,
    cap: i32,
) -> SysResult {
    require(caller, system, CapKind::System, rights::INSPECT)?;
    permit(caller, Operation::plain("audit_tail"))?;
    let n = u32::try_from(n)
        .map_err(|_| Error::InvalidArgument)?
        .min(MAX_TAIL);
    let (rt, _) = context(caller)?;
    let records: Vec<AuditEntry> = rt
        .inner
        .guard
        .audit
        .lock()
        .tail(n as usize)
        .map(|r| AuditEntry {
            seq: r.seq,
            time_ns: r.time_ns,
            kind: r.kind.name().to_string(),
            subject: r.subject,
            detail: r.detail.clone(),
            hash: r.hash.to_vec(),
        })
        .collect();
    write_reply(
        caller,
        out,
        cap,
        &aios_abi::encode(&AuditRecords { records }),
    )
}

pub(super) fn audit_verify(
    caller: &mut Caller<'_, AgentCtx>,
    system: u32,
    out: i32,
    cap: i32,
) -> SysResult {
    require(caller, system, CapKind::System, rights::INSPECT)?;
    permit(caller, Operation::plain("audit_verify"))?;
    let (rt, _) = context(caller)?;
    let check = rt.audit_check();
    let node_key = check.node_key.to_vec();
    let verdict = match check.result {
        Ok(summary) => AuditVerdict {
            ok: true,
            records: summary.records,
            checkpoints: summary.checkpoints,
            first_bad: None,
            message: alloc::format!(
                "chain intact from record {}; signed through {}",
                summary.first_seq,
                summary
                    .signed_through
                    .map_or("none".to_string(), |s| alloc::format!("record {s}"))
            ),
            node_key,
        },
        Err(error) => AuditVerdict {
            ok: false,
            records: check.records,
            checkpoints: check.checkpoints,
            first_bad: first_bad(error),
            message: error.to_string(),
            node_key,
        },
    };
    write_reply(caller, out, cap, &aios_abi::encode(&verdict))
}

fn first_bad(error: AuditError) -> Option<u64> {
    match error {
        AuditError::BrokenChain { seq }
        | AuditError::BadHash { seq }
        | AuditError::BadCheckpoint { seq } => Some(seq),
        _ => None,
    }
}

pub(super) fn audit_export(
    caller: &mut Caller<'_, AgentCtx>,
    system: u32,
    offset: i64,
    out: i32,
    cap: i32,
) -> SysResult {
    require(caller, system, CapKind::System, rights::INSPECT)?;
    permit(caller, Operation::plain("audit_export"))?;
    let offset = usize::try_from(offset).map_err(|_| Error::InvalidArgument)?;
    let room = usize::try_from(cap).map_err(|_| Error::BadLength)?;
    let (rt, me) = context(caller)?;
    let chunk = {
        let mut exports = rt.inner.guard.exports.lock();
        if offset == 0 {
            rt.inner.sign_audit(1);
            let snapshot = rt.inner.guard.audit.lock().export();
            exports.insert(me, snapshot);
        }
        let snapshot = exports.get(&me).ok_or(Error::InvalidArgument)?;
        if offset > snapshot.len() {
            return Err(Error::InvalidArgument);
        }
        let end = offset.saturating_add(room).min(snapshot.len());
        snapshot[offset..end].to_vec()
    };
    write_reply(caller, out, cap, &chunk)
}
