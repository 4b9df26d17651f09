//! The owned decoding state of one generation: sampling, stop strings that never leak
//! into the output, and UTF-8 reassembly. It borrows no session, so a scheduler can keep
//! it next to the session it decodes and evaluate many sessions' tokens in one batch.

use alloc::string::String;
use alloc::vec::Vec;

use crate::bpe::Tokenizer;
use crate::error::{Error, Result};
use crate::sample::{Sampler, SamplerConfig};

/// One generated token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The token chosen.
    pub token: u32,
    /// Text that became final with this token (may be empty while a multi-byte
    /// character or a possible stop string is incomplete).
    pub text: String,
    /// True when generation ended with this step (end of turn, stop string, or limit).
    pub finished: bool,
}

/// Turns successive logits into tokens and final text until generation ends.
#[derive(Debug, Clone)]
pub struct Decoder {
    sampler: Sampler,
    max_tokens: usize,
    stop: Vec<String>,
    produced: usize,
    /// Bytes of the output not yet forming whole UTF-8 characters.
    pending: Vec<u8>,
    /// Decoded text held back because it may be the start of a stop string.
    held: String,
    finished: bool,
}

impl Decoder {
    /// A decoder for `config`; bad sampler settings or an empty stop string are refused.
    /// With `max_tokens == 0` it is finished at once.
    pub fn new(config: &SamplerConfig) -> Result<Self> {
        let sampler = Sampler::new(config)?;
        if config.stop.iter().any(String::is_empty) {
            return Err(Error::Malformed {
                what: "empty stop string",
            });
        }
        Ok(Decoder {
            sampler,
            max_tokens: config.max_tokens,
            stop: config.stop.clone(),
            produced: 0,
            pending: Vec::new(),
            held: String::new(),
            finished: config.max_tokens == 0,
        })
    }

    /// Samples the next token from `logits` and returns it with the text it made
    /// final, or `None` once generation has finished. When the step is not finished,
    /// the caller evaluates `step.token` in its session to get the next logits.
    pub fn step(&mut self, logits: &[f32], tokenizer: &Tokenizer<'_>) -> Result<Option<Step>> {
        if self.finished {
            return Ok(None);
        }
        let token = self.sampler.sample(logits)?;
        self.produced += 1;
        let end_of_turn = token == tokenizer.eos || Some(token) == tokenizer.token_id("<|im_end|>");
        if !end_of_turn {
            tokenizer.token_bytes(token, false, &mut self.pending)?;
        }
        self.take_complete_utf8();
        let mut text = String::new();
        if let Some(at) = self
            .stop
            .iter()
            .filter_map(|s| self.held.find(s.as_str()))
            .min()
        {
            text.push_str(&self.held[..at]);
            self.finished = true;
        } else if end_of_turn || self.produced >= self.max_tokens {
            text.push_str(&self.held);
            self.finished = true;
        } else {
            let keep = self.possible_stop_start();
            text.push_str(&self.held[..keep]);
            self.held.drain(..keep);
        }
        Ok(Some(Step {
            token,
            text,
            finished: self.finished,
        }))
    }

    /// Tokens generated so far.
    pub fn produced(&self) -> usize {
        self.produced
    }

    /// True once generation has ended; [`Decoder::step`] then returns `None`.
    pub fn finished(&self) -> bool {
        self.finished
    }

    /// Moves the longest valid UTF-8 prefix of `pending` into `held`.
    fn take_complete_utf8(&mut self) {
        let valid = match core::str::from_utf8(&self.pending) {
            Ok(s) => s.len(),
            // An invalid sequence (not merely incomplete) is replaced, not waited for.
            Err(e) if e.error_len().is_some() => {
                let bad = e.valid_up_to() + e.error_len().unwrap_or(1);
                self.held
                    .push_str(&String::from_utf8_lossy(&self.pending[..bad]));
                self.pending.drain(..bad);
                return self.take_complete_utf8();
            }
            Err(e) => e.valid_up_to(),
        };
        let text: Vec<u8> = self.pending.drain(..valid).collect();
        self.held.push_str(&String::from_utf8_lossy(&text));
    }

    /// Length of `held` that cannot be part of a stop string completed later.
    fn possible_stop_start(&self) -> usize {
        let mut keep = self.held.len();
        for stop in &self.stop {
            for (i, _) in self.held.char_indices() {
                if i < keep && stop.starts_with(&self.held[i..]) {
                    keep = i;
                }
            }
        }
        keep
    }
}
