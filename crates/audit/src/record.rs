//! One audit record, its canonical encoding and its SHA3-256 hash.

use alloc::string::String;
use core::convert::Infallible;

use minicbor::Decoder;
use minicbor::encode::Error as EncodeError;
use sha3::{Digest, Sha3_256};

use crate::cbor::{self, Writer};
use crate::{AuditError, Kind};

/// Most bytes of `detail` a record keeps; longer details are cut at a
/// character boundary so one event can never take unbounded memory.
pub const MAX_DETAIL_LEN: usize = 256;

/// Smallest encoding of one record in an export, used to refuse record
/// counts the input cannot hold before allocating for them.
pub(crate) const MIN_ENCODED_LEN: usize = 1 + 5 + 2 * 34;

/// One security-relevant event, chained to the record before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Position in the log: 0 for the first record ever, then +1 each.
    pub seq: u64,
    /// When it happened, in nanoseconds since boot.
    pub time_ns: u64,
    /// What happened.
    pub kind: Kind,
    /// The agent the event is about (0: the kernel itself).
    pub subject: u64,
    /// Human-readable detail, at most [`MAX_DETAIL_LEN`] bytes.
    pub detail: String,
    /// `hash` of the previous record; zeros for record 0.
    pub prev_hash: [u8; 32],
    /// SHA3-256 of the canonical CBOR of every other field.
    pub hash: [u8; 32],
}

impl Record {
    /// Builds the record that follows `prev_hash`, computing its hash.
    pub(crate) fn new(
        seq: u64,
        time_ns: u64,
        kind: Kind,
        subject: u64,
        detail: &str,
        prev_hash: [u8; 32],
    ) -> Record {
        let mut record = Record {
            seq,
            time_ns,
            kind,
            subject,
            detail: String::from(truncate(detail, MAX_DETAIL_LEN)),
            prev_hash,
            hash: [0; 32],
        };
        record.hash = record.compute_hash();
        record
    }

    /// SHA3-256 of the record's hashed fields, as they are now.
    ///
    /// The preimage is the CBOR array
    /// `[seq, time_ns, kind, subject, detail, prev_hash]`: the exported
    /// record without its last element.
    pub fn compute_hash(&self) -> [u8; 32] {
        let preimage = cbor::to_vec(|e| self.write_fields(e));
        Sha3_256::digest(&preimage).into()
    }

    fn write_fields(&self, e: &mut Writer<'_>) -> Result<(), EncodeError<Infallible>> {
        e.array(6)?
            .u64(self.seq)?
            .u64(self.time_ns)?
            .u8(self.kind.code())?
            .u64(self.subject)?
            .str(&self.detail)?
            .bytes(&self.prev_hash)?;
        Ok(())
    }

    /// Writes the exported form `[seq, time_ns, kind, subject, detail,
    /// prev_hash, hash]`.
    pub(crate) fn write(&self, e: &mut Writer<'_>) -> Result<(), EncodeError<Infallible>> {
        e.array(7)?
            .u64(self.seq)?
            .u64(self.time_ns)?
            .u8(self.kind.code())?
            .u64(self.subject)?
            .str(&self.detail)?
            .bytes(&self.prev_hash)?
            .bytes(&self.hash)?;
        Ok(())
    }

    /// Reads the exported form written by [`Record::write`].
    pub(crate) fn read(d: &mut Decoder<'_>) -> Result<Record, AuditError> {
        cbor::expect_array(d, 7)?;
        let seq = d.u64()?;
        let time_ns = d.u64()?;
        let kind = Kind::from_code(d.u64()?).ok_or(AuditError::Malformed)?;
        let subject = d.u64()?;
        let detail = String::from(d.str()?);
        let prev_hash = cbor::hash(d)?;
        let hash = cbor::hash(d)?;
        Ok(Record {
            seq,
            time_ns,
            kind,
            subject,
            detail,
            prev_hash,
            hash,
        })
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a
/// character boundary.
fn truncate(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_is_cut_on_a_character_boundary() {
        let long = "é".repeat(MAX_DETAIL_LEN);
        let record = Record::new(0, 0, Kind::Spawn, 1, &long, [0; 32]);
        assert_eq!(record.detail.len(), MAX_DETAIL_LEN);
        assert!(record.detail.chars().all(|c| c == 'é'));
        assert_eq!(truncate("abc", 2), "ab");
        assert_eq!(truncate("aé", 2), "a");
    }

    #[test]
    fn the_hash_covers_every_field() {
        let base = Record::new(3, 10, Kind::Grant, 7, "cap", [1; 32]);
        assert_eq!(base.hash, base.compute_hash());
        let variants = [
            Record {
                seq: 4,
                ..base.clone()
            },
            Record {
                time_ns: 11,
                ..base.clone()
            },
            Record {
                kind: Kind::Revoke,
                ..base.clone()
            },
            Record {
                subject: 8,
                ..base.clone()
            },
            Record {
                detail: String::from("caq"),
                ..base.clone()
            },
            Record {
                prev_hash: [2; 32],
                ..base.clone()
            },
        ];
        for changed in variants {
            assert_ne!(changed.compute_hash(), base.hash, "{changed:?}");
        }
    }
}
