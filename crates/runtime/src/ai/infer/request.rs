//! One generation request and where its KV cache is.

use aios_abi::Handle;
use aios_abi::payload::InferToken;
use aios_ml::{Decoder, Session};
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

/// Where a request's conversation state (tokens and KV cache) is.
pub(crate) enum Slot {
    /// Nothing evaluated yet: a fresh session is made when it first runs.
    Fresh,
    /// In kernel memory.
    Resident(Session<'static, 'static>),
    /// Saved in the fabric's KV region under this key.
    Saved(String),
}

/// An `infer` request being served.
pub(crate) struct Request {
    pub(crate) id: u64,
    pub(crate) agent: u64,
    /// The requester's Model handle, charged a token per token generated
    /// (none for the API's requests: its tokens' scopes are the gate).
    pub(crate) model: Option<Handle>,
    /// Prompt tokens not evaluated yet.
    pub(crate) prompt: Vec<u32>,
    pub(crate) prompt_total: u32,
    pub(crate) decoder: Decoder,
    pub(crate) max_tokens: usize,
    pub(crate) slot: Slot,
    /// Next-token logits, once the prompt has been evaluated.
    pub(crate) logits: Vec<f32>,
    /// Fabric key the conversation is saved under at the end.
    pub(crate) conversation: Option<String>,
    /// Messages not yet delivered (the requester's mailbox was full).
    pub(crate) outbox: VecDeque<InferToken>,
    /// Set once finished (a `finish` code); removed when its last
    /// message is delivered.
    pub(crate) finished: Option<u8>,
    /// Turn number of its last step (least recently run is suspended
    /// first).
    pub(crate) last_turn: u64,
    pub(crate) submitted_ns: u64,
}

impl Request {
    /// True while prompt tokens remain to evaluate.
    pub(crate) fn prefilling(&self) -> bool {
        !self.prompt.is_empty()
    }

    /// True when a turn could do work for it now.
    pub(crate) fn ready(&self) -> bool {
        self.finished.is_none() && self.outbox.is_empty()
    }

    pub(crate) fn resident(&self) -> bool {
        matches!(self.slot, Slot::Resident(_))
    }

    /// Queues a message for the requester.
    pub(crate) fn say(&mut self, text: String, finish: Option<u8>, error: Option<String>) {
        let generated = u32::try_from(self.decoder.produced()).unwrap_or(u32::MAX);
        self.outbox.push_back(InferToken {
            request: self.id,
            text,
            generated,
            prompt_tokens: self.prompt_total,
            finish,
            error,
            saved: false,
        });
    }

    /// Ends the request with `code` (its last message says why).
    pub(crate) fn finish(&mut self, code: u8, text: String, error: Option<String>) {
        self.finished = Some(code);
        self.say(text, Some(code), error);
    }
}
