//! The `show` command: the records of an export as a table.

use std::fmt::Write;

use aios_audit::{ExportedLog, Record, fingerprint};

use crate::hex;

/// The export's key and record range, then one line per record (the last
/// `tail` only, if given): seq, time in ns, kind, subject, detail.
///
/// Lists the export as it is, without verifying it, so an altered export
/// can still be read; control characters in details are escaped so a
/// record cannot rewrite the terminal.
pub fn show(log: &ExportedLog, tail: Option<usize>) -> String {
    let mut text = format!(
        "export: {} records, {} signed checkpoints, node key {} (not verified; run `aios-audit verify`)\n",
        log.records.len(),
        log.checkpoints.len(),
        hex::encode(&fingerprint(&log.public_key))
    );
    let skip = tail.map_or(0, |n| log.records.len().saturating_sub(n));
    let _ = writeln!(
        text,
        "{:>8}  {:>16}  {:<13}  {:>8}  detail",
        "seq", "time_ns", "kind", "subject"
    );
    for record in log.records.iter().skip(skip) {
        write_record(&mut text, record);
    }
    text
}

fn write_record(text: &mut String, record: &Record) {
    let _ = write!(
        text,
        "{:>8}  {:>16}  {:<13}  {:>8}  ",
        record.seq,
        record.time_ns,
        record.kind.name(),
        record.subject
    );
    for c in record.detail.chars() {
        if c.is_control() {
            text.extend(c.escape_default());
        } else {
            text.push(c);
        }
    }
    text.push('\n');
}

#[cfg(test)]
mod tests {
    use aios_audit::{AuditLog, Config, Kind};

    use super::*;

    fn log() -> ExportedLog {
        let config = Config {
            checkpoint_every: 3,
            max_records: 100,
        };
        let mut log = AuditLog::with_config([1; 32], config);
        log.append(10, Kind::Boot, 0, "boot");
        log.append(20, Kind::Spawn, 7, "echo");
        log.append(30, Kind::Denial, 7, "bad\x1b[2Jname\n");
        log.to_exported()
    }

    #[test]
    fn lists_every_record_with_its_fields() {
        let text = show(&log(), None);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6, "{text}");
        assert!(lines[0].starts_with("export: 4 records, 1 signed checkpoints, node key "));
        let fields: Vec<&str> = lines[3].split_whitespace().collect();
        assert_eq!(fields, ["1", "20", "spawn", "7", "echo"]);
        let fields: Vec<&str> = lines[5].split_whitespace().collect();
        assert_eq!(fields, ["3", "30", "checkpoint", "0", "periodic"]);
    }

    #[test]
    fn control_characters_are_escaped() {
        let text = show(&log(), None);
        assert!(text.contains("bad\\u{1b}[2Jname\\n\n"), "{text}");
        assert!(!text.contains('\x1b'));
    }

    #[test]
    fn tail_keeps_the_newest_records() {
        let text = show(&log(), Some(2));
        let seqs: Vec<&str> = text
            .lines()
            .skip(2)
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert_eq!(seqs, ["2", "3"]);
        assert_eq!(show(&log(), Some(100)).lines().count(), 6);
        assert_eq!(show(&log(), Some(0)).lines().count(), 2);
    }
}
