//! One decoding step of several sessions in a single forward pass: the scheduler's way
//! to serve many generations at once while streaming the weights from memory once.

use alloc::vec::Vec;

use super::attention::Order;
use super::forward::{logits, run_layers};
use super::{Llm, Session};
use crate::error::{Error, Result};
use crate::kernels::Backend;

impl<'a> Llm<'a> {
    /// Evaluates one new token per session (`tokens[i]` follows `sessions[i]`) in one
    /// pass and returns each session's next-token logits. The rows of all sessions go
    /// through each weight matrix together, so the weights are read once per batch,
    /// not once per session; each row is rotated at its own session's position and
    /// attends over its own session's cache. The result equals feeding each session
    /// alone. An empty batch, a length mismatch, a token out of range, a session whose
    /// context is full or one belonging to another model is refused, and then no
    /// session is modified.
    pub fn feed_batch(
        &self,
        sessions: &mut [&mut Session<'_, 'a>],
        tokens: &[u32],
        backend: Backend,
    ) -> Result<Vec<Vec<f32>>> {
        if sessions.is_empty() {
            return Err(Error::Malformed {
                what: "feed_batch needs at least one session",
            });
        }
        if tokens.len() != sessions.len() {
            return Err(Error::LengthMismatch {
                what: "feed_batch tokens (one per session)",
                expected: sessions.len(),
                found: tokens.len(),
            });
        }
        if tokens.iter().any(|&t| t as usize >= self.config.vocab) {
            return Err(Error::Malformed {
                what: "token id out of range",
            });
        }
        for s in sessions.iter() {
            if !core::ptr::eq(s.llm, self) {
                return Err(Error::Malformed {
                    what: "session belongs to another model",
                });
            }
            if s.remaining_context() == 0 {
                return Err(Error::TooLarge {
                    what: "session's context is full",
                });
            }
        }
        let groups: Vec<&[u32]> = tokens.iter().map(core::slice::from_ref).collect();
        let mut hidden = run_layers(self, sessions, &groups, (backend, Order::Single))?;
        let all = logits(self, &mut hidden, backend)?;
        Ok(all
            .chunks_exact(self.config.vocab)
            .map(<[f32]>::to_vec)
            .collect())
    }
}
