//! Rate conditions: token buckets per rule and subject, on a fake clock.

mod support;

use aios_policy::{Effect, Policy, RateState};
use support::request;

const SECOND: u64 = 1_000_000_000;

fn policy() -> Policy {
    let text = r#"allow agent "ping" op "semantic_send" when rate <= 10/s;
                  allow agent * op "log" when size <= 100 and rate <= 2/s;
                  default deny;"#;
    match Policy::compile(text) {
        Ok(policy) => policy,
        Err(error) => panic!("{error}"),
    }
}

fn effect(policy: &Policy, state: &mut RateState, name: &str, op: &str, now_ns: u64) -> Effect {
    let mut at = request(name, op, None);
    at.now_ns = now_ns;
    policy.evaluate(&at, state).effect
}

#[test]
fn a_burst_of_one_second_then_refill_at_the_rate() {
    let policy = policy();
    let mut state = RateState::new();
    let start = 5 * SECOND;
    for _ in 0..10 {
        assert_eq!(
            effect(&policy, &mut state, "ping", "semantic_send", start),
            Effect::Allow
        );
    }
    assert_eq!(
        effect(&policy, &mut state, "ping", "semantic_send", start),
        Effect::Deny
    );
    // One token comes back every 100 ms.
    let later = start + SECOND / 10;
    assert_eq!(
        effect(&policy, &mut state, "ping", "semantic_send", later - 1),
        Effect::Deny
    );
    assert_eq!(
        effect(&policy, &mut state, "ping", "semantic_send", later),
        Effect::Allow
    );
    assert_eq!(
        effect(&policy, &mut state, "ping", "semantic_send", later),
        Effect::Deny
    );
    // A long pause refills to one second's worth, no more.
    let much_later = later + 60 * SECOND;
    let allowed = (0..20)
        .filter(|_| {
            effect(&policy, &mut state, "ping", "semantic_send", much_later) == Effect::Allow
        })
        .count();
    assert_eq!(allowed, 10);
}

#[test]
fn a_steady_rate_below_the_limit_is_always_allowed() {
    let policy = policy();
    let mut state = RateState::new();
    for i in 0..1000 {
        let now = i * (SECOND / 10);
        assert_eq!(
            effect(&policy, &mut state, "ping", "semantic_send", now),
            Effect::Allow
        );
    }
}

#[test]
fn buckets_are_per_subject_and_per_rule() {
    let policy = policy();
    let mut state = RateState::new();
    for name in ["a", "b"] {
        assert_eq!(effect(&policy, &mut state, name, "log", 0), Effect::Allow);
        assert_eq!(effect(&policy, &mut state, name, "log", 0), Effect::Allow);
        assert_eq!(effect(&policy, &mut state, name, "log", 0), Effect::Deny);
    }
    assert_eq!(state.len(), 2);
    assert_eq!(
        effect(&policy, &mut state, "ping", "semantic_send", 0),
        Effect::Allow
    );
    assert_eq!(state.len(), 3);
    state.forget("a");
    assert_eq!(state.len(), 2);
    assert_eq!(
        effect(&policy, &mut state, "a", "log", 0),
        Effect::Allow,
        "forgotten = full"
    );
    state.clear();
    assert!(state.is_empty());
}

#[test]
fn a_failing_condition_spends_no_token() {
    let policy = policy();
    let mut state = RateState::new();
    let mut big = request("a", "log", None);
    big.size = 101;
    for _ in 0..5 {
        assert_eq!(policy.evaluate(&big, &mut state).effect, Effect::Deny);
    }
    assert!(state.is_empty());
    assert_eq!(effect(&policy, &mut state, "a", "log", 0), Effect::Allow);
}

#[test]
fn an_exhausted_rate_falls_through_to_the_next_rule() {
    let text = r#"allow op "log" when rate <= 1/s; audit op "log"; default deny;"#;
    let Ok(policy) = Policy::compile(text) else {
        panic!("compile")
    };
    let mut state = RateState::new();
    let first = policy.evaluate(&request("a", "log", None), &mut state);
    let second = policy.evaluate(&request("a", "log", None), &mut state);
    assert_eq!((first.effect, first.rule), (Effect::Allow, Some(0)));
    assert_eq!((second.effect, second.rule), (Effect::Audit, Some(1)));
}

#[test]
fn a_clock_going_backwards_earns_nothing() {
    let policy = policy();
    let mut state = RateState::new();
    let start = 10 * SECOND;
    assert_eq!(
        effect(&policy, &mut state, "x", "log", start),
        Effect::Allow
    );
    assert_eq!(
        effect(&policy, &mut state, "x", "log", start),
        Effect::Allow
    );
    assert_eq!(
        effect(&policy, &mut state, "x", "log", SECOND),
        Effect::Deny
    );
    assert_eq!(
        effect(&policy, &mut state, "x", "log", start + SECOND / 2),
        Effect::Allow
    );
}

#[test]
fn a_replaced_rule_with_another_rate_gets_a_fresh_bucket() {
    let mut state = RateState::new();
    let old = policy();
    for _ in 0..2 {
        effect(&old, &mut state, "x", "log", 0);
    }
    assert_eq!(effect(&old, &mut state, "x", "log", 0), Effect::Deny);
    let Ok(new) = Policy::compile(r#"allow op "semantic_send"; allow op "log" when rate <= 3/s;"#)
    else {
        panic!("compile")
    };
    let allowed = (0..5).filter(|_| effect(&new, &mut state, "x", "log", 0) == Effect::Allow);
    assert_eq!(allowed.count(), 3);
}
