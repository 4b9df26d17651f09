//! Example agent: 100 request/reply round trips to `demo.echo`, one every
//! millisecond like the `ping` of other systems, checking every answer;
//! logs `ping: 100 round trips to demo.echo, average <X> us` (the time from
//! sending a request to holding its reply, pauses excluded).

use aios_sdk::minicbor::{Decoder, Encoder};
use aios_sdk::{Destination, Error, Message};

/// How many round trips.
const ROUNDS: u64 = 100;
/// The intent pinged.
const INTENT: &str = "demo.echo";
/// How long ping waits for an agent to serve the intent.
const SERVER_WAIT_NS: u64 = 2_000_000_000;
/// How often it looks while waiting.
const RETRY_NS: u64 = 10_000_000;
/// How long one reply may take.
const REPLY_TIMEOUT_NS: u64 = 1_000_000_000;
/// The pause between round trips.
const INTERVAL_NS: u64 = 1_000_000;

fn main() -> i32 {
    match run() {
        Ok(()) => 0,
        Err(error) => {
            aios_sdk::error!("ping: {error}");
            1
        }
    }
}

fn run() -> Result<(), Error> {
    let give_up_waiting = aios_sdk::clock_ns().saturating_add(SERVER_WAIT_NS);
    let cap = aios_sdk::intent_cap(INTENT)?;
    let mut busy_ns = 0u64;
    for i in 0..ROUNDS {
        if i > 0 {
            aios_sdk::sleep_ns(INTERVAL_NS)?;
        }
        let text = format!("ping {i}");
        let (reply, took_ns) = round_trip(cap, &text, give_up_waiting)?;
        busy_ns = busy_ns.saturating_add(took_ns);
        let echoed = text_of(&reply)?;
        if echoed != text {
            aios_sdk::error!("ping: sent {text:?}, demo.echo answered {echoed:?}");
            return Err(Error::MalformedPayload);
        }
    }
    // Tenths of a microsecond per round trip.
    let tenths = busy_ns / (ROUNDS * 100);
    aios_sdk::info!(
        "ping: {ROUNDS} round trips to {INTENT}, average {}.{} us",
        tenths / 10,
        tenths % 10
    );
    Ok(())
}

/// One request carrying `text` and its reply, with the time the successful
/// attempt took. Until `give_up_waiting`, a missing server is waited for.
fn round_trip(cap: u32, text: &str, give_up_waiting: u64) -> Result<(Message, u64), Error> {
    loop {
        let start = aios_sdk::clock_ns();
        let mut request = Message::new(0, Destination::Intent(INTENT.to_string()), INTENT);
        request.body = text_body(text);
        match aios_sdk::request_with(cap, request, REPLY_TIMEOUT_NS) {
            Ok(reply) => return Ok((reply, aios_sdk::clock_ns().saturating_sub(start))),
            Err(Error::NoAgent | Error::NoSuchIntent) if start < give_up_waiting => {
                aios_sdk::sleep_ns(RETRY_NS)?;
            }
            Err(error) => return Err(error),
        }
    }
}

/// The body `{ "text": text }` as CBOR.
fn text_body(text: &str) -> Vec<u8> {
    let mut encoder = Encoder::new(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = encoder
        .map(1)
        .and_then(|e| e.str("text"))
        .and_then(|e| e.str(text));
    encoder.into_writer()
}

/// The text of a `{ "text": text }` reply.
fn text_of(reply: &Message) -> Result<String, Error> {
    let mut decoder = Decoder::new(&reply.body);
    let malformed = |_| Error::MalformedPayload;
    if decoder.map().map_err(malformed)? != Some(1) || decoder.str().map_err(malformed)? != "text" {
        return Err(Error::MalformedPayload);
    }
    let text = decoder.str().map_err(malformed)?;
    Ok(text.to_string())
}

aios_sdk::entry!(main);
