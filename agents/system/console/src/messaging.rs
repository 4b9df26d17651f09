//! The lines of `send`, `trace` and `ipc`: a request and its reply,
//! a conversation in causal order, and the messaging totals.

use crate::Host;
use aios_abi::payload::{IpcStats, LATENCY_BOUNDS_NS, TraceEntry, TraceList};
use aios_ipc::Message;

/// How long `send` waits for the reply.
pub const SEND_TIMEOUT_NS: u64 = 5_000_000_000;
/// The longest histogram bar, in characters.
pub const BAR_WIDTH: u64 = 40;

/// Runs `send INTENT JSON`: converts the JSON to CBOR, sends it as a
/// request and prints the reply, or `send: <why not>`.
pub fn send<H: Host>(host: &mut H, intent: &str, json: &str) -> String {
    let body = match aios_json::json_to_cbor(json) {
        Ok(body) => body,
        Err(error) => return format!("send: invalid JSON {error}"),
    };
    match host.request(intent, body, SEND_TIMEOUT_NS) {
        Ok(reply) => reply_line(&reply),
        Err(error) => format!("send: {error}"),
    }
}

/// `send "REQUEST" JSON`: like [`send`], addressed by meaning; the
/// reply line names the intent the kernel chose.
pub fn send_request<H: Host>(host: &mut H, text: &str, json: &str) -> String {
    let body = match aios_json::json_to_cbor(json) {
        Ok(body) => body,
        Err(error) => return format!("send: invalid JSON {error}"),
    };
    match host.request_text(text, body, SEND_TIMEOUT_NS) {
        Ok(reply) => format!("routed to {}: {}", reply.intent, reply_line(&reply)),
        Err(error) => format!("send: {error}"),
    }
}

/// `reply from agent <N>: <body as JSON>`.
pub fn reply_line(reply: &Message) -> String {
    let body = if reply.body.is_empty() {
        String::from("(empty body)")
    } else {
        aios_json::cbor_to_json(&reply.body)
            .unwrap_or_else(|error| format!("({} bytes, not CBOR {error})", reply.body.len()))
    };
    format!("reply from agent {}: {body}", reply.from)
}

/// One line per traced message, indented two spaces per causal level:
/// `<id> <from> -> <to> <intent> <bytes>B sent <ms>ms [recv +<us>us]`.
pub fn trace(id: u64, list: &TraceList) -> Vec<String> {
    if list.entries.is_empty() {
        return vec![format!("trace: no messages traced for message {id}")];
    }
    // Parents come before their children, so each depth is known when
    // its children arrive.
    let mut depths: Vec<(u64, usize)> = Vec::with_capacity(list.entries.len());
    let mut lines = Vec::with_capacity(list.entries.len());
    for entry in &list.entries {
        let depth = entry
            .causal_parent
            .and_then(|parent| depths.iter().find(|(id, _)| *id == parent))
            .map_or(0, |(_, depth)| depth + 1);
        depths.push((entry.id, depth));
        lines.push(format!("{}{}", "  ".repeat(depth), trace_line(entry)));
    }
    lines
}

fn trace_line(entry: &TraceEntry) -> String {
    let received = entry.received_ns.map_or(String::new(), |at| {
        format!(" recv +{}us", at.saturating_sub(entry.sent_ns) / 1000)
    });
    format!(
        "{} {} -> {} {} {}B sent {}.{:03}ms{received}",
        entry.id,
        entry.from,
        entry.to,
        entry.intent,
        entry.bytes,
        entry.sent_ns / 1_000_000,
        (entry.sent_ns / 1000) % 1000
    )
}

/// The totals line, also shown by `top`.
pub fn totals(stats: &IpcStats) -> String {
    let lost = match stats.notices_lost {
        0 => String::new(),
        n => format!(", notices lost {n}"),
    };
    format!(
        "ipc: sent {}, delivered {}, expired {}, refused {}, queued {}{lost}",
        stats.sent, stats.delivered, stats.expired, stats.refused, stats.queued
    )
}

/// `ipc`: the totals, then one line per latency bucket with its count
/// and a bar scaled to the fullest bucket.
pub fn stats(stats: &IpcStats) -> Vec<String> {
    let answered = stats
        .latency_buckets
        .iter()
        .fold(0u64, |sum, count| sum.saturating_add(*count));
    let fullest = stats.latency_buckets.iter().copied().max().unwrap_or(0);
    let mut lines = vec![
        totals(stats),
        format!("round-trip latency ({answered} replies):"),
    ];
    for (bucket, &count) in stats.latency_buckets.iter().enumerate() {
        let mut line = format!("  {:<9}{count:>8}", bucket_label(bucket));
        let marks = bar(count, fullest);
        if marks > 0 {
            line.push(' ');
            line.push_str(&"#".repeat(marks));
        }
        lines.push(line);
    }
    lines
}

/// `<= 10us`, ..., `<= 100ms`, then `> 100ms` for the overflow bucket.
fn bucket_label(bucket: usize) -> String {
    match LATENCY_BOUNDS_NS.get(bucket) {
        Some(&bound) => format!("<= {}", duration(bound)),
        None => match LATENCY_BOUNDS_NS.last() {
            Some(&last) if bucket == LATENCY_BOUNDS_NS.len() => format!("> {}", duration(last)),
            _ => format!("bucket {bucket}"),
        },
    }
}

fn duration(ns: u64) -> String {
    if ns >= 1_000_000 {
        format!("{}ms", ns / 1_000_000)
    } else {
        format!("{}us", ns / 1000)
    }
}

/// Bar length for `count` when the fullest bucket holds `fullest`: at
/// least one mark for any non-zero count.
fn bar(count: u64, fullest: u64) -> usize {
    if count == 0 || fullest == 0 {
        return 0;
    }
    let scaled = u128::from(count) * u128::from(BAR_WIDTH) / u128::from(fullest);
    usize::try_from(scaled.max(1)).unwrap_or(0)
}
