//! Property tests: the compiler survives any text, and the indexed
//! evaluator always agrees with the naive reference.

mod reference;
mod support;

use aios_policy::{Effect, Policy, RateState};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use reference::{RefRates, RefRule, evaluate, glob, policy_text};

const FRAGMENTS: &[&str] = &[
    "allow",
    "deny",
    "audit",
    "require",
    "approval",
    "from",
    "for",
    "default",
    "agent",
    "publisher",
    "label",
    "op",
    "resource",
    "when",
    "and",
    "rate",
    "size",
    "schema",
    "hour",
    "in",
    "s",
    "KiB",
    "*",
    ";",
    "/",
    "<=",
    "==",
    "..",
    "<",
    "=",
    ".",
    "\"",
    "\"null\"",
    "\"a*\"",
    "\"\"",
    "\"ab12\"",
    "0",
    "7",
    "24",
    "99999999999999999999999",
    "#",
    "\n",
    "\t",
    "é",
    "\\",
    "!",
    "\"x\n",
];

fn token_soup() -> impl Strategy<Value = String> {
    vec(prop::sample::select(FRAGMENTS), 0..40).prop_map(|parts| parts.join(" "))
}

fn effect() -> impl Strategy<Value = Effect> {
    prop_oneof![
        Just(Effect::Allow),
        Just(Effect::Deny),
        Just(Effect::Audit),
        Just(Effect::RequireApproval("admin".into())),
    ]
}

fn rule() -> impl Strategy<Value = RefRule> {
    let ops = prop::sample::select(vec![
        "*",
        "null",
        "log",
        "agent_spawn",
        "agent_kill",
        "agent_*",
        "*l*",
        "lo*",
    ]);
    let subject = (
        option::of("[ab*]{1,4}"),
        option::of("[0-9a-fA-F]{1,3}"),
        vec("[ab*]{1,3}", 0..3),
    );
    let target = (effect(), ops, option::of("[ab.*]{1,4}"));
    let hours = (0u8..24, 0u8..25).prop_filter("non-empty", |(start, end)| start != end);
    let conditions = (
        option::of(0u64..20),
        option::of(prop::sample::select(vec!["s1", "s2"])),
        option::of(hours),
        option::of(1u64..4),
    );
    (target, subject, conditions).prop_map(
        |((effect, op, resource), (agent, publisher, labels), (size, schema, hours, rate))| {
            RefRule {
                effect,
                agent,
                publisher,
                labels,
                operation: op.into(),
                resource,
                max_size: size,
                schema: schema.map(Into::into),
                hours,
                rate,
            }
        },
    )
}

/// A request as owned data: name, op, resource, size, schema, hour,
/// time step, first publisher byte, labels.
type RequestData = (
    String,
    &'static str,
    Option<String>,
    u64,
    Option<&'static str>,
    u8,
    u64,
    u8,
    Vec<String>,
);

fn request_data() -> impl Strategy<Value = RequestData> {
    let ops = prop::sample::select(vec![
        "null",
        "log",
        "clock",
        "agent_spawn",
        "agent_kill",
        "agent_exit",
        "yield",
    ]);
    let schema = option::of(prop::sample::select(vec!["s1", "s2", "s3"]));
    let publisher = prop::sample::select(vec![0x00u8, 0xa0, 0xab, 0x0a, 0xff]);
    (
        ("[ab]{0,4}", ops, option::of("[ab.]{0,4}"), 0u64..25, schema),
        (
            0u8..26,
            0u64..600_000_000,
            publisher,
            vec("[ab]{0,3}", 0..3),
        ),
    )
        .prop_map(
            |((name, op, resource, size, schema), (hour, step, first, labels))| {
                (name, op, resource, size, schema, hour, step, first, labels)
            },
        )
}

proptest! {
    #[test]
    fn compiled_globs_agree_with_backtracking(pattern in "[ab*]{1,12}", name in "[ab]{0,30}") {
        let compiled = aios_policy::Pattern::compile(&pattern).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(compiled.matches(&name), glob(pattern.as_bytes(), name.as_bytes()));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC*") {
        if let Err(error) = Policy::compile(&text) {
            prop_assert!(error.line >= 1 && error.column >= 1);
            prop_assert!(error.line as usize <= text.lines().count() + 1);
        }
    }

    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        if let Err(error) = Policy::compile(&text) {
            prop_assert!(error.line >= 1 && error.column >= 1);
            prop_assert!(!error.to_string().is_empty());
        }
    }

    #[test]
    fn indexed_evaluation_equals_the_reference(
        rules in vec(rule(), 0..12),
        default in option::of(effect()),
        requests in vec(request_data(), 1..40),
    ) {
        let text = policy_text(&rules, &default);
        let policy = Policy::compile(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let mut state = RateState::new();
        let mut rates = RefRates::default();
        let mut now = 0u64;
        for (name, op, resource, size, schema, hour, step, first, labels) in &requests {
            now += step;
            let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
            let mut request = support::request(name, op, resource.as_deref());
            request.size = *size;
            request.schema = *schema;
            request.hour_utc = *hour;
            request.now_ns = now;
            request.subject.publisher[0] = *first;
            request.subject.labels = &labels;
            let got = policy.evaluate(&request, &mut state);
            let want = evaluate(&rules, &default, &request, &mut rates);
            prop_assert_eq!(got, want, "{}", text);
        }
    }

    #[test]
    fn a_reusable_decision_holds_whatever_else_the_request_says(
        rules in vec(rule(), 0..12),
        default in option::of(effect()),
        first in request_data(),
        others in vec((0u64..25, option::of(prop::sample::select(vec!["s1", "s2", "s3"])), 0u8..26, 0u64..600_000_000), 1..20),
    ) {
        let text = policy_text(&rules, &default);
        let policy = Policy::compile(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let mut state = RateState::new();
        let (name, op, resource, size, schema, hour, now, publisher, labels) = &first;
        let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
        let mut request = support::request(name, op, resource.as_deref());
        request.size = *size;
        request.schema = *schema;
        request.hour_utc = *hour;
        request.now_ns = *now;
        request.subject.publisher[0] = *publisher;
        request.subject.labels = &labels;
        let (decision, reusable) = policy.evaluate_reusable(&request, &mut state);
        if reusable {
            for (size, schema, hour, later) in &others {
                request.size = *size;
                request.schema = *schema;
                request.hour_utc = *hour;
                request.now_ns = now + later;
                let again = policy.evaluate(&request, &mut state);
                prop_assert_eq!(&again, &decision, "{}", text);
            }
        }
    }
}
