//! Payloads of the audit syscalls.

use alloc::string::String;
use alloc::vec::Vec;
use minicbor::{Decode, Encode};

/// One audit record as `audit_tail` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct AuditEntry {
    /// Sequence number, from 0, gap-free.
    #[n(0)]
    pub seq: u64,
    /// When, ns since boot.
    #[n(1)]
    pub time_ns: u64,
    /// Kind name (`spawn`, `denial`, `checkpoint`, ...).
    #[n(2)]
    pub kind: String,
    /// The agent concerned (0 = the kernel).
    #[n(3)]
    pub subject: u64,
    /// What happened, in words.
    #[n(4)]
    pub detail: String,
    /// The record's SHA3-256 chain hash.
    #[n(5)]
    pub hash: Vec<u8>,
}

/// Reply of `audit_tail`, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct AuditRecords {
    /// The records.
    #[n(0)]
    pub records: Vec<AuditEntry>,
}

/// Reply of `audit_verify`.
#[derive(Debug, Clone, PartialEq, Eq, Encode, Decode)]
#[cbor(map)]
pub struct AuditVerdict {
    /// The chain and every checkpoint signature check out.
    #[n(0)]
    pub ok: bool,
    /// Records checked.
    #[n(1)]
    pub records: u64,
    /// Signed checkpoints checked.
    #[n(2)]
    pub checkpoints: u64,
    /// Sequence number of the first record that fails, if any.
    #[n(3)]
    pub first_bad: Option<u64>,
    /// What was found, in words.
    #[n(4)]
    pub message: String,
    /// Fingerprint (SHA3-256) of the node key that signs checkpoints.
    #[n(5)]
    pub node_key: Vec<u8>,
}
