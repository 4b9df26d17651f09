//! Benchmark agent: 10,000 request/reply round trips to `demo.echo` with a
//! 64-byte body; logs `bench: ipc_round_trip_ns=<X.Y>
//! ipc_messages_per_s=<N>` (two messages per round trip).

use aios_sdk::minicbor::Encoder;
use aios_sdk::{Destination, Error, Message};

/// How many round trips are timed.
const ROUNDS: u64 = 10_000;
/// Untimed round trips first, to fill caches and grow buffers.
const WARM_UP: u64 = 100;
/// The intent measured; the harness starts its server, `echo`, first.
const INTENT: &str = "demo.echo";
/// The size of the encoded body `{ "text": "xx…" }`, in bytes.
const BODY_BYTES: usize = 64;
/// The body's CBOR framing: map header, the key "text" (1 + 4 bytes) and
/// a text header with a one-byte length.
const BODY_FRAMING: usize = 1 + 5 + 2;
/// How long the benchmark waits for `echo` to start serving.
const SERVER_WAIT_NS: u64 = 2_000_000_000;
/// How often it looks while waiting.
const RETRY_NS: u64 = 10_000_000;
/// How long one reply may take.
const REPLY_TIMEOUT_NS: u64 = 5_000_000_000;

fn main() -> i32 {
    match run() {
        Ok(()) => 0,
        Err(error) => {
            aios_sdk::error!("bench-ipc: {error}");
            1
        }
    }
}

fn run() -> Result<(), Error> {
    let cap = aios_sdk::intent_cap(INTENT)?;
    let mut request = Message::new(0, Destination::Intent(INTENT.to_string()), INTENT);
    request.body = body();
    if request.body.len() != BODY_BYTES {
        return Err(Error::BadLength);
    }
    wait_for_server(cap, &request)?;
    for _ in 0..WARM_UP {
        round_trip(cap, &request)?;
    }

    let start = aios_sdk::clock_ns();
    for _ in 0..ROUNDS {
        round_trip(cap, &request)?;
    }
    let elapsed = aios_sdk::clock_ns().saturating_sub(start).max(1);

    let tenths = elapsed / (ROUNDS / 10);
    let messages_per_s = u128::from(2 * ROUNDS) * 1_000_000_000 / u128::from(elapsed);
    aios_sdk::info!(
        "bench: ipc_round_trip_ns={}.{} ipc_messages_per_s={messages_per_s}",
        tenths / 10,
        tenths % 10
    );
    Ok(())
}

/// One round trip (the request encoded, sent, the reply received and
/// decoded); the reply must carry the body sent.
fn round_trip(cap: u32, request: &Message) -> Result<(), Error> {
    let id = aios_sdk::send(cap, request, 0)?;
    let filter = aios_sdk::RecvFilter {
        conversation: Some(id),
        ..aios_sdk::RecvFilter::default()
    };
    let reply = aios_sdk::recv(&filter, REPLY_TIMEOUT_NS)?;
    if reply.body != request.body {
        return Err(Error::MalformedPayload);
    }
    Ok(())
}

/// Round trips until the first succeeds, while `echo` is not serving yet
/// and for at most [`SERVER_WAIT_NS`].
fn wait_for_server(cap: u32, request: &Message) -> Result<(), Error> {
    let give_up = aios_sdk::clock_ns().saturating_add(SERVER_WAIT_NS);
    loop {
        match round_trip(cap, request) {
            Err(Error::NoAgent | Error::NoSuchIntent) if aios_sdk::clock_ns() < give_up => {
                aios_sdk::sleep_ns(RETRY_NS)?;
            }
            result => return result,
        }
    }
}

/// `{ "text": "xx…" }` as CBOR, [`BODY_BYTES`] long.
fn body() -> Vec<u8> {
    let text = "x".repeat(BODY_BYTES - BODY_FRAMING);
    let mut encoder = Encoder::new(Vec::with_capacity(BODY_BYTES));
    // Writing into a Vec cannot fail.
    let _ = encoder
        .map(1)
        .and_then(|e| e.str("text"))
        .and_then(|e| e.str(&text));
    encoder.into_writer()
}

aios_sdk::entry!(main);
