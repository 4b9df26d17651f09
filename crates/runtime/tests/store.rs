//! The store syscalls: a namespace capability that covers the request,
//! durable puts read back (also by a later runtime on the same disk),
//! quotas, kernel-only namespaces, and the audit chain continued from the
//! disk.

mod support;

use aios_abi::Error;
use aios_abi::payload::{AgentState, CapKind, StoreGet, StoreKey, StorePut, rights};
use aios_runtime::Runtime;
use aios_store::Store;
use support::{TestAgent, disk, run, runtime};

/// `bytes` as a WAT string literal body.
fn escaped(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\{b:02x}")).collect()
}

/// An agent that sends `first` to `store_put` (or, if `put` is false, to
/// `store_delete`) and then `second` to `store_get`, exiting with the
/// first error or the length `store_get` wrote.
fn agent(name: &'static str, first: &[u8], put: bool, second: &[u8]) -> TestAgent {
    let call = if put { "$store_put" } else { "$store_delete" };
    let wat = format!(
        r#"(module
  (import "aios" "store_put" (func $store_put (param i32 i32 i32) (result i32)))
  (import "aios" "store_delete" (func $store_delete (param i32 i32 i32) (result i32)))
  (import "aios" "store_get" (func $store_get (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{}")
  (data (i32.const 8192) "{}")
  (func (export "aios_main") (result i32) (local $r i32)
    (local.set $r (call {call} (i32.const 65536) (i32.const 0) (i32.const {})))
    (if (i32.lt_s (local.get $r) (i32.const 0)) (then (return (local.get $r))))
    (call $store_get (i32.const 65536) (i32.const 8192) (i32.const {}) (i32.const 16384) (i32.const 32768))))"#,
        escaped(first),
        escaped(second),
        first.len(),
        second.len()
    );
    let mut agent = TestAgent::new(name, &wat);
    agent.storage_bytes = 1 << 20;
    agent
}

fn put(ns: &str, key: &str, data: &[u8]) -> Vec<u8> {
    aios_abi::encode(&StorePut {
        ns: ns.into(),
        key: key.into(),
        data: data.to_vec(),
        last: true,
        content_type: "text/plain".into(),
        ..StorePut::default()
    })
}

fn get(ns: &str, key: &str) -> Vec<u8> {
    aios_abi::encode(&StoreGet {
        ns: ns.into(),
        key: key.into(),
        ..StoreGet::default()
    })
}

/// Spawns `name` on `rt` and returns its exit code.
fn exit_code(rt: &Runtime, name: &str) -> i32 {
    let id = rt.spawn(name, None).unwrap();
    run(rt, 0, 50);
    let info = rt.info(id).unwrap();
    assert_eq!(info.state, AgentState::Exited, "{:?}", info.reason);
    info.exit_code.unwrap()
}

fn writer() -> TestAgent {
    agent(
        "writer",
        &put("notes", "todo", b"buy milk"),
        true,
        &get("notes", "todo"),
    )
    .cap_on(
        CapKind::StoreNamespace,
        "notes",
        rights::READ | rights::WRITE,
        None,
    )
}

#[test]
fn without_a_disk_the_store_is_unavailable() {
    let (rt, _) = runtime(&[writer()], 1);
    assert_eq!(exit_code(&rt, "writer"), Error::Unavailable.code());
}

#[test]
fn a_put_is_read_back_now_and_by_the_next_boot() {
    let disk = disk();
    let (rt, _) = runtime(&[writer()], 1);
    let status = rt.attach_store(Box::new(disk.clone())).unwrap();
    assert_eq!(status.audit, "audit chain stored from this boot on");
    let len = exit_code(&rt, "writer");
    assert!(len > 8, "store_get wrote {len} bytes");
    rt.sync_store().unwrap();
    let records_first_boot = rt.audit_tail(1)[0].0;

    // The next boot: a reader with a read-only handle finds the object,
    // and the audit numbering goes on from the first boot's.
    let reader = agent(
        "reader",
        &get("notes", "todo"),
        false,
        &get("notes", "todo"),
    )
    .cap_on(CapKind::StoreNamespace, "notes", rights::READ, None);
    let (rt2, _) = runtime(&[reader], 1);
    let status = rt2.attach_store(Box::new(disk.clone())).unwrap();
    assert!(
        status
            .audit
            .starts_with("audit chain continued from stored record"),
        "{}",
        status.audit
    );
    assert!(rt2.audit_tail(100)[0].0 > records_first_boot);
    assert!(rt2.audit_verifies());
    // Its first call (a delete) lacks WRITE.
    assert_eq!(exit_code(&rt2, "reader"), Error::PermissionDenied.code());
    let mut store = Store::mount(disk).unwrap().0;
    assert_eq!(store.get("notes", "todo", None).unwrap().value, b"buy milk");
}

#[test]
fn handles_must_cover_the_namespace_and_kernel_namespaces_are_closed() {
    let other = agent(
        "other",
        &put("secrets", "k", b"v"),
        true,
        &get("secrets", "k"),
    )
    .cap_on(
        CapKind::StoreNamespace,
        "notes",
        rights::READ | rights::WRITE,
        None,
    );
    let audit = agent(
        "auditor",
        &put("aios.audit", "head", b"v"),
        true,
        &get("x", "k"),
    )
    .cap_on(
        CapKind::StoreNamespace,
        "*",
        rights::READ | rights::WRITE,
        None,
    );
    let (rt, _) = runtime(&[other, audit], 1);
    rt.attach_store(Box::new(disk())).unwrap();
    assert_eq!(exit_code(&rt, "other"), Error::PermissionDenied.code());
    assert_eq!(exit_code(&rt, "auditor"), Error::PermissionDenied.code());
    let denials = rt
        .audit_tail(20)
        .into_iter()
        .filter(|(_, kind, _, detail)| *kind == "denial" && detail.contains("does not cover"))
        .count();
    assert_eq!(denials, 1, "the uncovered namespace is audited");
}

#[test]
fn the_namespace_quota_refuses_a_put_and_keeps_what_was_there() {
    let big = vec![7u8; 3000];
    let small = agent("small", &put("q", "a", b"first"), true, &get("q", "a")).cap_on(
        CapKind::StoreNamespace,
        "q",
        rights::READ | rights::WRITE,
        Some(2048),
    );
    let large = agent("large", &put("q", "a", &big), true, &get("q", "a")).cap_on(
        CapKind::StoreNamespace,
        "q",
        rights::READ | rights::WRITE,
        Some(2048),
    );
    let deleter = agent(
        "deleter",
        &aios_abi::encode(&StoreKey {
            ns: "q".into(),
            key: "a".into(),
        }),
        false,
        &get("q", "a"),
    )
    .cap_on(
        CapKind::StoreNamespace,
        "q",
        rights::READ | rights::WRITE,
        None,
    );
    let (rt, _) = runtime(&[small, large, deleter], 1);
    rt.attach_store(Box::new(disk())).unwrap();
    assert!(exit_code(&rt, "small") > 0);
    assert_eq!(exit_code(&rt, "large"), Error::NoSpace.code());
    // The deletion works and the object is then gone.
    assert_eq!(exit_code(&rt, "deleter"), Error::NotFound.code());
}

#[test]
fn malformed_requests_are_refused_without_harm() {
    let junk = agent("junk", &[0xff, 0x00, 0x13], true, &get("notes", "k")).cap_on(
        CapKind::StoreNamespace,
        "notes",
        rights::READ | rights::WRITE,
        None,
    );
    let bad_key = agent("badkey", &put("notes", "", b"v"), true, &get("notes", "k")).cap_on(
        CapKind::StoreNamespace,
        "notes",
        rights::READ | rights::WRITE,
        None,
    );
    let (rt, _) = runtime(&[junk, bad_key], 1);
    rt.attach_store(Box::new(disk())).unwrap();
    assert_eq!(exit_code(&rt, "junk"), Error::MalformedPayload.code());
    assert_eq!(exit_code(&rt, "badkey"), Error::InvalidArgument.code());
}
