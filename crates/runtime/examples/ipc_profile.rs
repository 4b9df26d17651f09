//! Profiling aid: the real `echo` and `bench-ipc` agents from
//! `target/aios/bundle.bin` (run `cargo xtask build` first) exchanging
//! messages on one CPU (run under `valgrind --tool=callgrind` to see where
//! a round trip goes).

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;

use aios_runtime::Runtime;
use support::FakePlatform;

fn main() {
    let bundle = std::fs::read("target/aios/bundle.bin")
        .expect("target/aios/bundle.bin: run `cargo xtask build`");
    let platform = Arc::new(FakePlatform::default());
    let rt = Runtime::new(platform.clone(), 1);
    rt.load_bundle(&bundle).expect("bundle loads");
    let echo = rt.spawn("echo", None).expect("echo");
    let bench = rt.spawn("bench-ipc", None).expect("bench-ipc");
    let mut slices = 0u64;
    while rt.info(bench).is_some_and(|i| !i.state.is_final()) {
        rt.run_once(0);
        slices += 1;
    }
    println!("{slices} slices");
    for id in [echo, bench] {
        if let Some(info) = rt.info(id) {
            println!("{} used {} fuel", info.name, info.fuel_used);
        }
    }
    for line in platform.logs.lock().unwrap().iter() {
        println!("{line}");
    }
}
