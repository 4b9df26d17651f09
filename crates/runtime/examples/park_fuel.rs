//! Profiling aid: fuel charged for 1,000 parks (sleep 0) and 1,000 null
//! syscalls.
#[path = "../tests/support/mod.rs"]
mod support;
use support::{TestAgent, module, runtime};

fn main() {
    let sleeps = "(local $i i32) (local.set $i (i32.const 1000)) (loop $l (drop (call $sleep (i64.const 0))) (local.set $i (i32.sub (local.get $i) (i32.const 1))) (br_if $l (local.get $i))) (i32.const 0)";
    let nulls = "(local $i i32) (local.set $i (i32.const 1000)) (loop $l (drop (call $null)) (local.set $i (i32.sub (local.get $i) (i32.const 1))) (br_if $l (local.get $i))) (i32.const 0)";
    let (rt, _) = runtime(
        &[
            TestAgent::new("s", &module("", sleeps)),
            TestAgent::new("n", &module("", nulls)),
        ],
        1,
    );
    let s = rt.spawn("s", None).unwrap();
    let n = rt.spawn("n", None).unwrap();
    while rt.live_count() > 0 {
        rt.run_once(0);
    }
    println!("sleep loop fuel {}", rt.info(s).unwrap().fuel_used);
    println!("null loop fuel {}", rt.info(n).unwrap().fuel_used);
}
