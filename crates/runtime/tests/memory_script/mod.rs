//! Scripted memory-fabric agents and shared disks for the persistence
//! tests: an agent runs a list of `memory_store` / `memory_query` calls
//! and checks each result (the exact reply bytes for queries).

use std::sync::{Arc, Mutex};

pub use crate::support::Shared;
use crate::support::{FakePlatform, TestAgent, run, runtime};
use aios_abi::Error;
use aios_abi::payload::{
    AgentState, CapKind, MemoryHit, MemoryHits, MemoryQueryRequest, MemoryStoreRequest, rights,
};
use aios_runtime::Runtime;
use aios_store::{BlockDevice, FormatOptions, Store};

pub fn formatted<D: BlockDevice + Send + 'static>(device: D) -> Shared<D> {
    let shared = Shared(Arc::new(Mutex::new(device)));
    let store = Store::format(shared.clone(), FormatOptions::default()).unwrap();
    store.unmount().unwrap();
    shared
}

/// One syscall of a scripted agent and what it must return.
pub enum Step {
    /// `memory_store` on the handle; the version or error code expected.
    Store(u32, MemoryStoreRequest, i64),
    /// `memory_query` on the handle; the exact reply expected.
    Finds(u32, MemoryQueryRequest, Vec<MemoryHit>),
    /// `memory_query` on the handle; the error expected.
    Fails(u32, MemoryQueryRequest, Error),
    /// Sleeps this many nanoseconds (the test acts meanwhile).
    Sleep(u64),
}

/// Handles of the first and second capability an agent is given.
pub const FIRST: u32 = 0x1_0000;
pub const SECOND: u32 = 0x1_0001;

/// An agent running `steps` in order; exits 0, or 100 + the failing step.
pub fn scripted(name: &'static str, steps: &[Step]) -> TestAgent {
    let escaped = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("\\{b:02x}")).collect() };
    let (mut data, mut body, mut at) = (String::new(), String::new(), 0usize);
    let mut place = |bytes: &[u8], data: &mut String| {
        data.push_str(&format!("(data (i32.const {at}) \"{}\")\n", escaped(bytes)));
        let placed = (at, bytes.len());
        at += bytes.len();
        placed
    };
    for (i, step) in steps.iter().enumerate() {
        let fail = format!("(then (return (i32.const {})))", 100 + i);
        body.push_str(&match step {
            Step::Store(handle, request, expected) => {
                let (off, len) = place(&aios_abi::encode(request), &mut data);
                format!(
                    "(if (i64.ne (call $store (i32.const {handle}) (i32.const {off}) \
                     (i32.const {len})) (i64.const {expected})) {fail})\n"
                )
            }
            Step::Finds(handle, request, hits) => {
                let (off, len) = place(&aios_abi::encode(request), &mut data);
                let reply = aios_abi::encode(&MemoryHits { hits: hits.clone() });
                let (want, n) = place(&reply, &mut data);
                format!(
                    "(if (i32.ne (call $query (i32.const {handle}) (i32.const {off}) \
                     (i32.const {len}) (i32.const 262144) (i32.const 65536)) (i32.const {n})) \
                     {fail})\n(if (i32.eqz (call $same (i32.const {want}) (i32.const {n}))) {fail})\n"
                )
            }
            Step::Fails(handle, request, error) => {
                let (off, len) = place(&aios_abi::encode(request), &mut data);
                format!(
                    "(if (i32.ne (call $query (i32.const {handle}) (i32.const {off}) \
                     (i32.const {len}) (i32.const 262144) (i32.const 65536)) (i32.const {})) \
                     {fail})\n",
                    error.code()
                )
            }
            Step::Sleep(ns) => format!("(drop (call $sleep (i64.const {ns})))\n"),
        });
    }
    let wat = format!(
        r#"(module
  (import "aios" "memory_store" (func $store (param i32 i32 i32) (result i64)))
  (import "aios" "memory_query" (func $query (param i32 i32 i32 i32 i32) (result i32)))
  (import "aios" "sleep" (func $sleep (param i64) (result i32)))
  (memory (export "memory") 8)
  {data}
  ;; Whether the reply at 262144 equals the n bytes at $want.
  (func $same (param $want i32) (param $n i32) (result i32) (local $i i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (if (i32.ne (i32.load8_u (i32.add (local.get $want) (local.get $i)))
                  (i32.load8_u (i32.add (i32.const 262144) (local.get $i))))
        (then (return (i32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (i32.const 1))
  (func (export "aios_main") (result i32)
    {body}
    (i32.const 0)))"#
    );
    TestAgent::new(name, &wat)
}

pub fn holds(agent: TestAgent, regions: &[&str]) -> TestAgent {
    regions.iter().fold(agent, |agent, region| {
        agent.cap_on(
            CapKind::MemoryRegion,
            region,
            rights::READ | rights::WRITE,
            None,
        )
    })
}

pub fn unit(axis: usize) -> Vec<f32> {
    let mut v = vec![0.0; 384];
    v[axis] = 1.0;
    v
}

pub fn put(key: &str, value: &str, persistent: bool) -> MemoryStoreRequest {
    MemoryStoreRequest {
        key: key.into(),
        value: value.as_bytes().to_vec(),
        tags: vec!["note".into()],
        embedding: Some(unit(5)),
        persistent,
        ..MemoryStoreRequest::default()
    }
}

pub fn key(key: &str, version: Option<u64>) -> MemoryQueryRequest {
    MemoryQueryRequest {
        key: Some(key.into()),
        version,
        ..MemoryQueryRequest::default()
    }
}

pub fn hit(key: &str, value: &str, version: u64) -> MemoryHit {
    MemoryHit {
        key: key.into(),
        value: value.as_bytes().to_vec(),
        tags: vec!["note".into()],
        version,
        score_permille: 1000,
    }
}

/// Runs `name` to its end on `rt` and returns its exit code.
pub fn exit_code(rt: &Runtime, name: &str) -> i32 {
    let id = rt.spawn(name, None).unwrap();
    run(rt, 0, 50);
    let info = rt.info(id).unwrap();
    assert_eq!(info.state, AgentState::Exited, "{:?}", info.reason);
    info.exit_code.unwrap()
}

pub fn booted<D: BlockDevice + Send + 'static>(
    agents: &[TestAgent],
    disk: &Shared<D>,
) -> (Runtime, Arc<FakePlatform>) {
    let (rt, platform) = runtime(agents, 1);
    rt.attach_store(Box::new(disk.clone())).unwrap();
    (rt, platform)
}
