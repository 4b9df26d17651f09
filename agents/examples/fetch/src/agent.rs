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
            Ok(page) => answer(&page),
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

/// What a GET brought back.
struct Page {
    status: u16,
    body: Vec<u8>,
    /// An https page's TLS session ("TLS 1.3, X25519MLKEM768, …").
    tls: Option<String>,
}

/// GETs `url`: its status and body.
fn fetch(url: &str) -> Result<Page, String> {
    let url = parse_url(url).map_err(|e| e.to_string())?;
    let cap = aios_sdk::net_cap("connect").ok_or("no connect capability")?;
    let stream = if url.secure {
        TcpStream::connect_tls(cap, url.host, url.port, url.host, NET_TIMEOUT)
    } else {
        TcpStream::connect(cap, url.host, url.port, NET_TIMEOUT)
    }
    .map_err(|e| format!("connect {}:{}: {e}", url.host, url.port))?;
    let tls = if url.secure {
        let state = stream
            .info()
            .map_err(|e| format!("endpoint info: {e}"))?
            .state;
        state.find("TLS ").map(|at| state[at..].to_string())
    } else {
        None
    };
    stream
        .write_all(request(&url).as_bytes(), NET_TIMEOUT)
        .map_err(|e| format!("send: {e}"))?;
    let bytes = stream
        .read_to_end(MAX_RESPONSE, NET_TIMEOUT)
        .map_err(|e| format!("receive: {e}"))?;
    let response = parse_response(&bytes).map_err(|e| e.to_string())?;
    Ok(Page {
        status: response.status,
        body: response.body,
        tls,
    })
}

/// `{ status, bytes, body[, tls] }` with the body's first [`BODY_TEXT`]
/// bytes.
fn answer(page: &Page) -> Vec<u8> {
    let body = &page.body;
    let text = String::from_utf8_lossy(&body[..body.len().min(BODY_TEXT)]);
    encode(
        u64::from(page.status),
        body.len() as u64,
        &text,
        page.tls.as_deref(),
    )
}

/// A failed fetch: status 0 and the reason as the body.
fn answer_error(why: &str) -> Vec<u8> {
    encode(0, 0, why, None)
}

fn encode(status: u64, bytes: u64, body: &str, tls: Option<&str>) -> Vec<u8> {
    let mut encoder = Encoder::new(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = encoder
        .map(if tls.is_some() { 4 } else { 3 })
        .and_then(|e| e.str("status"))
        .and_then(|e| e.u64(status))
        .and_then(|e| e.str("bytes"))
        .and_then(|e| e.u64(bytes))
        .and_then(|e| e.str("body"))
        .and_then(|e| e.str(body));
    if let Some(tls) = tls {
        let _ = encoder.str("tls").and_then(|e| e.str(tls));
    }
    encoder.into_writer()
}

aios_sdk::entry!(main);
