//! Profiling aid: the kernel's `bench-policy` measurement on the host (run
//! under `valgrind --tool=callgrind`): 100 rules, the last one decides.
use aios_policy::{Policy, RateState, Request, Subject};
use std::fmt::Write;

fn main() {
    let mut text = String::new();
    for i in 0..100 {
        let _ = writeln!(
            text,
            "allow agent \"agent-{i}\" op \"semantic_send\" resource \"demo.{i}.*\";"
        );
    }
    text.push_str("default deny;\n");
    let policy = Policy::compile(&text).unwrap();
    let mut rates = RateState::new();
    let request = Request {
        subject: Subject {
            name: "agent-99",
            publisher: [0; 32],
            labels: &[],
        },
        operation: "semantic_send",
        resource: Some("demo.99.echo"),
        size: 64,
        schema: None,
        now_ns: 0,
        hour_utc: 12,
    };
    let mut allowed = 0;
    for _ in 0..100_000 {
        allowed += u32::from(
            policy
                .evaluate(std::hint::black_box(&request), &mut rates)
                .effect
                .permits(),
        );
    }
    println!("{allowed}");
}
