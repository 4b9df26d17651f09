//! `POST /v1/intents/{intent}`: a message for whichever agent serves the
//! intent (routed, schema-checked and audited as any message is), and the
//! reply it gets, as JSON.

use super::{Call, Reply};
use crate::http::Response;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// How long a request waits for its reply unless it says (`timeout_ms`).
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
/// The longest wait a request may ask for.
pub const MAX_TIMEOUT_MS: u64 = 60_000;

/// A message the API sends for a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// The intent, as the path names it.
    pub intent: String,
    /// The body, one CBOR item.
    pub body: Vec<u8>,
    /// How long the reply may take; the message expires unread after it.
    pub timeout_ns: u64,
}

pub(super) fn send(call: &Call<'_>) -> Reply {
    match outgoing(call) {
        Ok(message) => {
            let deadline_ns = call.now_ns.saturating_add(message.timeout_ns);
            match call.node.send(call.token, message) {
                Ok(ticket) => Reply::Later {
                    ticket,
                    deadline_ns,
                },
                Err(refused) => Reply::Now(refused.response()),
            }
        }
        Err(why) => Reply::Now(Response::error(400, &why)),
    }
}

/// The message a request asks for: its body as CBOR (sent as JSON, or
/// as CBOR with `Content-Type: application/cbor`) and its wait.
fn outgoing(call: &Call<'_>) -> Result<Outgoing, String> {
    let intent = call.param("intent").unwrap_or_default();
    let timeout_ms = call.query_number("timeout_ms", 1..=MAX_TIMEOUT_MS, DEFAULT_TIMEOUT_MS)?;
    let body = &call.request.body;
    let cbor = call
        .request
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/cbor"));
    let body = if cbor {
        aios_json::cbor_to_json(body).map_err(|e| format!("the body is not one CBOR item: {e}"))?;
        body.clone()
    } else {
        let text = core::str::from_utf8(body).map_err(|_| String::from("the body is not UTF-8"))?;
        if text.trim().is_empty() {
            return Err(String::from("the body must be the message, as JSON"));
        }
        aios_json::json_to_cbor(text).map_err(|e| format!("the body is not JSON: {e}"))?
    };
    Ok(Outgoing {
        intent: String::from(intent),
        body,
        timeout_ns: timeout_ms * 1_000_000,
    })
}

/// The response carrying a reply: `{"intent", "from", "reply"}`.
pub(crate) fn replied(intent: &str, from: u64, body: &[u8]) -> Response {
    match aios_json::cbor_to_json(body) {
        Ok(reply) => {
            let mut out = String::from("{\"intent\":");
            aios_json::write_string(&mut out, intent);
            let _ = write!(out, ",\"from\":{from},\"reply\":{reply}}}");
            Response::json(200, out)
        }
        Err(e) => Response::error(502, &format!("agent {from} replied with bad CBOR: {e}")),
    }
}
