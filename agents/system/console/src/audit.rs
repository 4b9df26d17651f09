//! The lines of `audit tail`, `audit verify`, `audit export` and
//! `policy set`.

use crate::Error;
use crate::info::Hex;
use aios_abi::payload::{AuditRecords, AuditVerdict};

/// Records `audit tail` shows when no count is given.
pub const DEFAULT_TAIL: u32 = 10;
/// Exported bytes per hex line (128 hex characters).
pub const EXPORT_LINE_BYTES: usize = 64;

/// One line per record: `#<seq> <s.mmm> <kind> agent <subject> <detail>`.
pub fn tail(records: &AuditRecords) -> Vec<String> {
    if records.records.is_empty() {
        return vec![String::from("audit: no records")];
    }
    records
        .records
        .iter()
        .map(|record| {
            format!(
                "#{} {}.{:03} {} agent {} {}",
                record.seq,
                record.time_ns / 1_000_000_000,
                (record.time_ns / 1_000_000) % 1000,
                record.kind,
                record.subject,
                record.detail
            )
        })
        .collect()
}

/// The verdict of `audit verify` in one line.
pub fn verdict(verdict: &AuditVerdict) -> String {
    if verdict.ok {
        let key = verdict.node_key.get(..8).unwrap_or(&verdict.node_key);
        return format!(
            "audit: chain verified: {} records, {} signed checkpoints, node key {}",
            verdict.records,
            verdict.checkpoints,
            Hex(key)
        );
    }
    match verdict.first_bad {
        Some(seq) => format!(
            "audit: verification FAILED at record {seq}: {}",
            verdict.message
        ),
        None => format!("audit: verification FAILED: {}", verdict.message),
    }
}

/// `audit-export-begin <bytes>`, the export as lower-case hex with
/// [`EXPORT_LINE_BYTES`] bytes per line, then `audit-export-end`: the
/// framing `tools/audit-tool` looks for in a console transcript.
pub fn export(bytes: &[u8]) -> impl Iterator<Item = String> + '_ {
    core::iter::once(format!("audit-export-begin {}", bytes.len()))
        .chain(
            bytes
                .chunks(EXPORT_LINE_BYTES)
                .map(|line| Hex(line).to_string()),
        )
        .chain(core::iter::once(String::from("audit-export-end")))
}

/// The outcome of `policy set`.
pub fn policy(outcome: Result<(), Error>) -> String {
    match outcome {
        Ok(()) => String::from("policy: installed"),
        Err(why) => format!("policy: refused: {why}"),
    }
}
