//! Host tests of the shell: whole console sessions against the fake host,
//! checked line by line against the kernel console's output.

use crate::Error;
use crate::fake::{FakeHost, image};
use crate::shell::{MAX_READ_FAILURES, Shell};
use aios_abi::Error as Abi;
use aios_abi::payload::SystemInfo;

/// Serves `input` (one read per string) until the fake runs out of input;
/// returns the shell and the error `serve` ended with.
pub(crate) fn session(host: FakeHost, input: &[&str]) -> (Shell<FakeHost>, Error) {
    let mut host = host;
    input.iter().for_each(|text| host.type_text(text));
    let mut shell = Shell::new(host);
    let end = shell.serve();
    (shell, end)
}

/// Output lines with `\n` endings and the prompt that begins each line
/// removed, as the e2e tests read them.
pub(crate) fn lines(shell: &Shell<FakeHost>) -> Vec<String> {
    shell
        .host()
        .text()
        .split('\n')
        .map(|line| line.trim_start_matches("aios> ").to_string())
        .collect()
}

#[test]
fn prompts_echoes_and_runs_commands() {
    let (shell, end) = session(FakeHost::new(), &["hel", "p\r", "frobnicate now\n"]);
    assert_eq!(end, Error::Syscall(Abi::StaleHandle));
    let text = shell.host().text();
    assert!(text.starts_with("aios> help\ncommands:\n  help              this list\n"));
    assert!(text.ends_with("poweroff          switch the machine off (ACPI S5)\naios> frobnicate now\nunknown command: frobnicate\naios> "));
}

#[test]
fn spawn_kill_and_caps() {
    let input = [
        "spawn hello\n",
        "spawn nothing\n",
        "kill 2\n",
        "kill 2\n",
        "kill 99\n",
        "kill two\n",
        "caps 1\n",
        "caps 2\n",
        "spawn\n",
        "caps\n",
    ];
    let (shell, _) = session(FakeHost::new(), &input);
    let lines = lines(&shell);
    let expected = [
        "spawned hello as agent 2",
        "error: not found",
        "killed agent 2",
        "error: invalid argument",
        "error: no agent 99",
        "error: `two` is not an agent id",
        "0x00000000 Console                     rights read,write",
        "agent 2 holds no capabilities",
        "usage: spawn ARGUMENT (see help)",
        "usage: caps ARGUMENT (see help)",
    ];
    for line in expected {
        assert!(
            lines.iter().any(|l| l == line),
            "missing `{line}` in {lines:#?}"
        );
    }
    assert_eq!(shell.host().agents[1].state.name(), "killed");
}

#[test]
fn agents_images_and_info() {
    let mut host = FakeHost::new();
    host.images.push(image("forged", Some("bad signature")));
    let (shell, _) = session(host, &["agents\nimages\ninfo\n"]);
    let lines = lines(&shell);
    let table_at = lines
        .iter()
        .position(|l| l.starts_with("   ID NAME"))
        .unwrap();
    assert_eq!(
        lines[table_at + 1],
        "    1 console        blocked     0.0        64        0    0        0        0       0  "
    );
    assert!(lines.contains(&"hello          ready".to_string()));
    assert!(lines.contains(&"forged         refused: bad signature".to_string()));
    assert!(lines.contains(&"error: the console holds no system capability".to_string()));
}

#[test]
fn info_prints_the_system_facts() {
    let mut host = FakeHost::new();
    host.info = Ok(SystemInfo {
        version: "0.1.0".into(),
        cpus_online: 2,
        cpus_present: 2,
        memory_total: 511 << 20,
        memory_free: 400 << 20,
        uptime_ns: 3_000_000_000,
        boot_path: "pvh".into(),
        verified_by: None,
        measurements: Vec::new(),
        heap_used: 2048,
        idle_ns: 0,
    });
    let (shell, _) = session(host, &["info\n"]);
    let lines = lines(&shell);
    assert!(lines.contains(&"cpus online: 2 of 2".to_string()));
    assert!(lines.contains(&"uptime: 3.000 s".to_string()));
    assert!(lines.contains(&"boot: pvh unverified".to_string()));
}

#[test]
fn bad_lines_are_reported_and_the_console_goes_on() {
    let long = "x".repeat(300) + "\n";
    let mut host = FakeHost::new();
    host.reads.push_back(Ok(b"\xFF\n".to_vec()));
    let (shell, _) = session(host, &[&long, "spaw\x7fwn hello\n"]);
    let lines = lines(&shell);
    assert!(lines.contains(&"error: line longer than 256 bytes, ignored".to_string()));
    assert!(lines.contains(&"spawned hello as agent 2".to_string()));
    // The erased `w` was echoed, then rubbed out.
    assert!(shell.host().text().contains("spaw\x08 \x08wn hello\n"));
    assert!(lines.contains(&"error: input is not UTF-8".to_string()));
    // Only the 256 accepted bytes are echoed.
    assert!(
        shell
            .host()
            .text()
            .contains(&format!("aios> {}\n", "x".repeat(256)))
    );
}

#[test]
fn timeouts_are_not_failures_but_persistent_errors_end_serving() {
    let mut host = FakeHost::new();
    for _ in 0..25 {
        host.reads.push_back(Err(Abi::TimedOut.into()));
    }
    host.reads.push_back(Err(Abi::PermissionDenied.into()));
    host.type_text("help\n");
    let (shell, end) = session(host, &[]);
    // 25 timeouts, one refusal, the line, then ten stale-handle failures.
    assert_eq!(
        shell.host().read_calls,
        25 + 1 + 1 + MAX_READ_FAILURES as usize
    );
    assert_eq!(end, Error::Syscall(Abi::StaleHandle));
    assert!(lines(&shell).contains(
        &"  top               live view of agents, CPUs and messages (any key exits)".to_string()
    ));
}

#[test]
fn top_redraws_every_second_until_a_key() {
    let mut host = FakeHost::new();
    host.type_text("top\n");
    // Two full seconds of silence (two redraws after the first), then a key.
    for _ in 0..2 {
        host.reads.push_back(Err(Abi::TimedOut.into()));
    }
    host.type_text("qagents\n");
    let (shell, _) = session(host, &[]);
    let text = shell.host().text();
    assert_eq!(text.matches("\x1b[2J\x1b[H").count(), 3);
    assert!(text.contains("\x1b[2J\x1b[HAIOS top — uptime 1 s — any key exits\n"));
    assert!(text.contains("\x1b[2J\x1b[HAIOS top — uptime 3 s — any key exits\n"));
    // The key that ended top was consumed; the rest of the input was not.
    assert!(text.ends_with("aios> agents\n   ID NAME           STATE      CPU%   MEM KiB RESTARTS  CPU  MSGS IN MSGS OUT  DENIED  DETAIL\n    1 console        blocked     0.0        64        0    0        0        0       0  \naios> "));
}

#[test]
fn poweroff_says_so_and_reports_a_refusal() {
    let (shell, _) = session(FakeHost::new(), &["poweroff\n"]);
    assert_eq!(shell.host().poweroffs, 1);
    let lines = lines(&shell);
    let at = lines.iter().position(|l| l == "powering off").unwrap();
    assert_eq!(
        lines[at + 1],
        "error: poweroff failed: not supported by this kernel"
    );
}

#[test]
fn top_takes_a_key_typed_ahead_like_the_kernel_console() {
    let (shell, _) = session(FakeHost::new(), &["top\nxhelp\n"]);
    let text = shell.host().text();
    // One frame, then `x` ended top and `help` ran.
    assert_eq!(text.matches("\x1b[2J\x1b[H").count(), 1);
    assert!(text.contains("aios> help\ncommands:\n"));
    assert!(!text.contains("unknown command"));
}

#[test]
fn ping_prints_each_echo_and_a_summary() {
    use aios_abi::payload::PingReply;
    let mut host = FakeHost::new();
    let reply = |seq, rtt_ns| {
        Ok(PingReply {
            address: "10.0.2.2".to_string(),
            seq,
            bytes: 56,
            rtt_ns,
        })
    };
    host.pings.extend([
        reply(1, 400_000),
        Err(Abi::TimedOut.into()),
        reply(3, 600_000),
    ]);
    let (shell, _) = session(host, &["ping 10.0.2.2\n", "ping 10.0.2.2 0\n", "ping\n"]);
    let out = lines(&shell);
    let at = out.iter().position(|l| l == "ping 10.0.2.2").unwrap();
    assert_eq!(
        out[at + 1..at + 5],
        [
            "reply from 10.0.2.2: seq=1 bytes=56 time=0.400 ms",
            "no reply from 10.0.2.2: timed out",
            "reply from 10.0.2.2: seq=3 bytes=56 time=0.600 ms",
            "ping 10.0.2.2: 3 sent, 2 received, min/avg/max 0.400 ms/0.500 ms/0.600 ms",
        ]
    );
    assert!(out.contains(&"error: `0` is not a count from 1 to 100".to_string()));
    assert!(out.contains(&"usage: ping HOST [COUNT]".to_string()));
    assert_eq!(shell.host().pinged, ["10.0.2.2"; 3]);
}

#[test]
fn ping_stops_at_an_error_that_is_not_a_lost_echo() {
    let mut host = FakeHost::new();
    host.pings.push_back(Err(Abi::InvalidArgument.into()));
    let (shell, _) = session(host, &["ping bad_host 5\n", "net\n"]);
    let out = lines(&shell);
    assert!(
        out.contains(&"error: invalid argument".to_string()),
        "{out:?}"
    );
    assert_eq!(shell.host().pinged.len(), 1);
    // No network attached: `net` says so.
    assert!(
        out.contains(&"error: not available: no disk, model or network installed".to_string()),
        "{out:?}"
    );
}

#[test]
fn fetch_prints_the_status_and_the_text() {
    let mut host = FakeHost::new();
    host.semantic
        .intents
        .push(("net.fetch".to_string(), Some(9)));
    let mut encoder = aios_sdk::minicbor::Encoder::new(Vec::new());
    let _ = encoder
        .map(3)
        .and_then(|e| e.str("status"))
        .and_then(|e| e.u64(200))
        .and_then(|e| e.str("bytes"))
        .and_then(|e| e.u64(12))
        .and_then(|e| e.str("body"))
        .and_then(|e| e.str("hello\nworld\n"));
    host.semantic.reply_body = Some(encoder.into_writer());
    let (shell, _) = session(host, &["fetch http://10.0.2.100/x\n", "fetch\n"]);
    let out = lines(&shell);
    let at = out
        .iter()
        .position(|l| l == "fetch http://10.0.2.100/x")
        .unwrap();
    assert_eq!(
        out[at + 1..at + 4],
        ["HTTP 200, 12 bytes", "hello", "world"]
    );
    assert!(out.contains(&"usage: fetch URL".to_string()));
    let (intent, body, _) = &shell.host().semantic.requests[0];
    assert_eq!(intent, "net.fetch");
    assert_eq!(
        aios_json::cbor_to_json(body).unwrap(),
        r#"{"url":"http://10.0.2.100/x"}"#
    );
}

#[test]
fn an_https_fetch_prints_the_tls_session_under_the_status() {
    let mut host = FakeHost::new();
    host.semantic
        .intents
        .push(("net.fetch".to_string(), Some(9)));
    let mut encoder = aios_sdk::minicbor::Encoder::new(Vec::new());
    let _ = encoder
        .map(4)
        .and_then(|e| e.str("status"))
        .and_then(|e| e.u64(200))
        .and_then(|e| e.str("bytes"))
        .and_then(|e| e.u64(3))
        .and_then(|e| e.str("body"))
        .and_then(|e| e.str("hi\n"))
        .and_then(|e| e.str("tls"))
        .and_then(|e| e.str("TLS 1.3, X25519MLKEM768, TLS_CHACHA20_POLY1305_SHA256"));
    host.semantic.reply_body = Some(encoder.into_writer());
    let (shell, _) = session(host, &["fetch https://node.aios.test/\n"]);
    let out = lines(&shell);
    let at = out
        .iter()
        .position(|l| l == "fetch https://node.aios.test/")
        .unwrap();
    assert_eq!(
        out[at + 1..at + 4],
        [
            "HTTP 200, 3 bytes",
            "tls: TLS 1.3, X25519MLKEM768, TLS_CHACHA20_POLY1305_SHA256",
            "hi"
        ]
    );
}

#[test]
fn fetch_without_the_agent_says_what_to_do() {
    let (shell, _) = session(FakeHost::new(), &["fetch http://h/\n"]);
    assert!(
        lines(&shell).contains(&"fetch: no agent serves net.fetch (spawn fetch first)".to_string())
    );
}
