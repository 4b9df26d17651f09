//! `aios-audit verify` on raw and transcript exports, good and damaged.

mod common;

use aios_audit::{AuditLog, Config, Kind};
use aios_audit_tool::dump;
use common::{fingerprint_hex, log, scratch, verify, write};

fn verified(log: &AuditLog, first: u64, last: u64, checkpoints: u64) -> String {
    let records = last - first + 1;
    format!(
        "verified: {records} records (seq {first}..{last}), {checkpoints} signed checkpoints, node key {}\n",
        fingerprint_hex(log)
    )
}

#[test]
fn a_raw_export_verifies() {
    let log = log();
    let run = verify(&write("raw", &log.export()), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, verified(&log, 0, 14, 3));
    assert!(run.stderr.contains("no --key"), "{}", run.stderr);
}

#[test]
fn the_last_dump_in_a_transcript_verifies_with_the_pinned_key() {
    let log = log();
    let mut older = AuditLog::with_config([9; 32], Config::default());
    older.append(1, Kind::Boot, 0, "old boot");
    let transcript = format!(
        "AIOS booting\r\n{}aios> audit export\r\n{}aios> poweroff\r\n",
        dump::encode(&older.export()),
        dump::encode(&log.export()).replace('\n', "\r\n")
    );
    let path = write("transcript.txt", transcript.as_bytes());
    let key = fingerprint_hex(&log);
    let run = verify(&path, &["--key", &key]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, verified(&log, 0, 14, 3));
    assert_eq!(
        run.stderr, "",
        "signed to the end and key pinned: no warnings"
    );
}

#[test]
fn a_log_that_dropped_old_records_verifies_from_its_anchor() {
    let config = Config {
        checkpoint_every: 3,
        max_records: 8,
    };
    let mut log = AuditLog::with_config([5; 32], config);
    for i in 0..20 {
        log.append(i, Kind::Spawn, i, "agent");
    }
    let first = log.first_seq();
    assert!(first > 0);
    let last = log.next_seq() - 1;
    let checkpoints = log.checkpoints().count() as u64;
    let run = verify(&write("trimmed", &log.export()), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, verified(&log, first, last, checkpoints));
    assert!(
        run.stderr
            .contains(&format!("records 24..{last} are chained but not covered"))
    );
}

#[test]
fn a_removed_record_breaks_the_chain_there() {
    let mut exported = log().to_exported();
    exported.records.remove(7);
    let run = verify(&write("removed", &exported.encode()), &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .starts_with("FAILED: first altered record: 7 (it does not chain"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_wrong_key_fingerprint_is_refused() {
    let log = log();
    let wrong = "00".repeat(32);
    let run = verify(&write("raw", &log.export()), &["--key", &wrong]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout,
        format!(
            "FAILED: the log is signed by node key {}, not by the trusted key {wrong}\n",
            fingerprint_hex(&log)
        )
    );
}

#[test]
fn truncated_and_garbage_inputs_fail_clearly() {
    let export = log().export();
    let cut = verify(&write("cut", &export[..export.len() / 2]), &[]);
    assert_eq!(cut.code, 1);
    assert_eq!(cut.stdout, "FAILED: the exported audit log is truncated\n");

    let text = dump::encode(&export);
    let unterminated = &text[..text.len() - "audit-export-end\n".len()];
    let run = verify(
        &write("cut.txt", format!("boot\n{unterminated}").as_bytes()),
        &[],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("begun at line 2 has no `audit-export-end`"),
        "{}",
        run.stdout
    );

    let run = verify(&write("garbage", b"not an audit log at all\n"), &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .starts_with("FAILED: the input is neither a raw audit export")
    );

    let run = verify(&write("garbage.bin", &[0x87, 0x01, 0x02, 0x03]), &[]);
    assert_eq!(run.stdout, "FAILED: the exported audit log is malformed\n");

    let mut trailing = export.clone();
    trailing.push(0);
    let run = verify(&write("trailing", &trailing), &[]);
    assert_eq!(run.stdout, "FAILED: bytes follow the exported audit log\n");

    let run = verify(&scratch("missing"), &[]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with("FAILED: cannot read "),
        "{}",
        run.stdout
    );
}
