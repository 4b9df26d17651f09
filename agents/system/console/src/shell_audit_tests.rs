//! Host tests of `audit tail`, `audit verify`, `audit export` and
//! `policy set`: whole console sessions against the fake host.

use crate::fake::FakeHost;
use crate::fake_semantic::record;
use crate::shell_messaging_tests::{has, run};
use crate::shell_tests::{lines, session};

fn audited_host(records: u64) -> FakeHost {
    let mut host = FakeHost::new();
    host.semantic.audit = (0..records)
        .map(|seq| {
            record(
                seq,
                2_000_000_000 + seq * 500_000,
                "spawn",
                seq + 1,
                "image hello",
            )
        })
        .collect();
    host
}

#[test]
fn audit_tail_prints_the_last_records() {
    let out = run(audited_host(12), "audit tail\n");
    let records: Vec<&String> = out.iter().filter(|l| l.starts_with('#')).collect();
    assert_eq!(records.len(), 10);
    assert_eq!(records[0], "#2 2.001 spawn agent 3 image hello");
    assert_eq!(records[9], "#11 2.005 spawn agent 12 image hello");

    let out = run(audited_host(12), "audit tail 2\naudit tail ten\naudit\n");
    assert_eq!(out.iter().filter(|l| l.starts_with('#')).count(), 2);
    has(&out, "#10 2.005 spawn agent 11 image hello");
    has(&out, "error: `ten` is not a number");
    has(&out, "usage: audit tail [N] | audit verify | audit export");
    has(&run(audited_host(0), "audit tail 5\n"), "audit: no records");
}

#[test]
fn audit_verify_reports_success_or_the_first_bad_record() {
    let mut host = FakeHost::new();
    host.semantic.verdict.records = 42;
    host.semantic.verdict.checkpoints = 3;
    host.semantic.verdict.node_key = (0xa0..0xc0).collect();
    has(
        &run(host, "audit verify\n"),
        "audit: chain verified: 42 records, 3 signed checkpoints, node key a0a1a2a3a4a5a6a7",
    );

    let mut host = FakeHost::new();
    host.semantic.verdict.ok = false;
    host.semantic.verdict.first_bad = Some(17);
    host.semantic.verdict.message = "hash does not chain".into();
    has(
        &run(host, "audit verify\n"),
        "audit: verification FAILED at record 17: hash does not chain",
    );

    let mut host = FakeHost::new();
    host.semantic.verdict.ok = false;
    host.semantic.verdict.message = "checkpoint signature invalid".into();
    has(
        &run(host, "audit verify\n"),
        "audit: verification FAILED: checkpoint signature invalid",
    );
}

#[test]
fn audit_export_frames_hex_lines_a_tool_can_parse() {
    let export: Vec<u8> = (0..150u32).map(|i| (i * 7) as u8).collect();
    let mut host = FakeHost::new();
    host.semantic.export = export.clone();
    let out = run(host, "audit export\n");
    let begin = out
        .iter()
        .position(|l| l == "audit-export-begin 150")
        .unwrap();
    let end = out.iter().position(|l| l == "audit-export-end").unwrap();
    let hex = &out[begin + 1..end];
    assert_eq!(
        hex.iter().map(String::len).collect::<Vec<_>>(),
        [128, 128, 44]
    );
    assert_eq!(decode(hex), export);
}

#[test]
fn a_long_export_goes_out_in_several_writes() {
    let export: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
    let mut host = FakeHost::new();
    host.semantic.export = export.clone();
    let (shell, _) = session(host, &["audit export\n"]);
    let out = lines(&shell);
    let begin = out
        .iter()
        .position(|l| l == "audit-export-begin 40000")
        .unwrap();
    let end = out.iter().position(|l| l == "audit-export-end").unwrap();
    assert_eq!(decode(&out[begin + 1..end]), export);
    // 80,000 hex characters in 8 KiB writes, plus prompt and echo.
    assert!(shell.host().writes >= 10, "{} writes", shell.host().writes);
}

fn decode(lines: &[String]) -> Vec<u8> {
    let text: String = lines.concat();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn policy_set_installs_or_reports_the_compiler_error() {
    let text = "allow agent * op *; default deny;";
    let (shell, _) = session(
        FakeHost::new(),
        &[&format!(
            "policy set {text}\npolicy set deny agent *\npolicy\n"
        )],
    );
    let out = lines(&shell);
    has(&out, "policy: installed");
    has(&out, "policy: refused: line 1, column 13: expected `;`");
    has(&out, "usage: policy set TEXT");
    assert_eq!(shell.host().semantic.policy.as_deref(), Some(text));

    let mut host = FakeHost::new();
    host.semantic.policy_cap = false;
    has(
        &run(host, "policy set default deny;\n"),
        "policy: refused: the console holds no policy capability",
    );
}
