//! Verification of a chain of records and its checkpoints, shared by the
//! in-memory log and exported logs.

use ml_dsa::{MlDsa65, VerifyingKey};

use crate::{AuditError, Checkpoint, Kind, Record};

/// What a successful verification established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Sequence number of the oldest record kept (older ones were dropped
    /// to bound memory; the chain starts from their last hash).
    pub first_seq: u64,
    /// How many records were verified.
    pub records: u64,
    /// How many signed checkpoints were verified.
    pub checkpoints: u64,
    /// The last record covered by a verified signature. Records after it are
    /// only chained: whoever can alter the log could cut or rewrite them.
    pub signed_through: Option<u64>,
    /// Hash of the newest record (the anchor hash if there are no records).
    pub head_hash: [u8; 32],
    /// Fingerprint (SHA3-256) of the node's public key.
    pub key_fingerprint: [u8; 32],
}

/// Where the kept records start: the sequence number of the first one and
/// the hash it chains from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Anchor {
    pub(crate) seq: u64,
    pub(crate) hash: [u8; 32],
}

/// Verifies `records` (in order) from `anchor`, and `checkpoints` (in
/// order) against them with `key`. Stops at the first fault in sequence
/// order.
pub(crate) fn verify<'a>(
    anchor: Anchor,
    records: impl IntoIterator<Item = &'a Record>,
    checkpoints: impl IntoIterator<Item = &'a Checkpoint>,
    key: &VerifyingKey<MlDsa65>,
    key_fingerprint: [u8; 32],
) -> Result<Summary, AuditError> {
    let mut checkpoints = checkpoints.into_iter().peekable();
    let mut expected = Some(anchor.seq);
    let mut prev = anchor.hash;
    let mut summary = Summary {
        first_seq: anchor.seq,
        records: 0,
        checkpoints: 0,
        signed_through: None,
        head_hash: anchor.hash,
        key_fingerprint,
    };
    for record in records {
        // A record after seq u64::MAX cannot exist in an honest log.
        let seq = expected.ok_or(AuditError::BrokenChain { seq: u64::MAX })?;
        if record.compute_hash() != record.hash {
            return Err(AuditError::BadHash { seq });
        }
        if record.seq != seq || record.prev_hash != prev {
            return Err(AuditError::BrokenChain { seq });
        }
        if let Some(stray) = checkpoints.next_if(|c| c.seq < seq) {
            return Err(AuditError::BadCheckpoint { seq: stray.seq });
        }
        let signed = checkpoints.next_if(|c| c.seq == seq);
        match (record.kind, signed) {
            (Kind::Checkpoint, Some(c)) if c.hash == record.hash && c.is_signed_by(key) => {
                summary.checkpoints += 1;
                summary.signed_through = Some(seq);
            }
            (Kind::Checkpoint, _) | (_, Some(_)) => return Err(AuditError::BadCheckpoint { seq }),
            (_, None) => {}
        }
        prev = record.hash;
        expected = seq.checked_add(1);
        summary.records += 1;
    }
    if let Some(stray) = checkpoints.next() {
        return Err(AuditError::BadCheckpoint { seq: stray.seq });
    }
    summary.head_hash = prev;
    Ok(summary)
}
