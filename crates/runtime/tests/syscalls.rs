//! Syscalls validate everything an agent passes and check capabilities.

mod support;

use aios_abi::Error;
use aios_abi::payload::{AgentState, CapKind, rights};
use support::{TestAgent, module, run, runtime};

/// Runs a module whose entry returns one syscall's result; returns it.
fn result_of(agent: TestAgent) -> i32 {
    let name = agent.name;
    let (rt, _) = runtime(&[agent], 1);
    let id = rt.spawn(name, None).unwrap();
    run(&rt, 0, 20);
    let info = rt.info(id).unwrap();
    assert_eq!(info.state, AgentState::Exited, "{:?}", info.reason);
    info.exit_code.unwrap()
}

#[test]
fn null_returns_zero() {
    assert_eq!(
        result_of(TestAgent::new("n", &module("", "(call $null)"))),
        0
    );
}

#[test]
fn out_of_range_pointers_and_lengths_are_refused() {
    let cases = [
        (
            "(call $log (i32.const 3) (i32.const 65530) (i32.const 100))",
            Error::BadPointer,
        ),
        (
            "(call $log (i32.const 3) (i32.const -5) (i32.const 4))",
            Error::BadPointer,
        ),
        (
            "(call $log (i32.const 3) (i32.const 0) (i32.const -1))",
            Error::BadLength,
        ),
        (
            "(call $log (i32.const 3) (i32.const 0) (i32.const 100000))",
            Error::BadLength,
        ),
        (
            "(call $log (i32.const 9) (i32.const 0) (i32.const 1))",
            Error::InvalidArgument,
        ),
        (
            "(call $info (i32.const -1) (i32.const 65530) (i32.const 4096))",
            Error::BadPointer,
        ),
        (
            "(call $info (i32.const -1) (i32.const 0) (i32.const 2))",
            Error::BufferTooSmall,
        ),
        (
            "(call $spawn (i32.const 0) (i32.const 3))",
            Error::MalformedPayload,
        ),
        ("(call $sleep (i64.const -1))", Error::InvalidArgument),
    ];
    for (body, expected) in cases {
        let got = result_of(TestAgent::new("x", &module("\\ff\\00\\ff", body)));
        assert_eq!(got, expected.code(), "{body}");
    }
}

#[test]
fn forged_and_wrong_kind_handles_are_refused() {
    for handle in [0i64, 1, 0x1234_5678, 0x7fff_0001] {
        let body = format!("(call $kill (i32.const {handle}))");
        assert_eq!(
            result_of(TestAgent::new("k", &module("", &body))),
            Error::StaleHandle.code()
        );
    }
    // A console capability used as an agent handle is the wrong kind.
    let agent = TestAgent::new("w", &module("", "(call $kill (i32.const 65536))")).cap(
        CapKind::Console,
        rights::READ | rights::WRITE,
        None,
    );
    assert_eq!(result_of(agent), Error::WrongKind.code());
}

#[test]
fn console_needs_its_capability() {
    let without = TestAgent::new(
        "c",
        &module(
            "hey",
            "(call $console_write (i32.const 65536) (i32.const 0) (i32.const 3))",
        ),
    );
    assert_eq!(result_of(without), Error::StaleHandle.code());
    let read_only = TestAgent::new(
        "c",
        &module(
            "hey",
            "(call $console_write (i32.const 65536) (i32.const 0) (i32.const 3))",
        ),
    )
    .cap(CapKind::Console, rights::READ, None);
    assert_eq!(result_of(read_only), Error::PermissionDenied.code());
    let writer = TestAgent::new(
        "c",
        &module(
            "hey",
            "(call $console_write (i32.const 65536) (i32.const 0) (i32.const 3))",
        ),
    )
    .cap(CapKind::Console, rights::WRITE, None);
    let (rt, platform) = runtime(&[writer], 1);
    rt.spawn("c", None).unwrap();
    run(&rt, 0, 10);
    assert_eq!(platform.console_out.lock().unwrap().as_slice(), b"hey");
}

#[test]
fn console_read_parks_until_input_or_timeout() {
    let reader = TestAgent::new("r", &module("", "(call $console_read (i32.const 65536) (i32.const 16) (i32.const 8) (i64.const 1000000000))"))
        .cap(CapKind::Console, rights::READ, None);
    let (rt, platform) = runtime(&[reader], 1);
    let id = rt.spawn("r", None).unwrap();
    rt.run_once(0);
    assert_eq!(rt.info(id).unwrap().state, AgentState::Blocked);
    platform.console_in.lock().unwrap().extend(b"ab");
    platform.advance(20_000_000);
    run(&rt, 0, 10);
    assert_eq!(rt.info(id).unwrap().exit_code, Some(2));

    let timeout = TestAgent::new("t", &module("", "(call $console_read (i32.const 65536) (i32.const 16) (i32.const 8) (i64.const 5000000))"))
        .cap(CapKind::Console, rights::READ, None);
    let (rt, platform) = runtime(&[timeout], 1);
    let id = rt.spawn("t", None).unwrap();
    rt.run_once(0);
    platform.advance(20_000_000);
    run(&rt, 0, 10);
    assert_eq!(rt.info(id).unwrap().exit_code, Some(Error::TimedOut.code()));
}

#[test]
fn memory_grows_only_within_quota() {
    // 16-page quota, 1 page initially: 15 more pages fit, the 16th does not.
    let body = "(drop (call $mem_alloc (i32.const 15))) (call $mem_alloc (i32.const 1))";
    assert_eq!(
        result_of(TestAgent::new("m", &module("", body))),
        Error::QuotaExceeded.code()
    );
    let grow = "(drop (call $mem_alloc (i32.const 15))) (memory.grow (i32.const 1))";
    assert_eq!(result_of(TestAgent::new("g", &module("", grow))), -1);
}

/// Spawns `hello` with the budget (the first capability in the table:
/// index 0, generation 1, raw 65536); returns the child handle.
const SPAWN_HELLO: &str = "(call $spawn (i32.const 0) (i32.const 18))";
/// CBOR {0: "hello", 1: 65536}.
const SPAWN_REQUEST: &str = "\\a2\\00\\65hello\\01\\1a\\00\\01\\00\\00";

#[test]
fn spawn_charges_the_budget_and_returns_a_killable_handle() {
    let hello = TestAgent::new("hello", &module("", "(loop $l (br $l)) (i32.const 0)"));
    let body = format!(
        "(local $h i32) (local.set $h {SPAWN_HELLO}) (drop (call $kill (local.get $h))) (local.get $h)"
    );
    let parent = TestAgent::new("parent", &module(SPAWN_REQUEST, &body)).cap(
        CapKind::SpawnBudget,
        rights::SPAWN,
        Some(1),
    );
    let (rt, _) = runtime(&[hello, parent], 1);
    let p = rt.spawn("parent", None).unwrap();
    run(&rt, 0, 50);
    let handle = rt.info(p).unwrap().exit_code.unwrap();
    assert!(handle >= 0, "spawn failed: {handle}");
    let child = rt.list().into_iter().find(|a| a.name == "hello").unwrap();
    assert_eq!(child.parent, Some(p));
    assert_eq!(child.state, AgentState::Killed);
}

#[test]
fn an_exhausted_budget_refuses_the_next_spawn() {
    let hello = TestAgent::new("hello", &module("", "(i32.const 0)"));
    let body = format!("(drop {SPAWN_HELLO}) {SPAWN_HELLO}");
    let parent = TestAgent::new("parent", &module(SPAWN_REQUEST, &body)).cap(
        CapKind::SpawnBudget,
        rights::SPAWN,
        Some(1),
    );
    assert_eq!(
        result_of_with(&[hello], parent),
        Error::QuotaExceeded.code()
    );
}

fn result_of_with(others: &[TestAgent], agent: TestAgent) -> i32 {
    let name = agent.name;
    let mut all: Vec<TestAgent> = others.to_vec();
    all.push(agent);
    let (rt, _) = runtime(&all, 1);
    let id = rt.spawn(name, None).unwrap();
    run(&rt, 0, 50);
    rt.info(id).unwrap().exit_code.unwrap()
}

#[test]
fn a_revoked_handle_is_refused() {
    // Derive nothing; revoke our own console capability, then use it.
    let body = "(drop (call $cap_revoke (i32.const 65536))) (call $console_write (i32.const 65536) (i32.const 0) (i32.const 1))";
    let agent = TestAgent::new("r", &module("x", body)).cap(CapKind::Console, rights::WRITE, None);
    assert_eq!(result_of(agent), Error::StaleHandle.code());
}

#[test]
fn spawning_and_killing_many_agents_leaks_nothing() {
    let spinner = TestAgent::new("spin", &module("", "(loop $l (br $l)) (i32.const 0)"));
    let (rt, _) = runtime(&[spinner], 2);
    let caps_before = rt.capability_count();
    for round in 0..1000 {
        let id = rt.spawn("spin", None).unwrap();
        if round % 2 == 0 {
            rt.run_once(round % 2);
        }
        assert!(rt.kill(id));
        run(&rt, 0, 3);
    }
    assert_eq!(rt.live_count(), 0);
    assert_eq!(rt.capability_count(), caps_before);
    assert!(rt.list().len() <= 64, "finished records are bounded");
}

#[test]
fn system_capability_lists_images_and_hands_out_attenuated_agent_handles() {
    let list = TestAgent::new(
        "lister",
        &module(
            "",
            "(call $image_list (i32.const 65536) (i32.const 0) (i32.const 4096))",
        )
        .replace(IMPORT_ANCHOR, EXTRA_IMPORTS),
    )
    .cap(CapKind::System, rights::INSPECT, None);
    assert!(result_of(list) > 0, "image_list wrote nothing");

    // With only INSPECT on the system, the derived agent handle cannot kill.
    let body = "(call $kill (call $agent_handle (i32.const 65536) (i64.const 1)))";
    let inspector = TestAgent::new(
        "inspector",
        &module("", body).replace(IMPORT_ANCHOR, EXTRA_IMPORTS),
    )
    .cap(CapKind::System, rights::INSPECT, None);
    assert_eq!(result_of(inspector), Error::PermissionDenied.code());

    // Without a system capability there is no handle at all.
    let body = "(call $agent_handle (i32.const 65536) (i64.const 1))";
    let nobody = TestAgent::new(
        "nobody",
        &module("", body).replace(IMPORT_ANCHOR, EXTRA_IMPORTS),
    );
    assert_eq!(result_of(nobody), Error::StaleHandle.code());
}

const IMPORT_ANCHOR: &str = "(memory (export \"memory\") 1)";
const EXTRA_IMPORTS: &str = r#"(import "aios" "image_list" (func $image_list (param i32 i32 i32) (result i32)))
  (import "aios" "agent_handle" (func $agent_handle (param i32 i64) (result i32)))
  (memory (export "memory") 1)"#;
