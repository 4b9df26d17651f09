//! The `verify` command's check and its report.

use aios_audit::{AuditError, ExportedLog, Summary, fingerprint};

use crate::{ToolError, hex};

/// Decodes `export` and verifies its chain and every signed checkpoint,
/// with the key inside the export, after checking that key's fingerprint
/// is `trusted` when given.
pub fn verify(export: &[u8], trusted: Option<[u8; 32]>) -> Result<Summary, ToolError> {
    let log = ExportedLog::decode(export)?;
    log.verify(trusted).map_err(|error| match (error, trusted) {
        (AuditError::UntrustedKey, Some(trusted)) => ToolError::UntrustedKey {
            found: fingerprint(&log.public_key),
            trusted,
        },
        (other, _) => ToolError::Audit(other),
    })
}

/// The success line: `verified: R records (seq F..L), C signed checkpoints,
/// node key HEX`.
pub fn verified_line(summary: &Summary) -> String {
    let range = match last_seq(summary) {
        Some(last) => format!("seq {}..{last}", summary.first_seq),
        None => String::from("none kept"),
    };
    format!(
        "verified: {} records ({range}), {} signed checkpoints, node key {}",
        summary.records,
        summary.checkpoints,
        hex::encode(&summary.key_fingerprint)
    )
}

/// What a successful verification does not show: records past the last
/// signature, and (without `--key`) who signed.
pub fn warnings(summary: &Summary, key_pinned: bool) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(last) = last_seq(summary) {
        let unsigned_from = summary
            .signed_through
            .map_or(Some(summary.first_seq), |s| s.checked_add(1));
        if let Some(from) = unsigned_from.filter(|&from| from <= last) {
            notes.push(format!(
                "warning: records {from}..{last} are chained but not covered by a signed checkpoint"
            ));
        }
    }
    if !key_pinned {
        notes.push(String::from(
            "warning: no --key given: this shows the log is consistent with the key inside it, not that the node wrote it",
        ));
    }
    notes
}

/// Sequence number of the newest verified record, if any.
fn last_seq(summary: &Summary) -> Option<u64> {
    let count = summary.records.checked_sub(1)?;
    summary.first_seq.checked_add(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(first_seq: u64, records: u64, signed_through: Option<u64>) -> Summary {
        Summary {
            first_seq,
            records,
            checkpoints: 2,
            signed_through,
            head_hash: [0; 32],
            key_fingerprint: [0xab; 32],
        }
    }

    #[test]
    fn the_line_names_the_range_and_the_key() {
        let line = verified_line(&summary(5, 10, Some(14)));
        let key = "ab".repeat(32);
        assert_eq!(
            line,
            format!("verified: 10 records (seq 5..14), 2 signed checkpoints, node key {key}")
        );
        assert!(verified_line(&summary(3, 0, None)).contains("0 records (none kept)"));
    }

    #[test]
    fn an_unsigned_tail_and_an_unpinned_key_are_warned_about() {
        assert!(warnings(&summary(0, 10, Some(9)), true).is_empty());
        let notes = warnings(&summary(0, 10, Some(7)), true);
        assert_eq!(notes.len(), 1);
        assert!(notes[0].contains("records 8..9 "), "{notes:?}");
        let notes = warnings(&summary(4, 2, None), false);
        assert_eq!(notes.len(), 2);
        assert!(notes[0].contains("records 4..5 "), "{notes:?}");
        assert!(notes[1].contains("no --key"), "{notes:?}");
        assert!(warnings(&summary(0, 0, None), true).is_empty());
    }

    #[test]
    fn garbage_is_malformed_and_empty_input_truncated() {
        assert_eq!(
            verify(&[0x87, 0x01, 0x02], None),
            Err(ToolError::Audit(AuditError::Malformed))
        );
        assert_eq!(
            verify(b"", None),
            Err(ToolError::Audit(AuditError::Truncated))
        );
    }
}
