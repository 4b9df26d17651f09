//! CPU-bound work for the agent-compute benchmark: the same Rust code runs
//! compiled into an agent (`agents/bench/bench-compute`) and natively in
//! the kernel (`bench-compute` on its command line), so the two timings
//! compare the engine's code with the native compiler's on equal work.
#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

use aios_ipc::{Context, Destination, Message};
use alloc::vec::Vec;
use sha3::{Digest, Sha3_256};

/// Bytes hashed by [`sha3_of_buffer`]: 1 MiB.
pub const HASHED_BYTES: usize = 1 << 20;
/// Envelopes decoded by [`decode_envelopes`].
pub const ENVELOPES: usize = 10_000;

/// A buffer of [`HASHED_BYTES`] pseudo-random bytes (xorshift64, fixed
/// seed), made outside the timed work.
pub fn hash_input() -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut bytes = Vec::with_capacity(HASHED_BYTES);
    while bytes.len() < HASHED_BYTES {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(HASHED_BYTES);
    bytes
}

/// SHA3-256 of `input`: the timed hashing work.
pub fn sha3_of_buffer(input: &[u8]) -> [u8; 32] {
    Sha3_256::digest(input).into()
}

/// One encoded envelope as agents send them: an intent, a 65-byte CBOR
/// body, a schema, a full context and a transferred capability.
pub fn envelope() -> Vec<u8> {
    let mut message = Message::new(41, Destination::Intent("demo.echo".into()), "demo.echo");
    message.schema = Some("demo.echo/input".into());
    let mut body = Vec::with_capacity(64);
    body.extend_from_slice(&[0xA1, 0x64, b't', b'e', b'x', b't', 0x78, 57]);
    body.extend((0..57).map(|i| b'a' + (i % 26) as u8));
    message.body = body;
    message.context = Context {
        trace_id: 0x1234_5678,
        conversation_id: 77,
        causal_parent: Some(40),
        priority: 128,
        deadline_ns: Some(5_000_000_000),
    };
    message.caps = alloc::vec![3];
    message.encode()
}

/// Decodes `encoded` [`ENVELOPES`] times: the timed CBOR work. Returns a
/// sum over the decoded fields (so no decode can be skipped), or `None`
/// if one failed.
pub fn decode_envelopes(encoded: &[u8]) -> Option<u64> {
    let mut sum = 0u64;
    for _ in 0..ENVELOPES {
        let message = Message::decode(core::hint::black_box(encoded)).ok()?;
        sum = sum
            .wrapping_add(message.id)
            .wrapping_add(message.body.len() as u64)
            .wrapping_add(message.context.conversation_id);
    }
    Some(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_work_is_what_it_claims() {
        let input = hash_input();
        assert_eq!(input.len(), HASHED_BYTES);
        assert_ne!(sha3_of_buffer(&input), sha3_of_buffer(&input[1..]));
        let encoded = envelope();
        let decoded = Message::decode(&encoded).expect("decodes");
        assert_eq!(decoded.body.len(), 65);
        let per = 41 + 65 + 77;
        assert_eq!(decode_envelopes(&encoded), Some(per * ENVELOPES as u64));
        assert_eq!(decode_envelopes(&encoded[..10]), None);
    }
}
