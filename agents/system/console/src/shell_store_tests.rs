//! Host tests of `store`, `snapshot`, `snapshots` and `rollback`: whole
//! console sessions against the fake host.

use crate::fake::FakeHost;
use crate::shell_messaging_tests::{has, run};

#[test]
fn put_get_and_list_round_trip() {
    let out = run(
        FakeHost::new(),
        "store put notes todo buy milk\nstore get notes todo\nstore ls notes\n",
    );
    has(&out, "stored notes/todo (8 bytes)");
    has(&out, "buy milk");
    has(&out, "(8 bytes, version 1, text/plain)");
    has(&out, "1 object(s) in notes");
}

#[test]
fn a_snapshot_and_rollback_bring_back_the_old_value() {
    let out = run(
        FakeHost::new(),
        "store put notes todo one\nsnapshot notes before\nstore put notes todo two\n\
         store rm notes todo\nrollback notes before\nstore get notes todo\nsnapshots notes\n",
    );
    has(&out, "snapshot before of notes taken");
    has(&out, "deleted notes/todo");
    has(&out, "notes rolled back to snapshot before");
    has(&out, "one");
    assert!(out.iter().any(|l| l.starts_with("before")), "{out:?}");
}

#[test]
fn errors_are_reported_and_the_console_goes_on() {
    let mut host = FakeHost::new();
    host.store.forbidden.push("secret".to_string());
    let out = run(
        host,
        "store get notes missing\nstore put secret k v\nrollback notes nothing\nstore ls\n\
         store put notes k v\n",
    );
    has(&out, "error: not found");
    has(&out, "error: the capability lacks a needed right");
    has(
        &out,
        "usage: store ls NS | store put NS KEY TEXT | store get NS KEY | store rm NS KEY",
    );
    has(&out, "stored notes/k (1 bytes)");
}

#[test]
fn embed_prints_the_size_norm_and_first_values() {
    let out = run(FakeHost::new(), "embed hi\nembed\n");
    has(&out, "embedding: 384 values, norm 1.0000");
    has(&out, "usage: embed TEXT");
    let mut host = FakeHost::new();
    host.store.forbidden.push("models".to_string());
    has(
        &run(host, "embed hi\n"),
        "error: not available: no disk, model or network installed",
    );
}

#[test]
fn remember_then_recall_lists_the_closest_first() {
    let out = run(
        FakeHost::new(),
        "remember buy milk\nremember the launch code is in the blue folder\n\
         recall where is the launch code\nrecall\n",
    );
    has(&out, "remembered as m1");
    has(&out, "remembered as m2");
    let first = out
        .iter()
        .position(|l| l.ends_with("the launch code is in the blue folder"));
    let second = out
        .iter()
        .position(|l| l.ends_with("buy milk") && l.starts_with("0."));
    assert!(first.is_some() && first < second, "{out:?}");
    has(&out, "usage: recall QUERY");
}

#[test]
fn ask_streams_the_answer_then_a_summary() {
    let out = run(FakeHost::new(), "ask Name three primary colors.\nask\n");
    has(&out, "Red, yellow and blue.");
    has(
        &out,
        "[6 tokens (12 in the prompt), end of answer, 8.00 tokens/s]",
    );
    has(&out, "usage: ask PROMPT");
    let mut host = FakeHost::new();
    host.store.forbidden.push("models".to_string());
    has(
        &run(host, "ask hi\n"),
        "error: not available: no disk, model or network installed",
    );
}
