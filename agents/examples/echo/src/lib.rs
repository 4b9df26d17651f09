//! Example agent: serves intent `demo.echo`, answering every request with
//! the body it was sent. Logs nothing per message: it is benchmarked.

use aios_sdk::{Error, Message, RecvFilter};

/// Wait for the next message without a time limit.
const FOREVER: u64 = i64::MAX as u64;

fn main() -> i32 {
    let error = serve();
    aios_sdk::error!("echo: {error}");
    1
}

/// Answers requests until receiving fails; returns why it stopped.
fn serve() -> Error {
    let any = RecvFilter::default();
    loop {
        let mut request = match aios_sdk::recv(&any, FOREVER) {
            Ok(request) => request,
            Err(error) => return error,
        };
        if !is_request(&request) {
            continue;
        }
        // The requester may have gone; that is its loss, not a reason to
        // stop serving the others.
        let body = core::mem::take(&mut request.body);
        if let Err(error) = aios_sdk::reply(&request, body) {
            aios_sdk::warn!("echo: reply to agent {} failed: {error}", request.from);
        }
    }
}

/// Whether `message` asks for an answer: sent by an agent (not a kernel
/// notice) and not itself a reply.
fn is_request(message: &Message) -> bool {
    message.from != 0 && message.reply_to.is_none()
}

aios_sdk::entry!(main);
