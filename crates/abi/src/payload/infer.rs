//! Payloads of `infer`: the request, and the token messages the kernel
//! streams back to the requester (intent [`INFER_TOKEN_INTENT`], from the
//! kernel, conversation id = the request id).

use alloc::string::String;
use alloc::vec::Vec;
use minicbor::{Decode, Encode};

/// Intent of the messages that carry generated text back to the requester.
pub const INFER_TOKEN_INTENT: &str = "aios.infer.token";

/// One message of a chat.
#[derive(Debug, Clone, Default, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct ChatMessage {
    /// `system`, `user` or `assistant`.
    #[n(0)]
    pub role: String,
    /// The text.
    #[n(1)]
    pub content: String,
}

/// A generation request (`infer`). Exactly one of `prompt` and `messages`
/// is given: a raw prompt is evaluated as is; messages are rendered with
/// the model's chat template.
#[derive(Debug, Clone, Default, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct InferRequest {
    /// Raw prompt text.
    #[n(0)]
    pub prompt: Option<String>,
    /// Chat messages.
    #[n(1)]
    pub messages: Vec<ChatMessage>,
    /// Most tokens to generate (0: 128).
    #[n(2)]
    pub max_tokens: u32,
    /// Sampling temperature in thousandths (0: greedy).
    #[n(3)]
    pub temperature_milli: u32,
    /// Nucleus sampling mass in thousandths (0: 1000, i.e. all tokens).
    #[n(4)]
    pub top_p_milli: u32,
    /// Seed of the sampler (used when the temperature is above 0).
    #[n(5)]
    pub seed: u64,
    /// Generation stops before any of these strings would be produced.
    #[n(6)]
    pub stop: Vec<String>,
    /// A conversation name: its saved context (the KV cache, kept in the
    /// memory fabric) is restored before the prompt and saved again after
    /// the answer, so a chat continues without re-reading its history.
    #[n(7)]
    pub conversation: Option<String>,
}

/// Why a generation ended.
pub mod finish {
    /// The model ended its turn.
    pub const END_OF_TURN: u8 = 1;
    /// A stop string was reached.
    pub const STOP: u8 = 2;
    /// `max_tokens` were generated.
    pub const LENGTH: u8 = 3;
    /// The model's context is full.
    pub const CONTEXT: u8 = 4;
    /// The Model capability's token budget ran out.
    pub const QUOTA: u8 = 5;
    /// The requester cancelled it (`infer_cancel`).
    pub const CANCELLED: u8 = 6;
    /// The engine failed (the `error` field says why).
    pub const ERROR: u8 = 7;

    /// A finish code's name: `end_of_turn`, `stop`, `length`, `context`,
    /// `quota`, `cancelled`, `error` (`unknown` for any other value).
    pub fn name(code: u8) -> &'static str {
        match code {
            END_OF_TURN => "end_of_turn",
            STOP => "stop",
            LENGTH => "length",
            CONTEXT => "context",
            QUOTA => "quota",
            CANCELLED => "cancelled",
            ERROR => "error",
            _ => "unknown",
        }
    }
}

/// A piece of generated text (body of an [`INFER_TOKEN_INTENT`] message).
/// The last one of a request has `finish` set.
#[derive(Debug, Clone, Default, PartialEq, Encode, Decode)]
#[cbor(map)]
pub struct InferToken {
    /// The request this belongs to (its id from `infer`).
    #[n(0)]
    pub request: u64,
    /// Text made final since the previous message (may be empty in the
    /// last one).
    #[n(1)]
    pub text: String,
    /// Tokens generated so far.
    #[n(2)]
    pub generated: u32,
    /// Prompt tokens evaluated (those of a restored conversation excluded).
    #[n(3)]
    pub prompt_tokens: u32,
    /// Set on the last message: a [`finish`] code.
    #[n(4)]
    pub finish: Option<u8>,
    /// With [`finish::ERROR`]: what went wrong.
    #[n(5)]
    pub error: Option<String>,
    /// With a `conversation`: whether its context was saved afterwards.
    #[n(6)]
    pub saved: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode, encode};
    use alloc::string::ToString;
    use alloc::vec;

    #[test]
    fn requests_and_tokens_round_trip() {
        let request = InferRequest {
            messages: vec![ChatMessage {
                role: "user".to_string(),
                content: "Name three primary colors.".to_string(),
            }],
            max_tokens: 32,
            stop: vec!["\n\n".to_string()],
            conversation: Some("chat".to_string()),
            ..InferRequest::default()
        };
        assert_eq!(decode::<InferRequest>(&encode(&request)), Ok(request));
        let token = InferToken {
            request: 9,
            text: "Red".to_string(),
            generated: 1,
            prompt_tokens: 30,
            finish: Some(finish::LENGTH),
            error: None,
            saved: true,
        };
        assert_eq!(decode::<InferToken>(&encode(&token)), Ok(token));
    }
}

#[cfg(test)]
mod wire {
    use super::InferToken;
    use alloc::string::ToString;

    /// The example in docs/abi.md.
    #[test]
    fn a_token_message_encodes_as_documented() {
        let token = InferToken {
            request: 3,
            text: "Red".to_string(),
            generated: 2,
            prompt_tokens: 35,
            ..InferToken::default()
        };
        let bytes = crate::encode(&token);
        let hex: alloc::vec::Vec<alloc::string::String> =
            bytes.iter().map(|b| alloc::format!("{b:02x}")).collect();
        assert_eq!(
            hex.join(" "),
            "a5 00 03 01 63 52 65 64 02 02 03 18 23 06 f4"
        );
    }
}
