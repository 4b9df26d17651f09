//! Profiling aid: encodes and decodes a 64-byte request 10,000 times
//! (run under `valgrind --tool=callgrind`).
use aios_ipc::{Destination, Message};

fn main() {
    let mut m = Message::new(0, Destination::Intent("demo.echo".into()), "demo.echo");
    m.body = vec![0x61; 64];
    let mut total = 0usize;
    for _ in 0..10_000 {
        let bytes = std::hint::black_box(&m).encode();
        let back = Message::decode(&bytes).unwrap();
        total += back.body.len();
    }
    println!("{total}");
}
