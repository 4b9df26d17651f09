//! Policy and audit: replacing the policy in force, reading, verifying and
//! exporting the audit log.

use crate::refusal::PolicyRefusal;
use crate::reply::{query, read_stream};
use crate::status::check;
use aios_abi::Error;
use aios_abi::payload::{AuditRecords, AuditVerdict};
use std::vec::Vec;

/// How much of the policy compiler's message `policy_set` keeps.
const POLICY_MESSAGE_CAPACITY: usize = 512;
/// First guess at the size of one encoded audit record.
const RECORD_REPLY: usize = 256;
/// First guess at the size of an encoded `AuditVerdict`.
const VERDICT_REPLY: usize = 512;
/// How many bytes of the export each `audit_export` call copies.
const EXPORT_CHUNK: usize = 16 * 1024;
/// The largest export [`audit_export`] assembles (16 MiB) before giving up
/// with [`Error::BufferTooSmall`].
pub const MAX_EXPORT: usize = 16 << 20;

/// Compiles `text` and installs it as the policy in force (needs control
/// on the Policy capability `policy_cap`). A text that does not compile is
/// refused with [`Error::PolicyInvalid`] and the compiler's
/// `line L, column C: message`; the previous policy stays.
pub fn policy_set(policy_cap: u32, text: &str) -> Result<(), PolicyRefusal> {
    let mut message = [0u8; POLICY_MESSAGE_CAPACITY];
    // SAFETY: `text` is a live buffer of `text.len()` bytes the kernel only
    // reads; `message` a live, writable one of `message.len()` bytes it
    // writes at most that many of.
    let ret = unsafe {
        crate::sys::policy_set(
            policy_cap,
            text.as_ptr(),
            text.len(),
            message.as_mut_ptr(),
            message.len(),
        )
    };
    check(ret)
        .map(drop)
        .map_err(|error| PolicyRefusal::new(error, &message))
}

/// The last `n` audit records, oldest first (needs inspect on the System
/// capability `system`).
pub fn audit_tail(system: u32, n: u32) -> Result<AuditRecords, Error> {
    let records = usize::try_from(n).unwrap_or(usize::MAX).max(1);
    query(RECORD_REPLY.saturating_mul(records), |out| {
        // SAFETY: `out` is a live, writable buffer of `out.len()` bytes for
        // the whole call; the kernel writes at most that many.
        unsafe { crate::sys::audit_tail(system, n, out.as_mut_ptr(), out.len()) }
    })
}

/// Checks the whole audit chain and its signed checkpoints (needs inspect
/// on `system`).
pub fn audit_verify(system: u32) -> Result<AuditVerdict, Error> {
    query(VERDICT_REPLY, |out| {
        // SAFETY: as in `audit_tail`: a live, writable buffer of
        // `out.len()` bytes.
        unsafe { crate::sys::audit_verify(system, out.as_mut_ptr(), out.len()) }
    })
}

/// The exported audit log, from a fresh snapshot, in the format
/// `tools/audit-tool` verifies offline (needs inspect on `system`). Logs
/// over [`MAX_EXPORT`] bytes are [`Error::BufferTooSmall`].
pub fn audit_export(system: u32) -> Result<Vec<u8>, Error> {
    read_stream(EXPORT_CHUNK, MAX_EXPORT, |offset, out| {
        // SAFETY: as in `audit_tail`: a live, writable buffer of
        // `out.len()` bytes.
        unsafe { crate::sys::audit_export(system, offset, out.as_mut_ptr(), out.len()) }
    })
}
