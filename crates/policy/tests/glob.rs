//! Glob patterns: shapes, edge cases, and linear time on hostile input.

use aios_policy::{ErrorKind, Pattern};

fn matches(pattern: &str, name: &str) -> bool {
    Pattern::compile(pattern).map(|p| p.matches(name)) == Ok(true)
}

#[test]
fn exact_prefix_suffix_and_any() {
    assert!(matches("console", "console"));
    assert!(!matches("console", "consoles"));
    assert!(!matches("console", "consol"));
    assert!(matches("store.*", "store.put"));
    assert!(matches("store.*", "store."));
    assert!(!matches("store.*", "store"));
    assert!(matches("*-bot", "chat-bot"));
    assert!(!matches("*-bot", "chat-bots"));
    assert!(matches("*", ""));
    assert!(matches("***", "anything at all"));
}

#[test]
fn middle_segments_are_found_in_order() {
    assert!(matches("a*b*c", "abc"));
    assert!(matches("a*b*c", "a-x-b-y-c"));
    assert!(!matches("a*b*c", "a-c-b"));
    assert!(matches("*ab*", "xxabxx"));
    assert!(!matches("*ab*", "xxa-bxx"));
    assert!(
        matches("x*aab*y", "xaaaabyy"),
        "KMP must not skip an overlapping start"
    );
    assert!(matches("x*abab*", "xabaabab"));
    assert!(!matches("x*abab*", "xabaaba"));
}

#[test]
fn prefix_and_suffix_may_not_overlap() {
    assert!(!matches("ab*ba", "aba"));
    assert!(matches("ab*ba", "abba"));
    assert!(!matches("a*x*a", "ax"));
    assert!(matches("a*x*a", "axa"));
}

#[test]
fn multibyte_names_match_bytewise() {
    assert!(matches("agent-*", "agent-ünïcode"));
    assert!(matches("*é", "café"));
    assert!(!matches("*é", "cafe"));
}

#[test]
fn malformed_patterns_are_rejected() {
    assert_eq!(Pattern::compile(""), Err(ErrorKind::EmptyPattern));
    assert_eq!(
        Pattern::compile("a?c"),
        Err(ErrorKind::ReservedWildcard('?'))
    );
    assert_eq!(
        Pattern::compile("[ab]"),
        Err(ErrorKind::ReservedWildcard('['))
    );
}

#[test]
fn shape_queries_and_display() {
    let exact = Pattern::compile("null").unwrap();
    assert!(exact.is_exact() && !exact.is_any());
    let any = Pattern::compile("**").unwrap();
    assert!(any.is_any() && !any.is_exact());
    assert_eq!(Pattern::any().to_string(), "*");
    assert_eq!(
        Pattern::compile("store.*").unwrap().to_string(),
        "\"store.*\""
    );
    assert_eq!(any.as_str(), "**");
}

#[test]
fn hostile_patterns_run_in_linear_time() {
    // A recursive backtracking matcher tries every way of splitting the
    // name among the ten stars (about n^10 steps) and would never finish;
    // the compiled matcher reads each byte a bounded number of times.
    let pattern = Pattern::compile("a*a*a*a*a*a*a*a*a*a*b").unwrap();
    let name = "a".repeat(200_000);
    for _ in 0..50 {
        assert!(!pattern.matches(&name));
    }
    let mut with_b = name.clone();
    with_b.push('b');
    assert!(pattern.matches(&with_b));
}
