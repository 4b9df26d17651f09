//! Evaluation: first match wins, each clause and condition, the default.

mod support;

use aios_policy::{Decision, Effect, Policy, RateState};
use support::request;

fn compile(text: &str) -> Policy {
    match Policy::compile(text) {
        Ok(policy) => policy,
        Err(error) => panic!("{text:?} failed: {error}"),
    }
}

const EXAMPLE: &str = r#"# comments
deny  agent "untrusted-*" op "agent_spawn";
allow agent "console" op "*";
audit agent * op "semantic_send" resource "store.*" when size <= 65536;
allow agent "ping" op "semantic_send" resource "demo.*" when rate <= 100/s;
require approval from "admin" for agent * op "system_poweroff";
default deny;
"#;

#[test]
fn first_match_wins() {
    let policy = compile(EXAMPLE);
    let mut state = RateState::new();
    let decide = |name, op, resource, state: &mut RateState| {
        policy.evaluate(&request(name, op, resource), state)
    };
    let spawn = decide("untrusted-x", "agent_spawn", None, &mut state);
    assert_eq!(
        spawn,
        Decision {
            effect: Effect::Deny,
            rule: Some(0),
            line: 2
        }
    );
    // The console's blanket allow comes before the approval rule.
    let console_off = decide("console", "system_poweroff", None, &mut state);
    assert_eq!(
        (console_off.effect, console_off.rule),
        (Effect::Allow, Some(1))
    );
    let other_off = decide("shell", "system_poweroff", None, &mut state);
    assert_eq!(other_off.effect, Effect::RequireApproval("admin".into()));
    assert_eq!((other_off.rule, other_off.line), (Some(4), 6));
    let store = decide("ping", "semantic_send", Some("store.put"), &mut state);
    assert_eq!((store.effect, store.rule), (Effect::Audit, Some(2)));
    let demo = decide("ping", "semantic_send", Some("demo.echo"), &mut state);
    assert_eq!((demo.effect, demo.rule), (Effect::Allow, Some(3)));
    let fallback = decide("ping", "agent_kill", None, &mut state);
    assert_eq!(
        fallback,
        Decision {
            effect: Effect::Deny,
            rule: None,
            line: 7
        }
    );
}

#[test]
fn an_earlier_glob_rule_beats_a_later_exact_one() {
    let policy = compile(r#"deny op "agent_*"; allow op "agent_spawn"; default allow;"#);
    let decision = policy.evaluate(&request("a", "agent_spawn", None), &mut RateState::new());
    assert_eq!((decision.effect, decision.rule), (Effect::Deny, Some(0)));
    let other = policy.evaluate(&request("a", "agent_kill", None), &mut RateState::new());
    assert_eq!((other.effect, other.rule), (Effect::Deny, Some(0)));
    let unrelated = policy.evaluate(&request("a", "null", None), &mut RateState::new());
    assert_eq!((unrelated.effect, unrelated.rule), (Effect::Allow, None));
}

#[test]
fn the_implicit_default_denies_with_line_zero() {
    let policy = compile(r#"allow op "null";"#);
    let decision = policy.evaluate(&request("a", "log", None), &mut RateState::new());
    assert_eq!(
        decision,
        Decision {
            effect: Effect::Deny,
            rule: None,
            line: 0
        }
    );
    assert!(!decision.effect.permits());
    let empty = Policy::default_deny().evaluate(&request("a", "null", None), &mut RateState::new());
    assert_eq!(empty.effect, Effect::Deny);
}

#[test]
fn a_resource_clause_needs_a_resource() {
    let policy = compile(r#"allow op "semantic_send" resource "*"; default audit;"#);
    let with = policy.evaluate(
        &request("a", "semantic_send", Some("x")),
        &mut RateState::new(),
    );
    assert_eq!(with.effect, Effect::Allow);
    let without = policy.evaluate(&request("a", "semantic_send", None), &mut RateState::new());
    assert_eq!(without.effect, Effect::Audit);
}

#[test]
fn publisher_prefix_and_labels() {
    let policy = compile(
        r#"allow publisher "ab1" label "net-*" label "trusted" op "net_send"; default deny;"#,
    );
    let mut ok = request("a", "net_send", None);
    ok.subject.publisher[0] = 0xab;
    ok.subject.publisher[1] = 0x1f;
    ok.subject.labels = &["trusted", "net-out"];
    assert_eq!(
        policy.evaluate(&ok, &mut RateState::new()).effect,
        Effect::Allow
    );
    let mut wrong_nibble = ok;
    wrong_nibble.subject.publisher[1] = 0x2f;
    assert_eq!(
        policy.evaluate(&wrong_nibble, &mut RateState::new()).effect,
        Effect::Deny
    );
    let mut one_label = ok;
    one_label.subject.labels = &["net-out"];
    assert_eq!(
        policy.evaluate(&one_label, &mut RateState::new()).effect,
        Effect::Deny
    );
}

#[test]
fn size_condition_is_inclusive() {
    let policy = compile(r#"allow op "store_put" when size <= 1 KiB; default deny;"#);
    let mut at = request("a", "store_put", None);
    at.size = 1024;
    assert_eq!(
        policy.evaluate(&at, &mut RateState::new()).effect,
        Effect::Allow
    );
    at.size = 1025;
    assert_eq!(
        policy.evaluate(&at, &mut RateState::new()).effect,
        Effect::Deny
    );
}

#[test]
fn schema_condition_needs_an_equal_schema() {
    let policy = compile(r#"allow op "semantic_send" when schema == "echo.v1"; default deny;"#);
    let mut message = request("a", "semantic_send", None);
    assert_eq!(
        policy.evaluate(&message, &mut RateState::new()).effect,
        Effect::Deny
    );
    message.schema = Some("echo.v1");
    assert_eq!(
        policy.evaluate(&message, &mut RateState::new()).effect,
        Effect::Allow
    );
    message.schema = Some("echo.v10");
    assert_eq!(
        policy.evaluate(&message, &mut RateState::new()).effect,
        Effect::Deny
    );
}

#[test]
fn hour_windows_plain_and_wrapping() {
    let policy = compile(
        r#"allow op "null" when hour in 9..17; audit op "null" when hour in 22..6; default deny;"#,
    );
    let effect_at = |hour| {
        let mut at = request("a", "null", None);
        at.hour_utc = hour;
        policy.evaluate(&at, &mut RateState::new()).effect
    };
    assert_eq!(effect_at(8), Effect::Deny);
    assert_eq!(effect_at(9), Effect::Allow);
    assert_eq!(effect_at(16), Effect::Allow);
    assert_eq!(effect_at(17), Effect::Deny);
    assert_eq!(effect_at(22), Effect::Audit);
    assert_eq!(effect_at(0), Effect::Audit);
    assert_eq!(effect_at(5), Effect::Audit);
    assert_eq!(effect_at(6), Effect::Deny);
    assert_eq!(
        effect_at(24),
        Effect::Deny,
        "an impossible hour is in no window"
    );
}

#[test]
fn only_candidate_rules_are_visited() {
    // 100 rules over 20 operations, and two globs: evaluation of one
    // operation visits its own five rules and the globs, not all 100.
    let ops: Vec<&str> = aios_policy::known_operations().take(20).collect();
    let mut text = String::new();
    for i in 0..100 {
        text += &format!("allow agent \"agent-{i}\" op \"{}\";\n", ops[i % 20]);
    }
    text += "audit agent \"x\" op \"agent_*\";\ndeny agent \"y\" op *;\n";
    let policy = compile(&text);
    assert_eq!(policy.candidate_count("null"), 5 + 1);
    assert_eq!(policy.candidate_count("agent_spawn"), 5 + 2);
    assert_eq!(policy.candidate_count("semantic_recv"), 2);
    let decision = policy.evaluate(&request("agent-45", ops[5], None), &mut RateState::new());
    assert_eq!(decision.rule, Some(45));
}

#[test]
fn a_policy_says_whether_it_reads_the_clock_or_the_hour() {
    let plain = Policy::compile("allow agent * op \"null\";\ndefault deny;\n").unwrap();
    assert!(!plain.uses_clock() && !plain.uses_hour());
    let rated = Policy::compile("allow agent * op \"null\" when rate <= 5/s;\n").unwrap();
    assert!(rated.uses_clock() && !rated.uses_hour());
    let timed = Policy::compile("allow agent * op \"null\" when hour in 9..17;\n").unwrap();
    assert!(!timed.uses_clock() && timed.uses_hour() && !timed.uses_labels());
    let labelled = Policy::compile("deny label \"untrusted\" op *;\n").unwrap();
    assert!(labelled.uses_labels());
}

#[test]
fn a_decision_is_reusable_only_if_no_rule_it_read_looks_past_subject_and_resource() {
    let policy = compile(
        r#"allow agent "fast" op "null";
           deny op "semantic_send" resource "secret.*";
           allow op "semantic_send" when size <= 1024;
           audit op "log";
           default allow;"#,
    );
    let mut state = RateState::new();
    let reuse = |name, op, resource, state: &mut RateState| {
        policy.evaluate_reusable(&request(name, op, resource), state)
    };
    let (null, reusable) = reuse("fast", "null", None, &mut state);
    assert!(null.effect.permits() && reusable);
    // Decided by a resource rule before any size rule was read.
    let (secret, reusable) = reuse("a", "semantic_send", Some("secret.x"), &mut state);
    assert_eq!((secret.effect, reusable), (Effect::Deny, true));
    // The size rule decided: another size could decide otherwise.
    let (small, reusable) = reuse("a", "semantic_send", Some("demo.echo"), &mut state);
    assert_eq!((small.effect, reusable), (Effect::Allow, false));
    // Neither rule for this operation applies: the default, reusably.
    let (other, reusable) = reuse("a", "clock", None, &mut state);
    assert_eq!((other.effect, reusable), (Effect::Allow, true));
    let (log, reusable) = reuse("a", "log", None, &mut state);
    assert_eq!((log.effect, reusable), (Effect::Audit, true));
}
