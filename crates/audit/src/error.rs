//! Why an audit log or an exported log failed verification.

use core::fmt;

/// Everything that can go wrong when verifying, exporting or signing a log.
///
/// Verification stops at the first fault in sequence order, so a `seq` names
/// the first record (or checkpoint) that cannot be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditError {
    /// The record at `seq` does not follow its predecessor: its sequence
    /// number or `prev_hash` is not the previous record's. A record was
    /// removed, inserted or reordered here.
    BrokenChain {
        /// Sequence number the record at this position must have.
        seq: u64,
    },
    /// The record at `seq` does not hash to its stored `hash`: one of its
    /// fields was altered.
    BadHash {
        /// Sequence number of the altered record.
        seq: u64,
    },
    /// The checkpoint at `seq` is not valid: its signature does not verify,
    /// its hash is not the record's, it is out of order, or a checkpoint
    /// record has no signed checkpoint (or the other way round).
    BadCheckpoint {
        /// Sequence number the checkpoint covers.
        seq: u64,
    },
    /// The export ends before the structure it announces.
    Truncated,
    /// The export is not the CBOR structure of an audit export.
    Malformed,
    /// Bytes follow the exported log.
    TrailingBytes,
    /// The export's format version is not one this crate reads.
    UnsupportedVersion(u64),
    /// The exported public key is not an encoded ML-DSA-65 key.
    BadPublicKey,
    /// The exported public key is not the one the caller trusts.
    UntrustedKey,
    /// ML-DSA refused to sign a checkpoint.
    SigningFailed,
}

impl fmt::Display for AuditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditError::BrokenChain { seq } => write!(
                f,
                "audit record {seq} does not chain from its predecessor (removed, inserted or reordered)"
            ),
            AuditError::BadHash { seq } => {
                write!(
                    f,
                    "audit record {seq} was altered (its hash does not match)"
                )
            }
            AuditError::BadCheckpoint { seq } => {
                write!(f, "the audit checkpoint at record {seq} is not valid")
            }
            AuditError::Truncated => f.write_str("the exported audit log is truncated"),
            AuditError::Malformed => f.write_str("the exported audit log is malformed"),
            AuditError::TrailingBytes => f.write_str("bytes follow the exported audit log"),
            AuditError::UnsupportedVersion(v) => {
                write!(f, "audit export version {v} is not supported")
            }
            AuditError::BadPublicKey => {
                f.write_str("the audit log's public key is not an ML-DSA-65 key")
            }
            AuditError::UntrustedKey => {
                f.write_str("the audit log was signed by a key other than the trusted one")
            }
            AuditError::SigningFailed => f.write_str("signing an audit checkpoint failed"),
        }
    }
}

impl core::error::Error for AuditError {}

impl From<minicbor::decode::Error> for AuditError {
    fn from(e: minicbor::decode::Error) -> Self {
        if e.is_end_of_input() {
            AuditError::Truncated
        } else {
            AuditError::Malformed
        }
    }
}
