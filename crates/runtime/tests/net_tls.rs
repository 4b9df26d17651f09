//! `net_connect_tls` on a runtime whose network service runs over an
//! in-memory wire to a peer stack serving TLS: the handshake under the
//! agent's `connect` pattern with the hybrid group, plaintext both ways,
//! and the audit records of the connect and of what it negotiated; a server the trust store does not vouch
//! for, refused as `Untrusted` with the reason audited; no trust store,
//! `Unavailable`.

#[path = "../../tls/tests/common/mod.rs"]
mod fixtures;
mod support;

use aios_abi::Error;
use aios_abi::payload::{AgentState, CapKind, rights};
use aios_net::memory::wire;
use aios_net::{Config, Net};
use aios_runtime::Runtime;
use aios_tls::Policy;
use fixtures::{Authority, CRYPTO, SERVER_NAME, Setup, clock};
use std::sync::Arc;
use support::{FakePlatform, TestAgent, runtime};

/// Connects with TLS to 10.0.0.2:443 as node.aios.test, sends "hello",
/// returns the length of the answer (or the error code).
const CLIENT: &str = r#"(module
  (import "aios" "net_connect_tls" (func $connect_tls (param i32 i32 i32 i32 i32 i32 i64) (result i32)))
  (import "aios" "net_send" (func $send (param i32 i32 i32 i64) (result i32)))
  (import "aios" "net_recv" (func $recv (param i32 i32 i32 i64) (result i32)))
  (import "aios" "net_close" (func $close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "10.0.0.2")
  (data (i32.const 8) "node.aios.test")
  (data (i32.const 32) "hello")
  (func (export "aios_main") (result i32) (local $s i32) (local $n i32)
    (local.set $s (call $connect_tls (i32.const 65536) (i32.const 0) (i32.const 8) (i32.const 443)
      (i32.const 8) (i32.const 14) (i64.const 5000000000)))
    (if (i32.lt_s (local.get $s) (i32.const 0)) (then (return (local.get $s))))
    (local.set $n (call $send (local.get $s) (i32.const 32) (i32.const 5) (i64.const 5000000000)))
    (if (i32.ne (local.get $n) (i32.const 5)) (then (return (i32.const -100))))
    (local.set $n (call $recv (local.get $s) (i32.const 64) (i32.const 64) (i64.const 5000000000)))
    (drop (call $close (local.get $s)))
    (local.get $n)))"#;

/// A runtime running the client agent, trusting `trust` (PEM), and the
/// peer stack listening with TLS on 443 with `setup`'s certificate.
fn node(trust: Option<&str>, setup: &Setup) -> (Runtime, Arc<FakePlatform>, Arc<Net>, Net, u64) {
    let agent = TestAgent::new("client", CLIENT).cap_on(
        CapKind::NetEndpoint,
        "connect:10.0.0.2:443",
        rights::WRITE,
        None,
    );
    let (rt, platform) = runtime(&[agent], 1);
    let (near, far) = wire([0x02, 0, 0, 0, 0, 1], [0x02, 0, 0, 0, 0, 2]);
    let config = |ip| Config::parse(Some(ip), None, 1).unwrap();
    let net = Arc::new(Net::new(Box::new(near), config("10.0.0.1/24"), 0).unwrap());
    let peer = Net::new(Box::new(far), config("10.0.0.2/24"), 0).unwrap();
    rt.attach_network(net.clone());
    let attached = rt.attach_tls(&CRYPTO, clock(), trust.map(str::as_bytes));
    assert_eq!(attached.is_ok(), trust.is_some(), "{attached:?}");
    let listener = peer
        .listen_tls(443, &setup.server_config(&Policy::default()))
        .unwrap();
    (rt, platform, net, peer, listener.0)
}

/// Runs the client until it ends, the peer echoing "world!" to "hello";
/// returns its exit code and what the peer read.
fn run(
    rt: &Runtime,
    platform: &FakePlatform,
    net: &Net,
    peer: &Net,
    listener: u64,
) -> (i32, Vec<u8>) {
    let id = rt.spawn("client", None).unwrap();
    let listener = aios_net::EndpointId(listener);
    let mut stream = None;
    let mut got = Vec::new();
    for _ in 0..20_000 {
        rt.run_once(0);
        platform.advance(100_000);
        let now = platform.now.load(std::sync::atomic::Ordering::SeqCst);
        net.poll(now);
        peer.poll(now);
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
        let info = rt.info(id).unwrap();
        if info.state.is_final() {
            assert_eq!(info.state, AgentState::Exited, "{:?}", info.reason);
            return (info.exit_code.unwrap(), got);
        }
    }
    panic!("the agent never ended");
}

fn net_records(rt: &Runtime) -> Vec<String> {
    rt.audit_tail(64)
        .into_iter()
        .filter(|(_, kind, _, _)| *kind == "net")
        .map(|(_, _, _, detail)| detail)
        .collect()
}

#[test]
fn an_agent_talks_tls_with_the_hybrid_group_and_the_audit_says_what_it_negotiated() {
    let setup = Setup::new();
    let (rt, platform, net, peer, listener) = node(Some(&setup.authority.pem), &setup);
    let (code, got) = run(&rt, &platform, &net, &peer, listener);
    assert_eq!(got, b"hello", "the server decrypted what the agent sent");
    assert_eq!(code, 6, "the agent read the server's answer");
    let records = net_records(&rt);
    assert!(
        records
            .iter()
            .any(|r| r.starts_with("connect tls 10.0.0.2:443 (name node.aios.test) as endpoint")),
        "{records:?}"
    );
    assert!(
        records
            .iter()
            .any(|r| r.contains("TLS 1.3, X25519MLKEM768, TLS_CHACHA20_POLY1305_SHA256")),
        "{records:?}"
    );
    assert!(rt.audit_verifies());
}

#[test]
fn a_server_the_trust_store_does_not_vouch_for_is_untrusted() {
    let setup = Setup::new();
    let stranger = Authority::named("Some other CA", &rcgen::PKCS_ECDSA_P256_SHA256);
    let (rt, platform, net, peer, listener) = node(Some(&stranger.pem), &setup);
    let (code, got) = run(&rt, &platform, &net, &peer, listener);
    assert_eq!(code, Error::Untrusted.code());
    assert!(got.is_empty(), "nothing reached the server: {got:?}");
    let records = net_records(&rt);
    assert!(
        records
            .iter()
            .any(|r| r.ends_with("TLS: the peer's certificate is not trusted")),
        "{records:?}"
    );
    assert_eq!(SERVER_NAME, "node.aios.test");
}

#[test]
fn without_a_trust_store_tls_is_unavailable() {
    let setup = Setup::new();
    let (rt, platform, net, peer, listener) = node(None, &setup);
    let (code, _) = run(&rt, &platform, &net, &peer, listener);
    assert_eq!(code, Error::Unavailable.code());
}
