//! `GET /v1/audit` exports the node's audit records with what a verifier
//! needs (each record's hashes, the signed checkpoints among them, the
//! node's public key), and `GET /v1/audit/verify` has the node verify its
//! chain, as the `audit_export` and `audit_verify` syscalls do.

use super::{Call, Reply};
use crate::http::Response;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// Most records one export returns; a client pages on with `from`.
pub const MAX_AUDIT_LIMIT: u64 = 1000;
/// Records an export returns unless `limit` says.
const DEFAULT_LIMIT: u64 = 100;

/// One audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// Its sequence number.
    pub seq: u64,
    /// When, in nanoseconds since boot.
    pub time_ns: u64,
    /// Its kind's name (`spawn`, `denial`, `api`, …).
    pub kind: String,
    /// The agent it is about (0: the kernel).
    pub agent: u64,
    /// What happened.
    pub detail: String,
    /// The hash of the record before it.
    pub prev_hash: [u8; 32],
    /// SHA3-256 over the record's fields and `prev_hash`.
    pub hash: [u8; 32],
}

/// A checkpoint: the node's signature over a record's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// The record signed.
    pub seq: u64,
    /// Its hash.
    pub hash: [u8; 32],
    /// ML-DSA-65 signature over `[seq, hash]` (CBOR).
    pub signature: Vec<u8>,
}

/// A page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    /// The oldest record the node still keeps.
    pub first_seq: u64,
    /// The sequence number the next record will get.
    pub next_seq: u64,
    /// The node's public key (ML-DSA-65), which signs checkpoints.
    pub public_key: Vec<u8>,
    /// The records, oldest first.
    pub records: Vec<AuditRow>,
    /// The checkpoints among them.
    pub checkpoints: Vec<SignedCheckpoint>,
}

/// What verifying the chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheck {
    /// Whether the chain and its signatures hold.
    pub ok: bool,
    /// Records checked.
    pub records: u64,
    /// The oldest record kept, where the check started.
    pub checked_from: u64,
    /// The last record a verified signature covers.
    pub signed_through: Option<u64>,
    /// What is wrong, when not ok.
    pub problem: Option<String>,
}

pub(super) fn export(call: &Call<'_>) -> Reply {
    let from = call.query_number("from", 0..=u64::MAX, 0);
    let limit = call.query_number("limit", 1..=MAX_AUDIT_LIMIT, DEFAULT_LIMIT);
    let (from, limit) = match (from, limit) {
        (Ok(from), Ok(limit)) => (from, limit),
        (Err(why), _) | (_, Err(why)) => return Reply::Now(Response::error(400, &why)),
    };
    let page = call.node.audit_export(from, limit as usize);
    let mut body = String::new();
    let _ = write!(
        body,
        "{{\"first_seq\":{},\"next_seq\":{},\"public_key\":\"",
        page.first_seq, page.next_seq
    );
    hex(&mut body, &page.public_key);
    body.push_str("\",\"records\":[");
    for (i, record) in page.records.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        let _ = write!(
            body,
            "{{\"seq\":{},\"time_ns\":{},\"kind\":",
            record.seq, record.time_ns
        );
        aios_json::write_string(&mut body, &record.kind);
        let _ = write!(body, ",\"agent\":{},\"detail\":", record.agent);
        aios_json::write_string(&mut body, &record.detail);
        body.push_str(",\"prev_hash\":\"");
        hex(&mut body, &record.prev_hash);
        body.push_str("\",\"hash\":\"");
        hex(&mut body, &record.hash);
        body.push_str("\"}");
    }
    body.push_str("],\"checkpoints\":[");
    for (i, checkpoint) in page.checkpoints.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        let _ = write!(body, "{{\"seq\":{},\"hash\":\"", checkpoint.seq);
        hex(&mut body, &checkpoint.hash);
        body.push_str("\",\"signature\":\"");
        hex(&mut body, &checkpoint.signature);
        body.push_str("\"}");
    }
    body.push_str("]}");
    Reply::Now(Response::json(200, body))
}

pub(super) fn verify(call: &Call<'_>) -> Reply {
    let check = call.node.audit_verify();
    let mut body = String::new();
    let _ = write!(
        body,
        "{{\"ok\":{},\"records\":{},\"checked_from\":{}",
        check.ok, check.records, check.checked_from
    );
    if let Some(seq) = check.signed_through {
        let _ = write!(body, ",\"signed_through\":{seq}");
    }
    if let Some(problem) = &check.problem {
        body.push_str(",\"problem\":");
        aios_json::write_string(&mut body, problem);
    }
    body.push('}');
    Reply::Now(Response::json(200, body))
}

fn hex(out: &mut String, bytes: &[u8]) {
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
}
