//! Example agent: a TCP echo server (RFC 862) on port 7. It serves one
//! connection at a time, sending back every byte until the peer closes,
//! and logs each connection.

use aios_sdk::{Error, TcpListener, TcpStream};
use core::time::Duration;

/// The echo port.
const PORT: u16 = 7;
/// Waiting for a connection or for bytes has no useful limit.
const FOREVER: Duration = Duration::from_secs(1 << 40);
/// A peer that stops reading gets this long to make room.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

fn main() -> i32 {
    let error = serve();
    aios_sdk::error!("tcp-echo: {error}");
    1
}

fn serve() -> Error {
    let Some(cap) = aios_sdk::net_cap("listen") else {
        return Error::PermissionDenied;
    };
    let listener = match TcpListener::bind(cap, PORT) {
        Ok(listener) => listener,
        Err(error) => return error,
    };
    aios_sdk::info!("tcp-echo: listening on port {PORT}");
    loop {
        let stream = match listener.accept(FOREVER) {
            Ok(stream) => stream,
            Err(error) => return error,
        };
        let peer = stream
            .info()
            .ok()
            .and_then(|i| i.remote)
            .unwrap_or_default();
        match echo(&stream) {
            Ok(bytes) => aios_sdk::info!("tcp-echo: {peer} closed after {bytes} bytes"),
            Err(error) => aios_sdk::warn!("tcp-echo: {peer}: {error}"),
        }
    }
}

/// Sends back what arrives until the end of the stream; returns the count.
fn echo(stream: &TcpStream) -> Result<u64, Error> {
    let mut buf = [0u8; 4096];
    let mut total = 0u64;
    loop {
        match stream.read(&mut buf, FOREVER)? {
            0 => return Ok(total),
            n => {
                stream.write_all(&buf[..n], WRITE_TIMEOUT)?;
                total += n as u64;
            }
        }
    }
}

aios_sdk::entry!(main);
