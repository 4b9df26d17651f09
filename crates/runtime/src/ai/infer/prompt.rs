//! Turning an `InferRequest` into prompt tokens: a raw prompt as given, or
//! chat messages through the model's ChatML template. Text inside a
//! message may not smuggle in the template's control tokens (a user
//! message cannot close its turn and open a system one).

use aios_abi::Error;
use aios_abi::payload::InferRequest;
use aios_ml::{Llm, Message, Role};
use alloc::string::String;
use alloc::vec::Vec;

const START: &str = "<|im_start|>";
const END: &str = "<|im_end|>";

/// The prompt tokens of `request`; `continuing` when the request extends
/// a saved conversation (whose last turn, the model's, is still open).
pub(crate) fn render(
    llm: &Llm<'_>,
    request: &InferRequest,
    continuing: bool,
) -> Result<Vec<u32>, Error> {
    match (&request.prompt, request.messages.is_empty()) {
        (Some(prompt), true) if !prompt.is_empty() => {
            Ok(llm.tokenizer.encode(prompt.as_str(), true))
        }
        (None, false) => chat(llm, request, continuing),
        _ => Err(Error::InvalidArgument),
    }
}

fn chat(llm: &Llm<'_>, request: &InferRequest, continuing: bool) -> Result<Vec<u32>, Error> {
    let mut messages = Vec::with_capacity(request.messages.len());
    for m in &request.messages {
        let role = match m.role.as_str() {
            "system" => Role::System,
            "user" => Role::User,
            "assistant" => Role::Assistant,
            _ => return Err(Error::InvalidArgument),
        };
        messages.push(Message {
            role,
            content: m.content.as_str(),
        });
    }
    let turns = if continuing {
        messages.len()
    } else {
        messages.len() + usize::from(messages.first().is_some_and(|m| m.role != Role::System))
    };
    // Each turn opens and closes; the model's turn is opened at the end,
    // and a continued conversation first closes the model's last turn.
    let expected = 2 * turns + 1 + usize::from(continuing);
    let text = if continuing {
        // Close the model's open turn, then the new turns, then open the
        // model's next one; no default system message mid-conversation.
        let mut text = String::from(END);
        text.push('\n');
        for m in &messages {
            text.push_str(START);
            text.push_str(m.role.name());
            text.push('\n');
            text.push_str(m.content);
            text.push_str(END);
            text.push('\n');
        }
        text.push_str(START);
        text.push_str("assistant\n");
        text
    } else {
        Llm::chat_template(&messages)
    };
    let tokens = llm.tokenizer.encode(&text, true);
    let start = llm.tokenizer.token_id(START);
    let end = llm.tokenizer.token_id(END);
    let found = tokens
        .iter()
        .filter(|&&t| Some(t) == start || Some(t) == end || t == llm.tokenizer.eos)
        .count();
    // Each marker the template wrote is one control token; any more came
    // from inside a message.
    if found != expected {
        return Err(Error::InvalidArgument);
    }
    Ok(tokens)
}
