//! The memory-fabric syscalls: store then query by vector, versions,
//! read-only holders refused writes, and texts to embed needing the
//! model.

mod support;

use aios_abi::Error;
use aios_abi::payload::{AgentState, CapKind, MemoryQueryRequest, MemoryStoreRequest, rights};
use aios_runtime::Runtime;
use support::{TestAgent, run, runtime};

fn escaped(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\{b:02x}")).collect()
}

/// An agent that calls `memory_store` with `store` (twice if `twice`)
/// and then `memory_query` with `query`; exits with the first error, or
/// the query's reply length.
fn agent(name: &'static str, store: &[u8], twice: bool, query: &[u8]) -> TestAgent {
    let repeat = if twice {
        format!(
            "(local.set $v (call $store (i32.const 65536) (i32.const 0) (i32.const {})))",
            store.len()
        )
    } else {
        String::new()
    };
    let wat = format!(
        r#"(module
  (import "aios" "memory_store" (func $store (param i32 i32 i32) (result i64)))
  (import "aios" "memory_query" (func $query (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "{}")
  (data (i32.const 8192) "{}")
  (func (export "aios_main") (result i32) (local $v i64)
    (local.set $v (call $store (i32.const 65536) (i32.const 0) (i32.const {})))
    (if (i64.lt_s (local.get $v) (i64.const 0)) (then (return (i32.wrap_i64 (local.get $v)))))
    {repeat}
    (if (i64.ne (local.get $v) (i64.const {})) (then (return (i32.const -1000))))
    (call $query (i32.const 65536) (i32.const 8192) (i32.const {}) (i32.const 16384) (i32.const 32768))))"#,
        escaped(store),
        escaped(query),
        store.len(),
        if twice { 2 } else { 1 },
        query.len()
    );
    TestAgent::new(name, &wat)
}

fn unit(axis: usize) -> Vec<f32> {
    let mut v = vec![0.0; 384];
    v[axis] = 1.0;
    v
}

fn store_request(key: &str, axis: usize) -> Vec<u8> {
    aios_abi::encode(&MemoryStoreRequest {
        key: key.into(),
        value: b"remembered".to_vec(),
        embedding: Some(unit(axis)),
        ..MemoryStoreRequest::default()
    })
}

fn exit_code(rt: &Runtime, name: &str) -> i32 {
    let id = rt.spawn(name, None).unwrap();
    run(rt, 0, 50);
    let info = rt.info(id).unwrap();
    assert_eq!(info.state, AgentState::Exited, "{:?}", info.reason);
    info.exit_code.unwrap()
}

#[test]
fn an_entry_is_found_by_its_vector_and_versions_count_up() {
    let query = aios_abi::encode(&MemoryQueryRequest {
        vector: Some(unit(3)),
        k: 1,
        min_score_permille: 900,
        ..MemoryQueryRequest::default()
    });
    let writer = agent("writer", &store_request("a", 3), true, &query).cap_on(
        CapKind::MemoryRegion,
        "notes",
        rights::READ | rights::WRITE,
        None,
    );
    let (rt, _) = runtime(&[writer], 1);
    // Second store is version 2; the query returns one hit.
    assert!(exit_code(&rt, "writer") > 20);
}

#[test]
fn a_read_only_holder_cannot_write_and_texts_need_the_model() {
    let query = aios_abi::encode(&MemoryQueryRequest::default());
    let reader = agent("reader", &store_request("b", 1), false, &query).cap_on(
        CapKind::MemoryRegion,
        "notes",
        rights::READ,
        None,
    );
    let texter = agent(
        "texter",
        &aios_abi::encode(&MemoryStoreRequest {
            key: "t".into(),
            value: b"x".to_vec(),
            embed_text: Some("the launch code".into()),
            ..MemoryStoreRequest::default()
        }),
        false,
        &query,
    )
    .cap_on(
        CapKind::MemoryRegion,
        "notes",
        rights::READ | rights::WRITE,
        None,
    );
    let wrong_dim = agent(
        "wrongdim",
        &aios_abi::encode(&MemoryStoreRequest {
            key: "w".into(),
            embedding: Some(vec![1.0; 3]),
            ..MemoryStoreRequest::default()
        }),
        false,
        &query,
    )
    .cap_on(
        CapKind::MemoryRegion,
        "notes",
        rights::READ | rights::WRITE,
        None,
    );
    let (rt, _) = runtime(&[reader, texter, wrong_dim], 1);
    assert_eq!(exit_code(&rt, "reader"), Error::PermissionDenied.code());
    // No Model capability: the kernel will not embed for it.
    assert_eq!(exit_code(&rt, "texter"), Error::PermissionDenied.code());
    assert_eq!(exit_code(&rt, "wrongdim"), Error::InvalidArgument.code());
}
