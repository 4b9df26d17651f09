//! `POST /v1/ask`: a question for the node's model, answered as
//! server-sent events, one per piece of text as it is generated, then
//! `done`.

use super::{Call, Reply};
use crate::http::Response;
use aios_json::Value;
use alloc::format;
use alloc::string::String;

/// Most tokens an answer may ask for (the model's scheduler allows no
/// more).
pub const MAX_TOKENS: u64 = 2048;

/// A question for the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// What is asked.
    pub prompt: String,
    /// Most tokens to generate (0: the node's default).
    pub max_tokens: u32,
    /// Sampling temperature in thousandths (0: greedy).
    pub temperature_milli: u32,
    /// A conversation to continue, if any.
    pub conversation: Option<String>,
}

pub(super) fn ask(call: &Call<'_>) -> Reply {
    match question(&call.request.body) {
        Ok(question) => match call.node.ask(call.token, question) {
            Ok(ticket) => Reply::Stream { ticket },
            Err(refused) => Reply::Now(refused.response()),
        },
        Err(why) => Reply::Now(Response::error(400, &why)),
    }
}

/// Reads `{"prompt": text, "max_tokens"?: n, "temperature"?: 0..2,
/// "conversation"?: text}`; any other member is refused, so a misspelt
/// one is not silently ignored.
fn question(body: &[u8]) -> Result<Question, String> {
    let members = super::json_members(body)?;
    let mut question = Question {
        prompt: String::new(),
        max_tokens: 0,
        temperature_milli: 0,
        conversation: None,
    };
    for (key, member) in &members {
        match (key.as_str(), member) {
            ("prompt", Value::Text(prompt)) => question.prompt = prompt.clone(),
            ("max_tokens", Value::Unsigned(n)) if (1..=MAX_TOKENS).contains(n) => {
                question.max_tokens = *n as u32;
            }
            ("max_tokens", _) => return Err(format!("max_tokens must be 1 to {MAX_TOKENS}")),
            ("temperature", Value::Unsigned(t)) if *t <= 2 => {
                question.temperature_milli = *t as u32 * 1000;
            }
            ("temperature", Value::Float(t)) if (0.0..=2.0).contains(t) => {
                question.temperature_milli = (*t * 1000.0) as u32;
            }
            ("temperature", _) => return Err(String::from("temperature must be 0 to 2")),
            ("conversation", Value::Text(name)) => question.conversation = Some(name.clone()),
            ("prompt" | "conversation", _) => return Err(format!("{key} must be a string")),
            _ => return Err(format!("unknown member {key:?}")),
        }
    }
    if question.prompt.trim().is_empty() {
        return Err(String::from("prompt is missing or empty"));
    }
    Ok(question)
}
