//! Profiling aid: two agents yielding to each other on one CPU (run under
//! `valgrind --tool=callgrind` to see where a switch goes).

#[path = "../tests/support/mod.rs"]
mod support;

use support::{TestAgent, module, runtime};

fn main() {
    let body = "(local $i i32) (local.set $i (i32.const 20000)) (loop $l (drop (call $yield)) (local.set $i (i32.sub (local.get $i) (i32.const 1))) (br_if $l (local.get $i))) (i32.const 0)";
    let (rt, _) = runtime(&[TestAgent::new("y", &module("", body))], 1);
    rt.spawn("y", None).unwrap();
    rt.spawn("y", None).unwrap();
    let mut slices = 0u64;
    while rt.live_count() > 0 {
        rt.run_once(0);
        slices += 1;
    }
    println!("{slices} slices");
}
