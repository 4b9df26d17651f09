//! The `tamper` command: a copy of an export with one record altered, for
//! tests and demonstrations of `verify`.

use aios_audit::ExportedLog;

use crate::ToolError;

/// Which field of the record was changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TamperedField {
    /// A byte of `detail`, at this byte index.
    Detail(usize),
    /// The low byte of `subject` (the detail was empty).
    Subject,
}

/// What [`tamper`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tampered {
    /// Sequence number of the altered record.
    pub seq: u64,
    /// The field changed.
    pub field: TamperedField,
    /// The byte before.
    pub old: u8,
    /// The byte after.
    pub new: u8,
}

/// Re-encodes `export` with one byte of record `seq` flipped (its lowest
/// bit), leaving the record's stored hash as it was, so that verification
/// reports `seq` as altered.
///
/// The byte is the last one of `detail`, or the low byte of `subject` when
/// the detail is empty. Flipping the lowest bit of a detail's last byte
/// keeps it valid UTF-8 (an ASCII byte stays ASCII; a final continuation
/// byte stays one, and final bytes carry no range constraint), and keeps
/// the subject's CBOR length (no integer size boundary is odd), so a
/// canonical export changes in exactly one byte.
pub fn tamper(export: &[u8], seq: u64) -> Result<(Vec<u8>, Tampered), ToolError> {
    let mut log = ExportedLog::decode(export)?;
    let record = log
        .records
        .iter_mut()
        .find(|r| r.seq == seq)
        .ok_or(ToolError::NoSuchRecord { seq })?;
    let tampered = match record.detail.len().checked_sub(1) {
        Some(index) => {
            let mut bytes = std::mem::take(&mut record.detail).into_bytes();
            let old = bytes[index];
            bytes[index] = old ^ 1;
            // Cannot fail (see above); if it did, the error says the export
            // could not be altered as asked rather than writing nonsense.
            record.detail = String::from_utf8(bytes)
                .map_err(|_| ToolError::Audit(aios_audit::AuditError::Malformed))?;
            Tampered {
                seq,
                field: TamperedField::Detail(index),
                old,
                new: old ^ 1,
            }
        }
        None => {
            let old = record.subject.to_le_bytes()[0];
            record.subject ^= 1;
            Tampered {
                seq,
                field: TamperedField::Subject,
                old,
                new: old ^ 1,
            }
        }
    };
    Ok((log.encode(), tampered))
}

#[cfg(test)]
#[path = "tamper_tests.rs"]
mod tests;
