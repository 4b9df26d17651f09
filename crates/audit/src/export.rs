//! The exported log: a self-contained CBOR document a host tool verifies.

use alloc::vec::Vec;
use core::convert::Infallible;

use minicbor::Decoder;
use minicbor::encode::Error as EncodeError;

use crate::cbor::{self, Writer};
use crate::chain::{self, Anchor, Summary};
use crate::checkpoint::{self, decode_public_key, fingerprint};
use crate::{AuditError, AuditLog, Checkpoint, Record, record};

/// First element of every export, so a stray file is refused as malformed.
pub const EXPORT_MAGIC: &str = "aios-audit";
/// The only export version this crate reads and writes.
pub const EXPORT_VERSION: u64 = 1;

/// An audit log as exported: what [`AuditLog::export`] writes and
/// [`ExportedLog::decode`] reads back.
///
/// Encoded as the CBOR array `["aios-audit", 1, public_key, anchor_seq,
/// anchor_hash, [record...], [checkpoint...]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportedLog {
    /// The node's encoded ML-DSA-65 public key.
    pub public_key: Vec<u8>,
    /// Sequence number of the first record.
    pub anchor_seq: u64,
    /// The hash the first record chains from (zeros if it is record 0).
    pub anchor_hash: [u8; 32],
    /// The records, oldest first.
    pub records: Vec<Record>,
    /// The signed checkpoints, oldest first.
    pub checkpoints: Vec<Checkpoint>,
}

impl ExportedLog {
    /// The canonical CBOR encoding.
    pub fn encode(&self) -> Vec<u8> {
        cbor::to_vec(|e| self.write(e))
    }

    fn write(&self, e: &mut Writer<'_>) -> Result<(), EncodeError<Infallible>> {
        e.array(7)?
            .str(EXPORT_MAGIC)?
            .u64(EXPORT_VERSION)?
            .bytes(&self.public_key)?
            .u64(self.anchor_seq)?
            .bytes(&self.anchor_hash)?;
        e.array(self.records.len() as u64)?;
        for record in &self.records {
            record.write(e)?;
        }
        e.array(self.checkpoints.len() as u64)?;
        for checkpoint in &self.checkpoints {
            checkpoint.write(e)?;
        }
        Ok(())
    }

    /// Reads an export. Checks only its structure; [`verify`](Self::verify)
    /// checks the content.
    pub fn decode(bytes: &[u8]) -> Result<ExportedLog, AuditError> {
        let mut d = Decoder::new(bytes);
        cbor::expect_array(&mut d, 7)?;
        if d.str()? != EXPORT_MAGIC {
            return Err(AuditError::Malformed);
        }
        let version = d.u64()?;
        if version != EXPORT_VERSION {
            return Err(AuditError::UnsupportedVersion(version));
        }
        let public_key = Vec::from(d.bytes()?);
        let anchor_seq = d.u64()?;
        let anchor_hash = cbor::hash(&mut d)?;
        let count = cbor::array_len(&mut d, record::MIN_ENCODED_LEN)?;
        let mut records = Vec::with_capacity(count);
        for _ in 0..count {
            records.push(Record::read(&mut d)?);
        }
        let count = cbor::array_len(&mut d, checkpoint::MIN_ENCODED_LEN)?;
        let mut checkpoints = Vec::with_capacity(count);
        for _ in 0..count {
            checkpoints.push(Checkpoint::read(&mut d)?);
        }
        if d.position() != bytes.len() {
            return Err(AuditError::TrailingBytes);
        }
        Ok(ExportedLog {
            public_key,
            anchor_seq,
            anchor_hash,
            records,
            checkpoints,
        })
    }

    /// Verifies the chain and every checkpoint with the export's own key,
    /// after checking that key's fingerprint is `trusted_key_fingerprint`
    /// when one is given. Without a trusted fingerprint the result only
    /// shows the log is consistent, not who wrote it.
    pub fn verify(&self, trusted_key_fingerprint: Option<[u8; 32]>) -> Result<Summary, AuditError> {
        let key_fingerprint = fingerprint(&self.public_key);
        if trusted_key_fingerprint.is_some_and(|trusted| trusted != key_fingerprint) {
            return Err(AuditError::UntrustedKey);
        }
        let key = decode_public_key(&self.public_key)?;
        let anchor = Anchor {
            seq: self.anchor_seq,
            hash: self.anchor_hash,
        };
        chain::verify(
            anchor,
            &self.records,
            &self.checkpoints,
            &key,
            key_fingerprint,
        )
    }
}

impl AuditLog {
    /// The kept records, their checkpoints and the public key, as an
    /// [`ExportedLog`].
    pub fn to_exported(&self) -> ExportedLog {
        ExportedLog {
            public_key: Vec::from(self.public_key()),
            anchor_seq: self.first_seq(),
            anchor_hash: self.anchor_hash(),
            records: self.records().cloned().collect(),
            checkpoints: self.checkpoints().cloned().collect(),
        }
    }

    /// The kept records from sequence number `from` on (from the oldest
    /// kept one if `from` is older), with their checkpoints and the key:
    /// a segment that verifies on its own and chains from the segment
    /// before it. `None` when no kept record is that new.
    pub fn export_from(&self, from: u64) -> Option<ExportedLog> {
        let from = from.max(self.first_seq());
        let anchor_hash = if from == self.first_seq() {
            self.anchor_hash()
        } else {
            self.records().find(|r| r.seq + 1 == from)?.hash
        };
        let records: Vec<Record> = self.records().filter(|r| r.seq >= from).cloned().collect();
        if records.is_empty() {
            return None;
        }
        Some(ExportedLog {
            public_key: Vec::from(self.public_key()),
            anchor_seq: from,
            anchor_hash,
            records,
            checkpoints: self
                .checkpoints()
                .filter(|c| c.seq >= from)
                .cloned()
                .collect(),
        })
    }

    /// The canonical CBOR export of the kept log (see [`ExportedLog`]).
    pub fn export(&self) -> Vec<u8> {
        self.to_exported().encode()
    }
}

/// Decodes an export and verifies it (see [`ExportedLog::verify`]): the
/// check a host tool runs on a log taken from a node.
pub fn verify_export(
    bytes: &[u8],
    trusted_key_fingerprint: Option<[u8; 32]>,
) -> Result<Summary, AuditError> {
    ExportedLog::decode(bytes)?.verify(trusted_key_fingerprint)
}
