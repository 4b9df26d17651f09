//! Benchmark agent: CPU-bound work compiled into an agent, SHA3-256 over
//! 1 MiB and decoding 10,000 message envelopes, each timed between two
//! clock readings. The kernel times the same code natively
//! (`bench-compute` on its command line) for the comparison.

use aios_benchwork::{decode_envelopes, envelope, hash_input, sha3_of_buffer};
use core::hint::black_box;

fn main() -> i32 {
    let input = hash_input();
    let start = aios_sdk::clock_ns();
    let digest = black_box(sha3_of_buffer(black_box(&input)));
    let sha3 = aios_sdk::clock_ns().saturating_sub(start);

    let encoded = envelope();
    let start = aios_sdk::clock_ns();
    let sum = black_box(decode_envelopes(black_box(&encoded)));
    let cbor = aios_sdk::clock_ns().saturating_sub(start);
    let Some(sum) = sum else {
        aios_sdk::error!("bench-compute: an envelope did not decode");
        return 1;
    };
    aios_sdk::info!(
        "bench: agent_sha3_ns={sha3} agent_cbor_ns={cbor} digest_head={} sum={sum}",
        u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
    );
    0
}

aios_sdk::entry!(main);
