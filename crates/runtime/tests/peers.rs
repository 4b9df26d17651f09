//! Linked nodes through the runtime: a message for an intent a linked
//! node serves leaves as a request frame and its reply comes back to the
//! sender; a request from a node is decided by the policy as `node:NAME`,
//! routed here, and its reply leaves as a reply frame; a node that goes,
//! or a request whose deadline passes, leaves no sender waiting; what a
//! node advertises is what its own agents serve. The far ends here are
//! the API (which sends like an agent) and a second linked node (which
//! serves like one).

mod support;

use aios_abi::Error;
use aios_cluster::{Frame, RemoteIntent};
use aios_runtime::ApiReply;
use support::runtime;

const SECOND: u64 = 1_000_000_000;

fn echo() -> RemoteIntent {
    RemoteIntent {
        name: "demo.echo".into(),
        description: "Echoes the text back.".into(),
        input: "{ text: text }".into(),
        output: "{ text: text }".into(),
    }
}

/// `{ "text": text }` as CBOR.
fn text(text: &str) -> Vec<u8> {
    let mut body = vec![0xa1, 0x64, b't', b'e', b'x', b't', 0x60 + text.len() as u8];
    body.extend_from_slice(text.as_bytes());
    body
}

fn records(rt: &aios_runtime::Runtime) -> Vec<String> {
    rt.audit_tail(64)
        .into_iter()
        .map(|(_, kind, _, detail)| format!("{kind}: {detail}"))
        .collect()
}

#[test]
fn a_message_for_a_linked_node_s_intent_leaves_and_its_reply_comes_back() {
    let (rt, _) = runtime(&[], 1);
    let (proxy, skipped) = rt.peer_up("node-b", &[echo()]).unwrap();
    assert!(skipped.is_empty(), "{skipped:?}");
    // The API stands in for a local agent: routed to the proxy by name.
    let asked = rt.api_send("demo.echo", text("hi"), 5 * SECOND).unwrap();
    let frames = rt.peer_outgoing(proxy);
    let [
        Frame::Request {
            id,
            intent,
            body,
            deadline_ms,
            ..
        },
    ] = frames.as_slice()
    else {
        panic!("{frames:?}");
    };
    assert_eq!((*id, intent.as_str()), (asked, "demo.echo"));
    assert_eq!(*body, text("hi"));
    assert!((4_000..=5_000).contains(deadline_ms), "{deadline_ms}");
    assert_eq!(rt.api_reply(asked), Ok(None));
    rt.peer_reply(proxy, *id, text("hi")).unwrap();
    assert_eq!(
        rt.api_reply(asked),
        Ok(Some(ApiReply::Reply {
            from: proxy,
            intent: "demo.echo".into(),
            body: text("hi"),
        }))
    );
    // Once only: a second reply to the same request is refused.
    assert_eq!(
        rt.peer_reply(proxy, *id, text("again")),
        Err(Error::NotFound)
    );
    assert!(
        records(&rt)
            .iter()
            .any(|r| r == "cluster: node node-b linked: serves 1 intents here")
    );
}

#[test]
fn a_node_s_request_is_decided_routed_and_answered_by_frame() {
    let (rt, _) = runtime(&[], 1);
    let (from_a, _) = rt.peer_up("node-a", &[]).unwrap();
    // Node C serves demo.echo here, so node A's request has somewhere to go.
    let (to_c, _) = rt.peer_up("node-c", &[echo()]).unwrap();
    rt.peer_request(from_a, 77, "demo.echo", text("yo"), 3000, "agent 4 (ping)")
        .unwrap();
    let forwarded = rt.peer_outgoing(to_c);
    let [Frame::Request { id, .. }] = forwarded.as_slice() else {
        panic!("{forwarded:?}");
    };
    rt.peer_reply(to_c, *id, text("yo")).unwrap();
    assert_eq!(
        rt.peer_outgoing(from_a),
        [Frame::Reply {
            id: 77,
            body: text("yo")
        }]
    );
    // Off the schema, served by nobody: refused before anything is sent.
    assert_eq!(
        rt.peer_request(from_a, 78, "demo.echo", vec![0xf6], 3000, "agent 4"),
        Err(Error::SchemaMismatch)
    );
    assert_eq!(
        rt.peer_request(from_a, 79, "demo.nothing", text("x"), 3000, "agent 4"),
        Err(Error::NoSuchIntent)
    );
    // A deadline as far off as a frame can say is taken, not overflowed.
    rt.peer_request(from_a, 81, "demo.echo", text("far"), u64::MAX, "agent 4")
        .unwrap();
    assert_eq!(rt.peer_outgoing(to_c).len(), 1);
    // The policy decides what enters, with the node as the subject.
    rt.install_policy(
        "deny label \"node\" op \"cluster_receive\" resource \"demo.*\";\ndefault allow;",
    )
    .unwrap();
    assert_eq!(
        rt.peer_request(from_a, 80, "demo.echo", text("no"), 3000, "agent 4"),
        Err(Error::PolicyDenied)
    );
    let records = records(&rt);
    assert!(
        records
            .iter()
            .any(|r| r.starts_with("cluster: from node node-a (agent 4 (ping)): demo.echo")),
        "{records:?}"
    );
    assert!(
        records.iter().any(|r| r.starts_with("denial: ")
            && r.contains("node:node-a")
            && r.contains("cluster_receive")),
        "{records:?}"
    );
}

#[test]
fn no_sender_waits_on_a_node_that_went_or_a_request_past_its_deadline() {
    let (rt, platform) = runtime(&[], 1);
    let (proxy, _) = rt.peer_up("node-b", &[echo()]).unwrap();
    // Sent on, then the node goes: the sender is told.
    let first = rt.api_send("demo.echo", text("1"), 5 * SECOND).unwrap();
    assert_eq!(rt.peer_outgoing(proxy).len(), 1);
    // Still in the proxy's mailbox when the node goes: told too.
    let second = rt.api_send("demo.echo", text("2"), 5 * SECOND).unwrap();
    rt.peer_down(proxy, "no pong for 3 s");
    assert_eq!(rt.api_reply(first), Ok(Some(ApiReply::Undelivered)));
    assert_eq!(rt.api_reply(second), Ok(Some(ApiReply::Undelivered)));
    // Its intents are served by nobody until it is back.
    assert_eq!(
        rt.api_send("demo.echo", text("3"), 5 * SECOND),
        Err(Error::NoAgent)
    );
    assert!(
        records(&rt)
            .iter()
            .any(|r| r == "cluster: node node-b unlinked: no pong for 3 s")
    );
    // Back: routing resumes, under a new proxy.
    let (back, _) = rt.peer_up("node-b", &[echo()]).unwrap();
    let third = rt.api_send("demo.echo", text("3"), SECOND).unwrap();
    assert_eq!(rt.peer_outgoing(back).len(), 1);
    // Its deadline passes with no answer from the node: given up here.
    platform.advance(2 * SECOND);
    assert!(rt.peer_outgoing(back).is_empty());
    assert_eq!(rt.api_reply(third), Ok(Some(ApiReply::Undelivered)));
    // What the node says later about it changes nothing.
    assert_eq!(
        rt.peer_reply(back, third, text("late")),
        Err(Error::NotFound)
    );
}

#[test]
fn a_node_advertises_what_its_own_agents_serve_not_what_it_learnt() {
    let (rt, _) = runtime(&[], 1);
    assert!(rt.local_intents().is_empty());
    let (proxy, _) = rt.peer_up("node-b", &[echo()]).unwrap();
    assert!(rt.local_intents().is_empty());
    // A malformed or conflicting declaration is refused, the rest taken.
    let mut bad = echo();
    bad.name = "Demo Echo".into();
    let mut conflicting = echo();
    conflicting.output = "{ other: uint }".into();
    let (_, skipped) = rt.peer_up("node-c", &[bad, conflicting]).unwrap();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    // A node declaring more than its share: the rest is refused, said why.
    let many: Vec<RemoteIntent> = (0..300)
        .map(|i| RemoteIntent {
            name: format!("many.i{i}"),
            ..echo()
        })
        .collect();
    let (_, skipped) = rt.peer_up("node-d", &many).unwrap();
    assert_eq!(skipped.len(), 300 - aios_runtime::MAX_REMOTE_INTENTS);
    assert!(skipped[0].contains("more than 256 intents"), "{skipped:?}");
    rt.peer_down(proxy, "test");
}

/// The bytes as a WAT string's escapes.
fn escaped(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\{b:02x}")).collect()
}

#[test]
fn an_agent_s_message_for_a_linked_node_wakes_the_network_service_at_once() {
    use aios_abi::payload::{CapKind, rights};
    use aios_ipc::{Destination, Message};
    use std::sync::atomic::Ordering;
    let mut message = Message::new(0, Destination::Intent("demo.echo".into()), "demo.echo");
    message.body = text("hi");
    let bytes = message.encode();
    // Its only capability, the intent, is its first handle: slot 0 of
    // generation 1. It exits with what the send returned, if an error.
    let wat = format!(
        r#"(module
  (import "aios" "semantic_send" (func $send (param i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{}")
  (func (export "aios_main") (result i32) (local $r i64)
    (local.set $r (call $send (i32.const 65536) (i32.const 0) (i32.const {}) (i32.const 0)))
    (if (i64.lt_s (local.get $r) (i64.const 0)) (then (return (i32.wrap_i64 (local.get $r)))))
    (i32.const 0)))"#,
        escaped(&bytes),
        bytes.len()
    );
    let sender = support::TestAgent::new("sender", &wat).cap_on(
        CapKind::Intent,
        "demo.echo",
        rights::WRITE,
        None,
    );
    let (rt, platform) = runtime(&[sender], 1);
    let (proxy, _) = rt.peer_up("node-b", &[echo()]).unwrap();
    assert_eq!(platform.outbounds.load(Ordering::SeqCst), 0);
    rt.spawn("sender", None).unwrap();
    support::run(&rt, 0, 100);
    let frames = rt.peer_outgoing(proxy);
    assert!(
        matches!(frames.as_slice(), [Frame::Request { intent, .. }] if intent == "demo.echo"),
        "{frames:?}; {:?}",
        platform.logs()
    );
    assert_eq!(platform.outbounds.load(Ordering::SeqCst), 1);
}
