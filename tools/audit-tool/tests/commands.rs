//! `aios-audit tamper`, `show` and usage errors, run as a process.

mod common;

use aios_audit::ExportedLog;
use aios_audit_tool::dump;
use common::{aios_audit, fingerprint_hex, log, scratch, verify, write};

#[test]
fn tampering_with_any_record_names_it_in_raw_and_dump_form() {
    let log = log();
    let original = write("original", &log.export());
    for seq in [0u64, 3, 5, 9, 11, 14] {
        let altered = scratch("altered");
        let run = aios_audit(&[
            "tamper",
            original.to_str().expect("utf-8"),
            altered.to_str().expect("utf-8"),
            "--record",
            &seq.to_string(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout
                .starts_with(&format!("altered record {seq} (detail byte "))
        );
        let expected =
            format!("FAILED: first altered record: {seq} (its contents do not match its hash)\n");
        let run = verify(&altered, &[]);
        assert_eq!((run.code, run.stdout.as_str()), (1, expected.as_str()));
        let bytes = std::fs::read(&altered).expect("tampered export");
        let as_dump = write("altered.txt", dump::encode(&bytes).as_bytes());
        let run = verify(&as_dump, &["--key", &fingerprint_hex(&log)]);
        assert_eq!((run.code, run.stdout.as_str()), (1, expected.as_str()));
    }
}

#[test]
fn show_lists_the_newest_records() {
    let path = write("show", &log().export());
    let run = aios_audit(&["show", path.to_str().expect("utf-8"), "--tail", "3"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<Vec<&str>> = run
        .stdout
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows,
        [
            vec!["12", "10000", "grant", "1", "event", "10"],
            vec!["13", "11000", "denial", "2", "event", "11"],
            vec!["14", "99000", "checkpoint", "0", "on", "demand"],
        ]
    );
    let decoded = ExportedLog::decode(&std::fs::read(&path).expect("export")).expect("decodes");
    assert_eq!(decoded.records.len(), 15);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["verify"],
        &["verify", "a", "--key", "zz"],
        &["tamper", "a", "b"],
        &["bogus"],
    ] {
        let run = aios_audit(args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains("usage: aios-audit"), "{args:?}");
        assert_eq!(run.stdout, "");
    }
    let run = aios_audit(&["help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("usage: aios-audit verify"));
}

#[test]
fn tamper_refuses_a_record_the_export_lacks() {
    let path = write("raw", &log().export());
    let out = scratch("never");
    let run = aios_audit(&[
        "tamper",
        path.to_str().expect("utf-8"),
        out.to_str().expect("utf-8"),
        "--record",
        "15",
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "aios-audit: the export holds no record with seq 15\n"
    );
    assert!(!out.exists());
}
