//! The policy engine on syscalls: the bundle's policy is in force, a deny
//! is enforced after the capability check and audited, a broken boot
//! policy leaves the baseline, and the audit chain verifies.

mod support;

use std::sync::Arc;

use aios_abi::Error;
use aios_abi::payload::{AgentState, CapKind, rights};
use aios_runtime::Runtime;
use support::{FakePlatform, TestAgent, bundle_with_policy, module, run};

fn runtime_with(agents: &[TestAgent], policy: Option<&str>) -> Runtime {
    let platform = Arc::new(FakePlatform::default());
    let runtime = support::new_runtime(platform, 1);
    runtime
        .load_bundle(&bundle_with_policy(agents, policy))
        .expect("bundle loads");
    runtime
}

fn exit_code(rt: &Runtime, name: &str) -> i32 {
    let id = rt.spawn(name, None).unwrap();
    run(rt, 0, 50);
    let info = rt.info(id).unwrap();
    assert_eq!(info.state, AgentState::Exited, "{:?}", info.reason);
    info.exit_code.unwrap()
}

#[test]
fn a_deny_is_enforced_counted_and_audited() {
    let agents = [
        TestAgent::new("denied", &module("", "(call $null)")),
        TestAgent::new("other", &module("", "(call $null)")),
    ];
    let rt = runtime_with(
        &agents,
        Some("deny agent \"denied\" op \"null\";\ndefault allow;\n"),
    );
    assert_eq!(exit_code(&rt, "denied"), Error::PolicyDenied.code());
    assert_eq!(exit_code(&rt, "other"), 0);
    let denied = rt.list().into_iter().find(|a| a.name == "denied").unwrap();
    assert_eq!(denied.ipc.denials, 1);
    let tail = rt.audit_tail(64);
    assert!(
        tail.iter().any(|(_, kind, _, detail)| *kind == "denial"
            && detail.contains("denied null (policy line 1)")),
        "{tail:?}"
    );
    assert!(rt.audit_verifies());
}

#[test]
fn a_new_policy_applies_to_a_syscall_the_old_one_allowed_and_cached() {
    // `null` is allowed (and the allow cached) in the first slice; the
    // policy changes while the agent is between slices; the same syscall
    // is then denied.
    let body = "(drop (call $null)) (drop (call $null)) (drop (call $yield)) (call $null)";
    let rt = runtime_with(&[TestAgent::new("cached", &module("", body))], None);
    let id = rt.spawn("cached", None).unwrap();
    rt.run_once(0);
    assert!(!rt.info(id).unwrap().state.is_final());
    rt.install_policy("deny op \"null\";\ndefault allow;\n")
        .expect("the policy compiles");
    run(&rt, 0, 50);
    let info = rt.info(id).unwrap();
    assert_eq!(info.exit_code, Some(Error::PolicyDenied.code()), "{info:?}");
}

#[test]
fn the_capability_check_comes_first_and_its_denials_are_audited_too() {
    // A forged handle fails the capability check (StaleHandle) before the
    // policy, which would have denied the call, is consulted.
    let agents = [TestAgent::new(
        "w",
        &module(
            "",
            "(call $console_write (i32.const 77) (i32.const 0) (i32.const 0))",
        ),
    )];
    let rt = runtime_with(
        &agents,
        Some("deny agent * op \"console_write\";\ndefault allow;\n"),
    );
    assert_eq!(exit_code(&rt, "w"), Error::StaleHandle.code());
    let tail = rt.audit_tail(64);
    assert!(
        tail.iter()
            .any(|(_, kind, _, detail)| *kind == "denial" && detail.contains("stale")),
        "{tail:?}"
    );
}

#[test]
fn an_allowed_call_with_an_audit_rule_is_recorded() {
    let agents = [TestAgent::new("a", &module("", "(call $null)")).cap(
        CapKind::System,
        rights::INSPECT,
        None,
    )];
    let rt = runtime_with(
        &agents,
        Some("audit agent \"a\" op \"null\";\ndefault allow;\n"),
    );
    assert_eq!(exit_code(&rt, "a"), 0);
    let tail = rt.audit_tail(64);
    assert!(
        tail.iter().any(|(_, kind, _, _)| *kind == "policy-audit"),
        "{tail:?}"
    );
}

#[test]
fn a_broken_boot_policy_is_refused_and_the_baseline_stays() {
    let agents = [TestAgent::new("n", &module("", "(call $null)"))];
    let rt = runtime_with(&agents, Some("deny agent op;"));
    assert_eq!(rt.policy_text(), aios_runtime::BASELINE_POLICY);
    assert_eq!(exit_code(&rt, "n"), 0);
    let tail = rt.audit_tail(64);
    assert!(
        tail.iter()
            .any(|(_, kind, _, detail)| *kind == "policy-change" && detail.contains("refused")),
        "{tail:?}"
    );
}
