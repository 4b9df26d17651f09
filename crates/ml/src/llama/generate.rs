//! Token-at-a-time generation in one session, so the caller (the OS's inference
//! scheduler) can preempt between tokens: a [`Decoder`] driving a borrowed [`Session`].

use alloc::vec::Vec;

use super::Session;
use super::decode::{Decoder, Step};
use crate::error::Result;
use crate::kernels::Backend;
use crate::sample::SamplerConfig;

/// Generates tokens one at a time after a prompt.
#[derive(Debug)]
pub struct Generator<'s, 'm, 'a> {
    session: &'s mut Session<'m, 'a>,
    decoder: Decoder,
    logits: Vec<f32>,
}

impl<'s, 'm, 'a> Generator<'s, 'm, 'a> {
    /// Evaluates `prompt` (at least one token) in `session` and prepares to generate.
    /// The tokens generated are appended to the session, except the final
    /// end-of-turn token, which is never evaluated.
    pub fn new(
        session: &'s mut Session<'m, 'a>,
        prompt: &[u32],
        config: &SamplerConfig,
        backend: Backend,
    ) -> Result<Self> {
        let decoder = Decoder::new(config)?;
        let logits = session.feed(prompt, backend)?;
        Ok(Generator {
            session,
            decoder,
            logits,
        })
    }

    /// Generates the next token, or `None` once generation has finished.
    pub fn next_step(&mut self, backend: Backend) -> Result<Option<Step>> {
        let llm = self.session.llm;
        let Some(step) = self.decoder.step(&self.logits, &llm.tokenizer)? else {
            return Ok(None);
        };
        if !step.finished {
            self.logits = self.session.feed(&[step.token], backend)?;
        }
        Ok(Some(step))
    }

    /// Tokens generated so far.
    pub fn produced(&self) -> usize {
        self.decoder.produced()
    }
}
