//! Parsing: every construct of the language lands in the compiled rules.

use aios_policy::{Effect, HourWindow, Policy};

fn compile(text: &str) -> Policy {
    match Policy::compile(text) {
        Ok(policy) => policy,
        Err(error) => panic!("{text:?} failed: {error}"),
    }
}

#[test]
fn the_example_policy_compiles() {
    let policy = compile(
        r#"# comments
deny  agent "untrusted-*" op "agent_spawn";
allow agent "console" op "*";
audit agent * op "semantic_send" resource "store.*" when size <= 65536;
allow agent "ping" op "semantic_send" resource "demo.*" when rate <= 100/s;
require approval from "admin" for agent * op "system_poweroff";
default deny;
"#,
    );
    let rules = policy.rules();
    assert_eq!(rules.len(), 5);
    assert_eq!(rules[0].effect(), &Effect::Deny);
    assert_eq!(rules[0].line(), 2);
    assert_eq!(rules[0].agent().map(|p| p.as_str()), Some("untrusted-*"));
    assert_eq!(rules[0].operation().as_str(), "agent_spawn");
    assert!(rules[1].operation().is_any());
    assert!(rules[2].agent().is_some_and(|p| p.is_any()));
    assert_eq!(rules[2].resource().map(|p| p.as_str()), Some("store.*"));
    assert_eq!(rules[2].max_size(), Some(65536));
    assert_eq!(rules[3].rate_per_second(), Some(100));
    assert_eq!(rules[4].effect(), &Effect::RequireApproval("admin".into()));
    assert_eq!(rules[4].line(), 6);
    assert_eq!(policy.default_effect(), &Effect::Deny);
}

#[test]
fn subject_clauses() {
    let policy = compile(
        r#"allow publisher "3FA9c" label "net-*" label "trusted" op "net_send";
           deny agent * op "null";"#,
    );
    let rule = &policy.rules()[0];
    assert!(rule.agent().is_none());
    assert_eq!(
        rule.publisher().map(|p| p.to_string()),
        Some("3fa9c".into())
    );
    assert_eq!(rule.publisher().map(|p| p.digits()), Some(5));
    let labels: Vec<&str> = rule.labels().iter().map(|p| p.as_str()).collect();
    assert_eq!(labels, ["net-*", "trusted"]);
}

#[test]
fn clauses_may_come_in_any_order() {
    let policy = compile(r#"allow resource "demo.*" op "semantic_send" agent "ping";"#);
    let rule = &policy.rules()[0];
    assert_eq!(rule.agent().map(|p| p.as_str()), Some("ping"));
    assert_eq!(rule.resource().map(|p| p.as_str()), Some("demo.*"));
}

#[test]
fn every_condition() {
    let policy = compile(
        r#"audit op "semantic_send" when schema == "demo.echo.v1" and size <= 64 KiB
              and hour in 22..6 and rate <= 1_000/s;
           allow op "store_put" when size <= 2MiB;
           allow op "store_get" when size <= 1 GiB and hour in 9..17;"#,
    );
    let rules = policy.rules();
    assert_eq!(rules[0].schema(), Some("demo.echo.v1"));
    assert_eq!(rules[0].max_size(), Some(65536));
    assert_eq!(rules[0].hours(), Some(HourWindow { start: 22, end: 6 }));
    assert_eq!(rules[0].rate_per_second(), Some(1000));
    assert_eq!(rules[1].max_size(), Some(2 << 20));
    assert_eq!(rules[2].max_size(), Some(1 << 30));
    assert_eq!(rules[2].hours(), Some(HourWindow { start: 9, end: 17 }));
}

#[test]
fn every_default_effect() {
    assert_eq!(
        compile("").default_effect(),
        &Effect::Deny,
        "absent default denies"
    );
    assert_eq!(compile("default allow;").default_effect(), &Effect::Allow);
    assert_eq!(compile("default audit;").default_effect(), &Effect::Audit);
    assert_eq!(
        compile(r#"default require approval from "admin";"#).default_effect(),
        &Effect::RequireApproval("admin".into())
    );
    assert_eq!(Policy::default_deny().default_effect(), &Effect::Deny);
    assert!(Policy::default_deny().rules().is_empty());
}

#[test]
fn comments_and_blank_lines_are_ignored() {
    let policy = compile("\n# only a comment\n\n  allow op \"null\"; # trailing\n#last");
    assert_eq!(policy.rules().len(), 1);
    assert_eq!(policy.rules()[0].line(), 4);
}

#[test]
fn display_round_trips_every_construct() {
    let text = r#"deny agent "untrusted-*" op "agent_spawn";
allow agent "console" op *;
audit agent * op "semantic_send" resource "store.*" when size <= 65536;
allow agent "ping" publisher "ab01" label "demo" op "semantic_send" resource "demo.*" when schema == "s.v1" and size <= 10 and hour in 22..6 and rate <= 100/s;
require approval from "admin" for agent * op "system_poweroff";"#;
    let policy = compile(text);
    let shown: Vec<String> = policy.rules().iter().map(|r| r.to_string()).collect();
    assert_eq!(shown.join("\n"), text);
    let again = compile(&shown.join("\n"));
    assert_eq!(again.rules(), policy.rules());
}
