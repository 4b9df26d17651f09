//! Profiling aid: one agent making 100,000 null syscalls (run under
//! `valgrind --tool=callgrind` to see where a syscall goes).

#[path = "../tests/support/mod.rs"]
mod support;

use support::{TestAgent, module, run, runtime};

fn main() {
    let body = "(local $i i32) (local.set $i (i32.const 100000)) (loop $l (drop (call $null)) (local.set $i (i32.sub (local.get $i) (i32.const 1))) (br_if $l (local.get $i))) (i32.const 0)";
    let (rt, _) = runtime(&[TestAgent::new("n", &module("", body))], 1);
    rt.spawn("n", None).unwrap();
    let slices = run(&rt, 0, usize::MAX);
    println!("{slices} slices");
}
