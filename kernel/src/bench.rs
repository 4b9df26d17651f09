//! Built-in measurements the benchmark harness asks for on the command
//! line. `bench-policy`: the cost of one policy evaluation with 100 rules,
//! where the rule that decides is the last one that could apply (the
//! evaluator's worst case), printed as `bench: policy_eval_ns=… …`.
//! `bench-storage`: see [`crate::storage_bench`]. `bench-compute`: the
//! agent-compute benchmark's work (`aios-benchwork`) run natively, printed
//! as `bench: native_sha3_ns=… native_cbor_ns=…`, for comparison with the
//! same code compiled into the `bench-compute` agent. `bench-tls`: full
//! TLS 1.3 handshakes in memory with the node's certificate, hybrid and
//! X25519 alone, client and server apart, printed as
//! `bench: tls_x25519mlkem768_client_ns=… …`. Under `-icount shift=0` a
//! nanosecond is one guest instruction.

use alloc::format;
use alloc::string::String;
use core::fmt::Write;

use aios_policy::{Policy, RateState, Request, Subject};

/// Policy rules in the measured policy.
const RULES: usize = 100;
/// Evaluations timed.
const ROUNDS: u64 = 10_000;

/// Runs the measurements named on the command line.
pub fn run(cmdline: &crate::cmdline::Cmdline, bundle: &[u8]) {
    if cmdline.has_flag("bench-tls") {
        tls(bundle);
    }
    if cmdline.has_flag("bench-policy") {
        policy();
    }
    if cmdline.has_flag("bench-storage") {
        crate::storage_bench::run();
    }
    if cmdline.has_flag("bench-compute") {
        compute();
    }
}

/// Handshakes timed, per key exchange.
const HANDSHAKES: u64 = 10;

fn tls(bundle: &[u8]) {
    match crate::net::handshake_cost(bundle, HANDSHAKES) {
        Ok(costs) => {
            let mut line = format!("bench: tls_handshakes={HANDSHAKES}");
            for (group, client, server) in costs {
                let _ = write!(
                    line,
                    " tls_{group}_client_ns={client} tls_{group}_server_ns={server}"
                );
            }
            crate::println!("{line}");
        }
        Err(why) => crate::println!("bench: tls failed: {why}"),
    }
}

/// The agent-compute work, natively, in the kernel's own build.
fn compute() {
    use aios_benchwork::{decode_envelopes, envelope, hash_input, sha3_of_buffer};
    use core::hint::black_box;
    let input = hash_input();
    let start = aios_hal::clock::now_ns();
    let digest = black_box(sha3_of_buffer(black_box(&input)));
    let sha3 = aios_hal::clock::now_ns().saturating_sub(start);
    let encoded = envelope();
    let start = aios_hal::clock::now_ns();
    let sum = black_box(decode_envelopes(black_box(&encoded)));
    let cbor = aios_hal::clock::now_ns().saturating_sub(start);
    match sum {
        Some(sum) => crate::println!(
            "bench: native_sha3_ns={sha3} native_cbor_ns={cbor} digest_head={} sum={sum}",
            u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
        ),
        None => crate::println!("bench: compute failed: an envelope did not decode"),
    }
}

fn policy() {
    let mut text = String::new();
    for i in 0..RULES {
        let _ = writeln!(
            text,
            "allow agent \"agent-{i}\" op \"semantic_send\" resource \"demo.{i}.*\";"
        );
    }
    text.push_str("default deny;\n");
    let policy = match Policy::compile(&text) {
        Ok(policy) => policy,
        Err(error) => {
            crate::println!("bench: policy failed: {error}");
            return;
        }
    };
    let resource = format!("demo.{}.echo", RULES - 1);
    let name = format!("agent-{}", RULES - 1);
    let mut rates = RateState::new();
    let now_ns = aios_hal::clock::now_ns();
    let mut request = Request {
        subject: Subject {
            name: &name,
            publisher: [0; 32],
            labels: &[],
        },
        operation: "semantic_send",
        resource: Some(&resource),
        size: 64,
        schema: None,
        now_ns,
        hour_utc: 12,
    };
    let worst = time(|| policy.evaluate(&request, &mut rates).effect.permits());
    request.operation = "null";
    let unindexed = time(|| policy.evaluate(&request, &mut rates).effect.permits());
    crate::println!(
        "bench: policy_eval_ns={} policy_eval_other_op_ns={} policy_rules={RULES}",
        tenths(worst),
        tenths(unindexed)
    );
}

/// Mean ns per call of `f` over [`ROUNDS`] calls; every call must be true.
fn time(mut f: impl FnMut() -> bool) -> u64 {
    let start = aios_hal::clock::now_ns();
    let mut allowed = 0u64;
    for _ in 0..ROUNDS {
        allowed += u64::from(core::hint::black_box(f()));
    }
    let elapsed = aios_hal::clock::now_ns().saturating_sub(start);
    if allowed != ROUNDS && allowed != 0 {
        crate::println!("bench: policy decisions changed during the run");
    }
    elapsed * 10 / ROUNDS
}

fn tenths(value: u64) -> String {
    format!("{}.{}", value / 10, value % 10)
}
