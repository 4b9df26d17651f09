//! Example agent: serves `net.fetch`. Each request `{ url }` names an
//! `http://` URL; the agent opens its own TCP stream (under its
//! `connect:*:*` capability), sends a GET, reads the response to its end
//! and answers `{ status, bytes, body }` with the body's first 4 KiB as
//! text. The HTTP parsing is [`http`], host-tested and fuzzed.

pub mod http;

#[cfg(target_arch = "wasm32")]
mod agent;
