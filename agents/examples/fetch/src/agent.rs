//! The agent proper: the request loop and the fetch over the network.

use crate::http::{parse_response, parse_url, request};
use aios_sdk::minicbor::{Decoder, Encoder};
use aios_sdk::{Error, Message, RecvFilter, TcpStream};
use core::time::Duration;

/// Wait for the next request without a time limit.
const FOREVER: u64 = i64::MAX as u64;
/// Connecting, and each read or write, may take this long.
const NET_TIMEOUT: Duration = Duration::from_secs(5);
/// Most bytes of a response read.
const MAX_RESPONSE: usize = 1 << 20;
/// Bytes of the body given back as text.
const BODY_TEXT: usize = 4096;

fn main() -> i32 {
    let error = serve();
    aios_sdk::error!("fetch: {error}");
    1
}

fn serve() -> Error {
    let any = RecvFilter::default();
    loop {
        let request = match aios_sdk::recv(&any, FOREVER) {
            Ok(request) => request,
            Err(error) => return error,
        };
        if request.from == 0 || request.reply_to.is_some() {
            continue;
        }
        let body = match url_of(&request).and_then(|url| fetch(&url)) {
            Ok((status, body)) => answer(status, &body),
            Err(why) => {
                aios_sdk::warn!("fetch: {why}");
                answer_error(&why)
            }
        };
        if let Err(error) = aios_sdk::reply(&request, body) {
            aios_sdk::warn!("fetch: reply to agent {} failed: {error}", request.from);
        }
    }
}

/// The `url` field of a request body `{ url: text }`.
fn url_of(request: &Message) -> Result<String, String> {
    let mut decoder = Decoder::new(&request.body);
    let entries = decoder.map().ok().flatten().ok_or("body is not a map")?;
    for _ in 0..entries {
        let key = decoder.str().map_err(|_| "a key is not text")?;
        if key == "url" {
            return decoder
                .str()
                .map(str::to_string)
                .map_err(|_| "url is not text".into());
        }
        decoder.skip().map_err(|_| "malformed body")?;
    }
    Err("no url".into())
}

/// GETs `url`: its status and body.
fn fetch(url: &str) -> Result<(u16, Vec<u8>), String> {
    let url = parse_url(url).map_err(|e| e.to_string())?;
    let cap = aios_sdk::net_cap("connect").ok_or("no connect capability")?;
    let stream = TcpStream::connect(cap, url.host, url.port, NET_TIMEOUT)
        .map_err(|e| format!("connect {}:{}: {e}", url.host, url.port))?;
    stream
        .write_all(request(&url).as_bytes(), NET_TIMEOUT)
        .map_err(|e| format!("send: {e}"))?;
    let bytes = stream
        .read_to_end(MAX_RESPONSE, NET_TIMEOUT)
        .map_err(|e| format!("receive: {e}"))?;
    let response = parse_response(&bytes).map_err(|e| e.to_string())?;
    Ok((response.status, response.body))
}

/// `{ status, bytes, body }` with the body's first [`BODY_TEXT`] bytes.
fn answer(status: u16, body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(&body[..body.len().min(BODY_TEXT)]);
    encode(u64::from(status), body.len() as u64, &text)
}

/// A failed fetch: status 0 and the reason as the body.
fn answer_error(why: &str) -> Vec<u8> {
    encode(0, 0, why)
}

fn encode(status: u64, bytes: u64, body: &str) -> Vec<u8> {
    let mut encoder = Encoder::new(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = encoder
        .map(3)
        .and_then(|e| e.str("status"))
        .and_then(|e| e.u64(status))
        .and_then(|e| e.str("bytes"))
        .and_then(|e| e.u64(bytes))
        .and_then(|e| e.str("body"))
        .and_then(|e| e.str(body));
    encoder.into_writer()
}

aios_sdk::entry!(main);
