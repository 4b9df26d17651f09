//! `POST /v1/memory` remembers a text in the token's own memory region,
//! embedded by the node's model; `GET /v1/memory?q=&k=` recalls the
//! texts closest in meaning. The same fabric calls as the `memory_store`
//! and `memory_query` syscalls.

use super::{Call, Reply};
use crate::http::Response;
use aios_json::Value;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// Most memories one recall returns (as `memory_query`).
pub const MAX_RECALL: u64 = 100;
/// Memories a recall returns unless `k` says.
const DEFAULT_K: u64 = 5;

/// A text to remember.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Memo {
    /// The text, embedded and kept.
    pub text: String,
    /// Its tags.
    pub tags: Vec<String>,
}

/// A memory recalled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recalled {
    /// Its key.
    pub key: String,
    /// Cosine similarity to the query, in thousandths.
    pub score_permille: i32,
    /// The text.
    pub text: String,
    /// Its tags.
    pub tags: Vec<String>,
}

pub(super) fn remember(call: &Call<'_>) -> Reply {
    let memo = match memo(&call.request.body) {
        Ok(memo) => memo,
        Err(why) => return Reply::Now(Response::error(400, &why)),
    };
    match call.node.remember(call.token, memo) {
        Ok(key) => {
            let mut body = String::from("{\"key\":");
            aios_json::write_string(&mut body, &key);
            body.push('}');
            Reply::Now(Response::json(201, body))
        }
        Err(refused) => Reply::Now(refused.response()),
    }
}

/// Reads `{"text": TEXT, "tags"?: [TEXT, …]}`; any other member is
/// refused, so a misspelt one is not silently ignored.
fn memo(body: &[u8]) -> Result<Memo, String> {
    let members = super::json_members(body)?;
    let mut memo = Memo {
        text: String::new(),
        tags: Vec::new(),
    };
    for (key, member) in &members {
        match (key.as_str(), member) {
            ("text", Value::Text(text)) => memo.text = text.clone(),
            ("tags", Value::Array(tags)) => {
                for tag in tags {
                    let Value::Text(tag) = tag else {
                        return Err(String::from("tags must be strings"));
                    };
                    memo.tags.push(tag.clone());
                }
            }
            ("text", _) => return Err(String::from("text must be a string")),
            ("tags", _) => return Err(String::from("tags must be an array of strings")),
            _ => return Err(format!("unknown member {key:?}")),
        }
    }
    if memo.text.trim().is_empty() {
        return Err(String::from("text is missing or empty"));
    }
    Ok(memo)
}

pub(super) fn recall(call: &Call<'_>) -> Reply {
    let query = match call.query_text("q") {
        Ok(Some(query)) if !query.trim().is_empty() => query,
        Ok(_) => return Reply::Now(Response::error(400, "q (the text to recall by) is missing")),
        Err(why) => return Reply::Now(Response::error(400, &why)),
    };
    let k = match call.query_number("k", 1..=MAX_RECALL, DEFAULT_K) {
        Ok(k) => k as usize,
        Err(why) => return Reply::Now(Response::error(400, &why)),
    };
    match call.node.recall(call.token, &query, k) {
        Ok(found) => {
            let mut body = String::from("[");
            for (i, memory) in found.iter().enumerate() {
                if i > 0 {
                    body.push(',');
                }
                body.push_str("{\"key\":");
                aios_json::write_string(&mut body, &memory.key);
                let sign = if memory.score_permille < 0 { "-" } else { "" };
                let score = memory.score_permille.unsigned_abs();
                let _ = write!(
                    body,
                    ",\"score\":{sign}{}.{:03},\"text\":",
                    score / 1000,
                    score % 1000
                );
                aios_json::write_string(&mut body, &memory.text);
                body.push_str(",\"tags\":[");
                for (j, tag) in memory.tags.iter().enumerate() {
                    if j > 0 {
                        body.push(',');
                    }
                    aios_json::write_string(&mut body, tag);
                }
                body.push_str("]}");
            }
            body.push(']');
            Reply::Now(Response::json(200, body))
        }
        Err(refused) => Reply::Now(refused.response()),
    }
}
