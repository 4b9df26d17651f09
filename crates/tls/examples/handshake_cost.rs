//! Measures what one handshake costs each side, hybrid against X25519 alone.
//!
//! Time (median of 200 handshakes per group):
//! `cargo run --release -p aios-tls --example handshake_cost`
//!
//! Instructions, exactly, with callgrind counting only inside `on_client`
//! (or `on_server`) for 20 handshakes of one group:
//! `valgrind --tool=callgrind --toggle-collect='*on_client*' \
//!  target/release/examples/handshake_cost hybrid 20`
//!
//! docs/tls.md has the numbers and the portable-backend `RUSTFLAGS` used.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use aios_tls::{Group, KeyExchange, Policy, Session};
use common::{SERVER_NAME, Setup};

/// Runs the client's part of the handshake, timing it.
#[inline(never)]
fn on_client<T>(total: &mut Duration, work: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = black_box(work());
    *total += start.elapsed();
    result
}

/// Runs the server's part of the handshake, timing it.
#[inline(never)]
fn on_server<T>(total: &mut Duration, work: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let result = black_box(work());
    *total += start.elapsed();
    result
}

/// One handshake; returns (client time, server time).
fn handshake(setup: &Setup, policy: &Policy, expected: Group) -> (Duration, Duration) {
    let client_config = setup.client_config(policy);
    let server_config = setup.server_config(policy);
    let (mut client_time, mut server_time) = (Duration::ZERO, Duration::ZERO);
    let mut client = on_client(&mut client_time, || {
        Session::client(&client_config, SERVER_NAME).unwrap()
    });
    let mut server = on_server(&mut server_time, || {
        Session::server(&server_config).unwrap()
    });
    let hello = client.take_outgoing();
    on_server(&mut server_time, || server.receive(&hello).unwrap());
    let flight = server.take_outgoing();
    on_client(&mut client_time, || client.receive(&flight).unwrap());
    let finished = client.take_outgoing();
    on_server(&mut server_time, || server.receive(&finished).unwrap());
    assert!(!client.is_handshaking() && !server.is_handshaking());
    assert_eq!(client.negotiated_group(), Some(expected));
    (client_time, server_time)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    let mut arguments = std::env::args().skip(1);
    let only = arguments.next();
    let count = arguments
        .next()
        .map_or(200, |count| count.parse().expect("a count"));
    let setup = Setup::new();
    println!("{count} handshakes, ECDSA P-256 certificate, ChaCha20-Poly1305; median per side:");
    for (name, key_exchange, group) in [
        ("hybrid", KeyExchange::HybridOnly, Group::X25519MlKem768),
        ("x25519", KeyExchange::ClassicalOnly, Group::X25519),
    ] {
        if only.as_deref().is_some_and(|only| only != name) {
            continue;
        }
        let policy = Policy {
            key_exchange,
            ..Policy::default()
        };
        let (clients, servers): (Vec<_>, Vec<_>) = (0..count)
            .map(|_| handshake(&setup, &policy, group))
            .unzip();
        println!(
            "  {name}  client {:>7.1} µs   server {:>7.1} µs",
            median(clients).as_secs_f64() * 1e6,
            median(servers).as_secs_f64() * 1e6,
        );
    }
}
