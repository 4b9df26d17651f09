//! The audit log for the API: a page of records with the checkpoints
//! among them and the node's key (what a verifier needs), and the
//! chain's check, which the `audit_verify` syscall reports too.

use crate::Runtime;
use aios_audit::{AuditError, Checkpoint, Record, Summary};
use alloc::vec::Vec;

/// A page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSlice {
    /// The oldest record kept.
    pub first_seq: u64,
    /// The sequence number the next record gets.
    pub next_seq: u64,
    /// The node's ML-DSA-65 public key.
    pub public_key: Vec<u8>,
    /// The records, oldest first.
    pub records: Vec<Record>,
    /// The checkpoints that sign records of the page.
    pub checkpoints: Vec<Checkpoint>,
}

/// What checking the kept chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheck {
    /// The verification's summary, or the first fault.
    pub result: Result<Summary, AuditError>,
    /// Records kept.
    pub records: u64,
    /// Checkpoints kept.
    pub checkpoints: u64,
    /// The oldest record kept, where the check starts.
    pub first_seq: u64,
    /// SHA3-256 of the node's public key.
    pub node_key: [u8; 32],
}

impl Runtime {
    /// At most `limit` records from sequence number `from` on (from the
    /// oldest kept if `from` is older), with the checkpoints among them.
    /// Records waiting for a signature are signed first, so the page's
    /// last record is covered when it was the log's last.
    pub fn api_audit_page(&self, from: u64, limit: usize) -> AuditSlice {
        self.inner.sign_audit(1);
        let log = self.inner.guard.audit.lock();
        let records: Vec<Record> = log
            .records()
            .filter(|r| r.seq >= from)
            .take(limit)
            .cloned()
            .collect();
        let span = records
            .first()
            .zip(records.last())
            .map(|(a, b)| a.seq..=b.seq);
        let checkpoints = log
            .checkpoints()
            .filter(|c| span.as_ref().is_some_and(|s| s.contains(&c.seq)))
            .cloned()
            .collect();
        AuditSlice {
            first_seq: log.first_seq(),
            next_seq: log.next_seq(),
            public_key: Vec::from(log.public_key()),
            records,
            checkpoints,
        }
    }

    /// Signs the records waiting for it, then verifies the kept chain
    /// and its checkpoints.
    pub fn audit_check(&self) -> AuditCheck {
        self.inner.sign_audit(1);
        let log = self.inner.guard.audit.lock();
        AuditCheck {
            result: log.verify(),
            records: log.len() as u64,
            checkpoints: log.checkpoints().count() as u64,
            first_seq: log.first_seq(),
            node_key: log.key_fingerprint(),
        }
    }
}
