//! Profiling aid: the real `echo` and `bench-ipc` agents (their Wasm from
//! `target/wasm32-unknown-unknown/release`, built by `cargo xtask build`)
//! exchanging 10,100 request/reply round trips on one CPU. Run it under
//! `valgrind --tool=callgrind` to see where a round trip goes.

#[path = "../tests/support/mod.rs"]
mod support;

use aios_abi::payload::{CapKind, rights};
use aios_image::Intent;
use support::{TestAgent, run, runtime};

const WASM: &str = "target/wasm32-unknown-unknown/release";

fn agent(name: &'static str, file: &str) -> TestAgent {
    let path = format!("{WASM}/{file}");
    let wasm =
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}: run `cargo xtask build`"));
    let mut agent = TestAgent::new(name, "");
    agent.wasm = Some(wasm);
    agent.memory_pages = 128;
    agent.messages_per_second = 1_000_000;
    agent
}

fn main() {
    let mut echo = agent("echo", "agent_echo.wasm");
    echo.intents.push(Intent {
        name: "demo.echo".into(),
        description: "Echoes the text it is sent back to the sender.".into(),
        input: "{ text: text }".into(),
        output: "{ text: text }".into(),
    });
    let bench = agent("bench-ipc", "agent_bench_ipc.wasm").cap_on(
        CapKind::Intent,
        "demo.echo",
        rights::WRITE,
        None,
    );
    let (rt, platform) = runtime(&[echo, bench], 1);
    rt.spawn("echo", None).expect("echo");
    rt.spawn("bench-ipc", None).expect("bench-ipc");
    // Until bench-ipc has exited and echo waits for a message.
    let slices = run(&rt, 0, usize::MAX);
    println!("{slices} slices");
    for line in platform.logs() {
        println!("{line}");
    }
}
