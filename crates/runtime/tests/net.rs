//! The network syscalls on a runtime whose network service runs over an
//! in-memory wire, the far end a second stack the test drives: a stream
//! both ways under a `connect` pattern, a listener and a UDP socket under
//! theirs, refusals (patterns, rights, kinds, bad arguments, the endpoint
//! quota, no network), the audit records, and endpoints closed when their
//! agent ends.

mod support;

use aios_abi::Error;
use aios_abi::payload::{AgentState, CapKind, rights};
use aios_net::memory::wire;
use aios_net::{Config, Net};
use aios_runtime::Runtime;
use std::sync::Arc;
use support::{FakePlatform, TestAgent, runtime};

const NODE_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x01];
const PEER_MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x02];
// The agents' `net-endpoint` capability is their first, handle 65536.

const NET_IMPORTS: &str = r#"
  (import "aios" "net_connect" (func $connect (param i32 i32 i32 i32 i64) (result i32)))
  (import "aios" "net_listen" (func $listen (param i32 i32) (result i32)))
  (import "aios" "net_accept" (func $accept (param i32 i64) (result i32)))
  (import "aios" "net_send" (func $send (param i32 i32 i32 i64) (result i32)))
  (import "aios" "net_recv" (func $recv (param i32 i32 i32 i64) (result i32)))
  (import "aios" "net_udp_bind" (func $udp_bind (param i32 i32) (result i32)))
  (import "aios" "net_close" (func $close (param i32) (result i32)))
  (import "aios" "net_recv_from" (func $recv_from (param i32 i32 i32 i64) (result i32)))
  (import "aios" "sleep" (func $sleep (param i64) (result i32)))
"#;

fn module(data: &str, body: &str) -> String {
    format!(
        r#"(module {NET_IMPORTS}
  (memory (export "memory") 1)
  (data (i32.const 0) "{data}")
  (func (export "aios_main") (result i32) (local $s i32) (local $t i32) (local $n i32) {body}))"#
    )
}

/// A runtime with `agents` and a network service on 10.0.0.1, and the
/// peer stack on 10.0.0.2.
fn node(agents: &[TestAgent]) -> (Runtime, Arc<FakePlatform>, Arc<Net>, Net) {
    let (rt, platform) = runtime(agents, 1);
    let (near, far) = wire(NODE_MAC, PEER_MAC);
    let config = |ip| Config::parse(Some(ip), None, 1).unwrap();
    let net = Arc::new(Net::new(Box::new(near), config("10.0.0.1/24"), 0).unwrap());
    let peer = Net::new(Box::new(far), config("10.0.0.2/24"), 0).unwrap();
    rt.attach_network(net.clone());
    (rt, platform, net, peer)
}

/// Runs the agent, polling both stacks and moving time on, until it ends;
/// `each` runs every round with the peer stack. Returns the exit code.
fn drive(
    rt: &Runtime,
    platform: &FakePlatform,
    net: &Net,
    peer: &Net,
    id: u64,
    mut each: impl FnMut(&Net, u64),
) -> i32 {
    for _ in 0..20_000 {
        rt.run_once(0);
        platform.advance(100_000);
        let now = platform.now.load(std::sync::atomic::Ordering::SeqCst);
        net.poll(now);
        peer.poll(now);
        each(peer, now);
        let info = rt.info(id).unwrap();
        if info.state.is_final() {
            assert_eq!(info.state, AgentState::Exited, "{:?}", info.reason);
            return info.exit_code.unwrap();
        }
    }
    panic!("the agent never ended");
}

#[test]
fn a_stream_under_a_connect_pattern_carries_bytes_both_ways_and_is_audited() {
    // Connect to 10.0.0.2:7, send "hello", read the answer, return its length.
    let body = r#"
      (local.set $s (call $connect (i32.const 65536) (i32.const 0) (i32.const 8) (i32.const 7) (i64.const 5000000000)))
      (if (i32.lt_s (local.get $s) (i32.const 0)) (then (return (local.get $s))))
      (local.set $n (call $send (local.get $s) (i32.const 16) (i32.const 5) (i64.const 5000000000)))
      (if (i32.ne (local.get $n) (i32.const 5)) (then (return (i32.const -100))))
      (local.set $n (call $recv (local.get $s) (i32.const 64) (i32.const 64) (i64.const 5000000000)))
      (drop (call $close (local.get $s)))
      (local.get $n)"#;
    let agent = TestAgent::new(
        "client",
        &module(r"10.0.0.2\00\00\00\00\00\00\00\00hello", body),
    )
    .cap_on(
        CapKind::NetEndpoint,
        "connect:10.0.0.2:7",
        rights::WRITE,
        None,
    );
    let (rt, platform, net, peer) = node(&[agent]);
    let listener = peer.listen(7).unwrap();
    let id = rt.spawn("client", None).unwrap();
    let mut got = Vec::new();
    let mut stream = None;
    let code = drive(&rt, &platform, &net, &peer, id, |peer, now| {
        if stream.is_none() {
            stream = peer.accept(listener, now).ok().map(|(s, _)| s);
        }
        if let Some(s) = stream {
            let mut buf = [0u8; 16];
            if let Ok(n) = peer.recv(s, &mut buf, now)
                && n > 0
            {
                got.extend_from_slice(&buf[..n]);
                if got == b"hello" {
                    peer.send(s, b"world!", now).unwrap();
                }
            }
        }
    });
    assert_eq!(got, b"hello");
    assert_eq!(code, 6, "the agent read the peer's answer");
    let tail = rt.audit_tail(64);
    assert!(
        tail.iter().any(|(_, kind, _, detail)| *kind == "net"
            && detail.starts_with("connect 10.0.0.2:7 as endpoint")),
        "{tail:?}"
    );
    assert!(rt.audit_verifies());
}

#[test]
fn patterns_rights_and_kinds_are_enforced() {
    let cases: [(&str, &str, u32, &str, Error); 8] = [
        // Another host or port than the pattern names.
        (
            "connect:10.0.0.2:7",
            "10.0.0.2",
            rights::WRITE,
            "(call $connect (i32.const 65536) (i32.const 0) (i32.const 8) (i32.const 8) (i64.const 1000))",
            Error::PermissionDenied,
        ),
        (
            "connect:10.0.0.2:7",
            "10.0.0.3",
            rights::WRITE,
            "(call $connect (i32.const 65536) (i32.const 0) (i32.const 8) (i32.const 7) (i64.const 1000))",
            Error::PermissionDenied,
        ),
        // The right connect needs is write.
        (
            "connect:*:*",
            "10.0.0.2",
            rights::READ,
            "(call $connect (i32.const 65536) (i32.const 0) (i32.const 8) (i32.const 7) (i64.const 1000))",
            Error::PermissionDenied,
        ),
        // A connect pattern does not let an agent listen.
        (
            "connect:*:*",
            "",
            rights::READ | rights::WRITE,
            "(call $listen (i32.const 65536) (i32.const 80))",
            Error::PermissionDenied,
        ),
        // Bad arguments.
        (
            "connect:*:*",
            r"\ff\fe",
            rights::WRITE,
            "(call $connect (i32.const 65536) (i32.const 0) (i32.const 2) (i32.const 7) (i64.const 1000))",
            Error::InvalidArgument,
        ),
        (
            "connect:*:*",
            "10.0.0.2",
            rights::WRITE,
            "(call $connect (i32.const 65536) (i32.const 0) (i32.const 8) (i32.const 70000) (i64.const 1000))",
            Error::InvalidArgument,
        ),
        (
            "listen:*",
            "",
            rights::READ,
            "(call $listen (i32.const 65536) (i32.const 0))",
            Error::InvalidArgument,
        ),
        // A pattern capability is not an endpoint.
        (
            "connect:*:*",
            "",
            rights::WRITE,
            "(call $send (i32.const 65536) (i32.const 0) (i32.const 1) (i64.const 0))",
            Error::WrongKind,
        ),
    ];
    for (pattern, data, granted, body, expected) in cases {
        let agent = TestAgent::new("a", &module(data, body)).cap_on(
            CapKind::NetEndpoint,
            pattern,
            granted,
            None,
        );
        let (rt, platform, net, peer) = node(&[agent]);
        let id = rt.spawn("a", None).unwrap();
        let code = drive(&rt, &platform, &net, &peer, id, |_, _| {});
        assert_eq!(code, expected.code(), "{pattern} {body}");
    }
}

#[test]
fn the_endpoint_quota_holds_and_an_ending_agent_closes_its_endpoints() {
    // Binds UDP ports 1000, 1001, … until refused; returns the refusal.
    let body = r#"
      (local.set $t (i32.const 1000))
      (loop $more
        (local.set $s (call $udp_bind (i32.const 65536) (local.get $t)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br_if $more (i32.ge_s (local.get $s) (i32.const 0))))
      (local.get $s)"#;
    let agent = TestAgent::new("binder", &module("", body)).cap_on(
        CapKind::NetEndpoint,
        "udp:*",
        rights::READ,
        None,
    );
    let (rt, platform, net, peer) = node(&[agent]);
    let id = rt.spawn("binder", None).unwrap();
    let code = drive(&rt, &platform, &net, &peer, id, |_, _| {});
    assert_eq!(code, Error::QuotaExceeded.code());
    assert_eq!(
        net.endpoint_count(),
        0,
        "the agent's 16 endpoints were closed when it ended"
    );
}

#[test]
fn a_listener_hands_a_connection_to_the_agent() {
    // Listen on 8080, accept one connection, read what arrives, return the count.
    let body = r#"
      (local.set $t (call $listen (i32.const 65536) (i32.const 8080)))
      (if (i32.lt_s (local.get $t) (i32.const 0)) (then (return (local.get $t))))
      (local.set $s (call $accept (local.get $t) (i64.const 5000000000)))
      (if (i32.lt_s (local.get $s) (i32.const 0)) (then (return (local.get $s))))
      (call $recv (local.get $s) (i32.const 0) (i32.const 64) (i64.const 5000000000))"#;
    let agent = TestAgent::new("server", &module("", body)).cap_on(
        CapKind::NetEndpoint,
        "listen:8080",
        rights::READ,
        None,
    );
    let (rt, platform, net, peer) = node(&[agent]);
    let id = rt.spawn("server", None).unwrap();
    let mut client = None;
    let mut sent = false;
    let code = drive(&rt, &platform, &net, &peer, id, |peer, now| {
        if client.is_none() && net.endpoint_count() > 0 {
            client = peer.connect("10.0.0.1", 8080, now, 5_000_000_000).ok();
        }
        if let Some(c) = client
            && !sent
            && peer.readiness(c).is_ok_and(|r| r.open && r.writable)
        {
            sent = peer.send(c, b"twelve bytes", now).is_ok();
        }
    });
    assert_eq!(code, 12);
    let tail = rt.audit_tail(64);
    assert!(
        tail.iter()
            .any(|(_, _, _, d)| d.starts_with("listen 8080 as endpoint")),
        "{tail:?}"
    );
    assert!(
        tail.iter()
            .any(|(_, _, _, d)| d.starts_with("accept 10.0.0.2:")),
        "{tail:?}"
    );
}

#[test]
fn without_a_network_the_calls_say_so() {
    let agent = TestAgent::new(
        "lonely",
        &module("", "(call $udp_bind (i32.const 65536) (i32.const 9))"),
    )
    .cap_on(CapKind::NetEndpoint, "udp:*", rights::READ, None);
    let (rt, _platform) = runtime(&[agent], 1);
    let id = rt.spawn("lonely", None).unwrap();
    support::run(&rt, 0, 20);
    assert_eq!(
        rt.info(id).unwrap().exit_code,
        Some(Error::Unavailable.code())
    );
}

#[test]
fn a_network_poll_wakes_network_waiters_only() {
    // An agent that waited for a datagram (in vain, 2 ms) and then
    // sleeps must not be woken from its sleep by later polls.
    let body = r#"
      (local.set $s (call $udp_bind (i32.const 65536) (i32.const 5000)))
      (local.set $n (call $recv_from (local.get $s) (i32.const 0) (i32.const 256) (i64.const 2000000)))
      (if (i32.ne (local.get $n) (i32.const -10)) (then (return (i32.const -100))))
      (drop (call $sleep (i64.const 1000000000)))
      (i32.const 0)"#;
    let agent = TestAgent::new("sleeper", &module("", body)).cap_on(
        CapKind::NetEndpoint,
        "udp:*",
        rights::READ,
        None,
    );
    let (rt, platform, net, _peer) = node(&[agent]);
    let id = rt.spawn("sleeper", None).unwrap();
    // Through the wait for a datagram, which ends by its own timeout (no
    // poll wakes it), and into the sleep.
    for _ in 0..200 {
        rt.run_once(0);
        platform.advance(100_000);
        net.poll(platform.now.load(std::sync::atomic::Ordering::SeqCst));
    }
    let asleep = platform.now.load(std::sync::atomic::Ordering::SeqCst);
    for _ in 0..50 {
        rt.network_moved();
        rt.run_once(0);
    }
    assert!(
        !rt.info(id).unwrap().state.is_final(),
        "woken early from its sleep at {asleep} ns"
    );
    platform.advance(2_000_000_000);
    support::run(&rt, 0, 20);
    assert_eq!(rt.info(id).unwrap().exit_code, Some(0));
}
