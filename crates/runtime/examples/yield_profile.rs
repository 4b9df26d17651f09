//! Profiling aid: two agents yielding to each other on one CPU (run under
//! `valgrind --tool=callgrind` to see where a switch goes).

#[path = "../tests/support/mod.rs"]
mod support;

use support::{TestAgent, module, run, runtime};

fn main() {
    let body = "(local $i i32) (local.set $i (i32.const 20000)) (loop $l (drop (call $yield)) (local.set $i (i32.sub (local.get $i) (i32.const 1))) (br_if $l (local.get $i))) (i32.const 0)";
    let (rt, _) = runtime(&[TestAgent::new("y", &module("", body))], 1);
    rt.spawn("y", None).unwrap();
    rt.spawn("y", None).unwrap();
    let slices = run(&rt, 0, usize::MAX);
    println!("{slices} slices");
}
