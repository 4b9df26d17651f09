//! Agents start, log, exit, trap, get preempted and killed.

mod support;

use aios_abi::payload::AgentState;
use support::{TestAgent, module, run, runtime};

#[test]
fn an_agent_logs_and_exits_with_its_code() {
    let hello = TestAgent::new(
        "hello",
        &module(
            "hi there",
            "(drop (call $log (i32.const 3) (i32.const 0) (i32.const 8))) (i32.const 7)",
        ),
    );
    let (rt, platform) = runtime(&[hello], 1);
    let id = rt.spawn("hello", None).unwrap();
    run(&rt, 0, 10);
    let info = rt.info(id).unwrap();
    assert_eq!(info.state, AgentState::Exited);
    assert_eq!(info.exit_code, Some(7));
    assert!(platform.logs().contains(&format!("{id} hello: hi there")));
}

#[test]
fn agent_exit_ends_the_agent_immediately() {
    let a = TestAgent::new(
        "quitter",
        &module("", "(drop (call $exit (i32.const 3))) (unreachable)"),
    );
    let (rt, _) = runtime(&[a], 1);
    let id = rt.spawn("quitter", None).unwrap();
    run(&rt, 0, 10);
    assert_eq!(rt.info(id).unwrap().exit_code, Some(3));
    assert_eq!(rt.info(id).unwrap().state, AgentState::Exited);
}

#[test]
fn a_trap_is_reported_and_the_runtime_carries_on() {
    let bad = TestAgent::new("bad", &module("", "(unreachable)"));
    let good = TestAgent::new("good", &module("", "(i32.const 0)"));
    let (rt, _) = runtime(&[bad, good], 1);
    let b = rt.spawn("bad", None).unwrap();
    let g = rt.spawn("good", None).unwrap();
    run(&rt, 0, 10);
    let info = rt.info(b).unwrap();
    assert_eq!(info.state, AgentState::Trapped);
    let reason = info.reason.unwrap();
    // One line (the console prints it in a table): the trap and where.
    assert!(reason.contains("unreachable"), "{reason}");
    assert!(
        reason.contains(" in ") && reason.contains(" at 0x"),
        "{reason}"
    );
    assert!(!reason.contains('\n'), "{reason}");
    assert_eq!(rt.info(g).unwrap().state, AgentState::Exited);
}

#[test]
fn a_spinner_is_preempted_and_others_still_run() {
    let spinner = TestAgent::new("spinner", &module("", "(loop $l (br $l)) (i32.const 0)"));
    let quick = TestAgent::new("quick", &module("", "(i32.const 0)"));
    let (rt, _) = runtime(&[spinner, quick], 1);
    // Only the timer takes the CPU from a spinner.
    support::ticker(&rt);
    let s = rt.spawn("spinner", None).unwrap();
    // Let the spinner burn several slices first.
    for _ in 0..5 {
        rt.run_once(0);
    }
    let q = rt.spawn("quick", None).unwrap();
    for _ in 0..5 {
        rt.run_once(0);
    }
    assert_eq!(rt.info(q).unwrap().state, AgentState::Exited);
    let spin = rt.info(s).unwrap();
    assert!(!spin.state.is_final());
    // Each slice is charged the time it took on the platform clock (the
    // fake one moves 1 µs per look): at least 1 µs for each of the
    // spinner's slices, at least five of them.
    assert!(spin.fuel_used >= 5 * 1_000, "charged {} ns", spin.fuel_used);
    assert!(rt.kill(s));
    run(&rt, 0, 10);
    assert_eq!(rt.info(s).unwrap().state, AgentState::Killed);
    assert_eq!(rt.live_count(), 0);
}

#[test]
fn a_sleeping_agent_uses_no_cpu_until_woken() {
    let sleeper = TestAgent::new(
        "sleeper",
        &module(
            "",
            "(drop (call $sleep (i64.const 50000000))) (i32.const 0)",
        ),
    );
    let (rt, platform) = runtime(&[sleeper], 1);
    let id = rt.spawn("sleeper", None).unwrap();
    rt.run_once(0);
    assert_eq!(rt.info(id).unwrap().state, AgentState::Blocked);
    // Nothing to run while it sleeps.
    assert!(matches!(
        rt.run_once(0),
        aios_runtime::RunOutcome::Idle(Some(_))
    ));
    platform.advance(60_000_000);
    run(&rt, 0, 10);
    assert_eq!(rt.info(id).unwrap().state, AgentState::Exited);
}

#[test]
fn unknown_and_malformed_images_are_refused_and_others_load() {
    let ok = TestAgent::new("ok", &module("", "(i32.const 0)"));
    let (rt, _) = runtime(&[ok], 1);
    assert!(matches!(
        rt.spawn("nope", None),
        Err(aios_runtime::SpawnError::UnknownImage(_))
    ));
    // A module importing a syscall that does not exist cannot start.
    let bad_import = TestAgent::new(
        "fork",
        r#"(module (import "aios" "fork" (func (result i32)))
        (func (export "aios_main") (result i32) (i32.const 0)))"#,
    );
    let no_entry = TestAgent::new("noentry", "(module)");
    let (rt2, _) = runtime(&[bad_import, no_entry], 1);
    assert!(matches!(
        rt2.spawn("fork", None),
        Err(aios_runtime::SpawnError::Instantiate { .. })
    ));
    assert!(matches!(
        rt2.spawn("noentry", None),
        Err(aios_runtime::SpawnError::Instantiate { .. })
    ));
    assert_eq!(rt.spawn("ok", None).map(|_| ()), Ok(()));
}

#[test]
fn a_tampered_image_is_refused_at_load_with_a_reason() {
    let mut bundle = support::bundle(&[TestAgent::new("ok", &module("", "(i32.const 0)"))]);
    // Flip a byte inside the image (after the bundle header and names).
    let at = bundle.len() / 3;
    bundle[at] ^= 0x40;
    let platform = std::sync::Arc::new(support::FakePlatform::default());
    let rt = support::new_runtime(platform.clone(), 1);
    match rt.load_bundle(&bundle) {
        Ok(0) => {
            let images = rt.image_infos();
            assert!(images[0].refused.is_some(), "no refusal reason");
            assert!(platform.logs().iter().any(|l| l.contains("refused")));
        }
        Ok(n) => panic!("{n} tampered images loaded"),
        Err(_) => {} // the flip hit the bundle structure itself: also refused
    }
}

#[test]
fn a_yield_ends_the_slice_and_is_not_charged_as_a_full_slice() {
    let body = "(local $i i32) (local.set $i (i32.const 10)) (loop $l (drop (call $yield)) (local.set $i (i32.sub (local.get $i) (i32.const 1))) (br_if $l (local.get $i))) (i32.const 0)";
    let (rt, _) = runtime(&[TestAgent::new("y", &module("", body))], 1);
    let a = rt.spawn("y", None).unwrap();
    let b = rt.spawn("y", None).unwrap();
    // A yield suspends the agent inside the syscall: ten slices end in a
    // yield and an eleventh returns from `main`, for each agent.
    let slices = run(&rt, 0, 100);
    assert_eq!(slices, 22, "slices");
    for id in [a, b] {
        let info = rt.info(id).unwrap();
        assert_eq!(info.state, AgentState::Exited);
        // Charged the clock time of its 11 short slices (1 µs each on the
        // fake clock), far below one nominal slice.
        assert!(
            info.fuel_used <= 11 * 1_000,
            "charged {} ns for 10 yields",
            info.fuel_used
        );
    }
}

#[test]
fn every_abi_syscall_is_defined_for_agents() {
    let imports: String = aios_abi::SYSCALLS
        .iter()
        .map(|s| {
            let ty = |t: &aios_abi::ValType| match t {
                aios_abi::ValType::I32 => "i32",
                aios_abi::ValType::I64 => "i64",
            };
            let params: Vec<&str> = s.params.iter().map(ty).collect();
            format!(
                "(import \"aios\" \"{}\" (func (param {}) (result {})))\n",
                s.name,
                params.join(" "),
                ty(&s.result)
            )
        })
        .collect();
    let wat = format!(
        "(module {imports} (memory (export \"memory\") 1) (func (export \"aios_main\") (result i32) (i32.const 0)))"
    );
    let (rt, _) = runtime(&[TestAgent::new("all", &wat)], 1);
    let id = rt.spawn("all", None).expect("every syscall links");
    run(&rt, 0, 5);
    assert_eq!(rt.info(id).unwrap().exit_code, Some(0));
}
