//! Host tests of `send`, `trace`, `ipc` and the IPC line of `top`: whole
//! console sessions against the fake host, output checked line by line.

use crate::fake::FakeHost;
use crate::messaging::SEND_TIMEOUT_NS;
use crate::shell_tests::{lines, session};
use aios_abi::payload::{IpcStats, TraceEntry};

/// Runs `input` against `host` and returns the output lines.
pub(crate) fn run(host: FakeHost, input: &str) -> Vec<String> {
    lines(&session(host, &[input]).0)
}

pub(crate) fn has(lines: &[String], line: &str) {
    assert!(
        lines.iter().any(|l| l == line),
        "missing `{line}` in {lines:#?}"
    );
}

#[test]
fn send_converts_json_and_prints_the_reply() {
    let (shell, _) = session(FakeHost::new(), &["send demo.echo {\"text\": \"hi\"}\n"]);
    has(&lines(&shell), r#"reply from agent 2: {"text":"hi"}"#);
    let requests = &shell.host().semantic.requests;
    assert_eq!(requests.len(), 1);
    let (intent, body, timeout) = &requests[0];
    assert_eq!(intent, "demo.echo");
    assert_eq!(
        body,
        &[0xa1, 0x64, b't', b'e', b'x', b't', 0x62, b'h', b'i']
    );
    assert_eq!(*timeout, SEND_TIMEOUT_NS);
}

#[test]
fn send_reports_json_routing_and_reply_problems() {
    let mut host = FakeHost::new();
    host.semantic.intents.push(("demo.idle".into(), None));
    let input = "send demo.echo {\"text\": hi}\nsend demo.nothing 1\nsend demo.idle [1]\nsend demo.echo\nsend\n";
    let (shell, _) = session(host, &[input]);
    let out = lines(&shell);
    has(&out, "send: invalid JSON at byte 9: expected a value");
    has(&out, "send: no such intent");
    has(&out, "send: no agent serves the intent");
    assert_eq!(
        out.iter()
            .filter(|l| *l == "usage: send INTENT JSON")
            .count(),
        2
    );
    // The malformed JSON was never sent; the other two were.
    assert_eq!(shell.host().semantic.requests.len(), 2);

    let mut host = FakeHost::new();
    host.semantic.reply_body = Some(vec![0xff]);
    has(
        &run(host, "send demo.echo 1\n"),
        "reply from agent 2: (1 bytes, not CBOR at byte 0: unexpected break)",
    );
    let mut host = FakeHost::new();
    host.semantic.reply_body = Some(Vec::new());
    has(
        &run(host, "send demo.echo null\n"),
        "reply from agent 2: (empty body)",
    );
}

fn entry(
    id: u64,
    from: u64,
    to: u64,
    intent: &str,
    parent: Option<u64>,
    sent_ns: u64,
    received_ns: Option<u64>,
) -> TraceEntry {
    TraceEntry {
        id,
        from,
        to,
        intent: intent.into(),
        causal_parent: parent,
        sent_ns,
        received_ns,
        bytes: 12,
        reply_to: None,
    }
}

#[test]
fn trace_indents_by_causal_depth() {
    let mut host = FakeHost::new();
    host.semantic.trace.entries = vec![
        entry(10, 1, 2, "demo.echo", None, 1_000_000, Some(1_003_500)),
        entry(11, 2, 3, "store.put", Some(10), 1_250_000, Some(1_260_000)),
        entry(12, 3, 2, "store.put", Some(11), 1_300_000, None),
        entry(13, 2, 1, "demo.echo", Some(10), 2_000_000, Some(2_000_999)),
    ];
    let out = run(host, "trace 11\ntrace 99\ntrace x\ntrace\n");
    let at = out.iter().position(|l| l.starts_with("10 ")).unwrap();
    assert_eq!(
        out[at..at + 4],
        [
            "10 1 -> 2 demo.echo 12B sent 1.000ms recv +3us",
            "  11 2 -> 3 store.put 12B sent 1.250ms recv +10us",
            "    12 3 -> 2 store.put 12B sent 1.300ms",
            "  13 2 -> 1 demo.echo 12B sent 2.000ms recv +0us",
        ]
    );
    has(&out, "trace: no messages traced for message 99");
    has(&out, "error: `x` is not a number");
    has(&out, "usage: trace ID");
}

#[test]
fn ipc_prints_totals_and_a_histogram() {
    let mut host = FakeHost::new();
    host.semantic.stats = Some(IpcStats {
        sent: 20,
        delivered: 18,
        expired: 1,
        refused: 2,
        latency_buckets: vec![5, 10, 0, 0, 0, 0, 0, 0, 1],
        queued: 1,
        notices_lost: 0,
    });
    let out = run(host, "ipc\n");
    let at = out.iter().position(|l| l.starts_with("ipc: ")).unwrap();
    let bar = |n| "#".repeat(n);
    assert_eq!(
        out[at..at + 11],
        [
            "ipc: sent 20, delivered 18, expired 1, refused 2, queued 1".to_string(),
            "round-trip latency (16 replies):".to_string(),
            format!("  <= 10us         5 {}", bar(20)),
            format!("  <= 30us        10 {}", bar(40)),
            "  <= 100us        0".to_string(),
            "  <= 300us        0".to_string(),
            "  <= 1ms          0".to_string(),
            "  <= 3ms          0".to_string(),
            "  <= 10ms         0".to_string(),
            "  <= 100ms        0".to_string(),
            format!("  > 100ms         1 {}", bar(4)),
        ]
    );
    has(
        &run(FakeHost::new(), "ipc\n"),
        "error: not supported by this kernel",
    );
}

#[test]
fn top_shows_the_ipc_totals() {
    let mut host = FakeHost::new();
    host.semantic.stats = Some(IpcStats {
        sent: 3,
        ..IpcStats::default()
    });
    let out = run(host, "top\nx");
    let header = out
        .iter()
        .position(|l| l.ends_with("any key exits"))
        .unwrap();
    assert_eq!(
        out[header + 1],
        "ipc: sent 3, delivered 0, expired 0, refused 0, queued 0"
    );
    assert!(out[header + 2].starts_with("   ID NAME"));
}

#[test]
fn a_request_in_words_names_the_intent_it_was_routed_to() {
    let host = FakeHost::new();
    assert!(host.semantic.intents.iter().any(|(n, _)| n == "demo.echo"));
    let out = run(
        host,
        "send \"please echo this\" {\"text\":\"hi\"}\nsend \"nothing fits\" {}\n",
    );
    assert!(
        out.iter()
            .any(|l| l.starts_with("routed to demo.echo: reply from agent ")
                && l.ends_with(r#"{"text":"hi"}"#)),
        "{out:?}"
    );
    has(&out, "send: no intent matches the request");
}
