//! Accepting a request: validation, prompt tokens, the token charge, and
//! its place in the queue.

use super::request::{Request, Slot};
use super::{PER_AGENT, TOTAL};
use crate::Inner;
use aios_abi::payload::InferRequest;
use aios_abi::{Error, Handle};
use aios_ml::{Decoder, SamplerConfig};
use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

/// Default and largest `max_tokens`.
const DEFAULT_MAX_TOKENS: usize = 128;
const MAX_TOKENS: usize = 2048;
/// Most stop strings, and longest one (bytes).
const MAX_STOPS: usize = 8;
const MAX_STOP_LEN: usize = 64;
/// Longest conversation name (bytes).
const MAX_CONVERSATION: usize = 64;

/// Who asks, with which handle.
pub(crate) struct Submission<'a> {
    pub(crate) agent: u64,
    /// The agent's manifest name (conversations are kept per name, so a
    /// restarted agent continues its chats).
    pub(crate) name: &'a str,
    pub(crate) model: Option<Handle>,
    pub(crate) request: InferRequest,
}

impl Inner {
    /// Queues a generation; `charge` is asked for the prompt's tokens
    /// first. Returns the request id.
    pub(crate) fn submit_infer(
        &self,
        submission: Submission<'_>,
        charge: impl FnOnce(u64) -> Result<(), Error>,
    ) -> Result<u64, Error> {
        let Submission {
            agent,
            name,
            model,
            request,
        } = submission;
        let config = sampler_config(&request)?;
        let decoder = Decoder::new(&config).map_err(|_| Error::InvalidArgument)?;
        // Manifest names are `[a-z0-9-]`: the key cannot be ambiguous.
        let conversation = match &request.conversation {
            None => None,
            Some(c) if c.is_empty() || c.len() > MAX_CONVERSATION => {
                return Err(Error::InvalidArgument);
            }
            Some(c) => Some(alloc::format!("conversation/{name}/{c}")),
        };
        // Claim the conversation first: until this request retires, no
        // other can save it, so whether it exists cannot change under us.
        if let Some(key) = &conversation
            && !self
                .inference
                .engine
                .lock()
                .conversations
                .insert(key.clone())
        {
            return Err(Error::WouldBlock);
        }
        let admitted = self.admit(agent, &request, conversation.as_deref(), charge);
        let (prompt, continuing) = match admitted {
            Ok(admitted) => admitted,
            Err(error) => {
                if let Some(key) = &conversation {
                    self.inference.engine.lock().conversations.remove(key);
                }
                return Err(error);
            }
        };
        let prompt_total = u32::try_from(prompt.len()).map_err(|_| Error::BadLength)?;
        let now = self.platform.now_ns();
        let mut engine = self.inference.engine.lock();
        engine.next_id = engine.next_id.max(1);
        let id = engine.next_id;
        engine.next_id += 1;
        // A newcomer starts level with the least-served agent waiting, so
        // an agent that was idle cannot claim the time it did not use.
        let floor = engine
            .requests
            .values()
            .filter_map(|r| engine.served.get(&r.agent))
            .min()
            .copied()
            .unwrap_or(0);
        let served = engine.served.entry(agent).or_insert(floor);
        *served = (*served).max(floor);
        engine.stats.requests += 1;
        engine.requests.insert(
            id,
            Request {
                id,
                agent,
                model,
                prompt,
                prompt_total,
                decoder,
                max_tokens: config.max_tokens,
                slot: match &conversation {
                    Some(key) if continuing => Slot::Saved(key.clone()),
                    _ => Slot::Fresh,
                },
                logits: Vec::new(),
                conversation,
                outbox: VecDeque::new(),
                finished: None,
                last_turn: 0,
                submitted_ns: now,
            },
        );
        Ok(id)
    }

    /// Renders the prompt of a request within the limits, and charges it:
    /// the prompt tokens and whether they continue the saved conversation.
    fn admit(
        &self,
        agent: u64,
        request: &InferRequest,
        conversation: Option<&str>,
        charge: impl FnOnce(u64) -> Result<(), Error>,
    ) -> Result<(Vec<u32>, bool), Error> {
        let llm = self.llm()?;
        let continuing = conversation.is_some_and(|key| self.kv_exists(key));
        let prompt = super::render(llm, request, continuing)?;
        if prompt.len() >= llm.config.context {
            return Err(Error::BadLength);
        }
        {
            let engine = self.inference.engine.lock();
            let mine = engine
                .requests
                .values()
                .filter(|r| r.agent == agent)
                .count()
                + engine.running.values().filter(|&&a| a == agent).count();
            let total = engine.requests.len() + engine.running.len();
            if mine >= PER_AGENT || total >= TOTAL {
                return Err(Error::WouldBlock);
            }
        }
        charge(prompt.len() as u64)?;
        Ok((prompt, continuing))
    }

    /// Ends `agent`'s request `id`; false if it has no such request.
    pub(crate) fn cancel_infer(&self, agent: u64, id: u64) -> bool {
        let mut engine = self.inference.engine.lock();
        match engine.requests.get_mut(&id) {
            Some(r) if r.agent == agent => {
                if r.finished.is_none() {
                    r.finish(aios_abi::payload::finish::CANCELLED, String::new(), None);
                }
                true
            }
            Some(_) => false,
            None => {
                let out = engine.running.get(&id) == Some(&agent);
                if out {
                    engine.cancelled.insert(id);
                }
                out
            }
        }
    }
}

fn sampler_config(request: &InferRequest) -> Result<SamplerConfig, Error> {
    let max_tokens = match request.max_tokens as usize {
        0 => DEFAULT_MAX_TOKENS,
        n if n > MAX_TOKENS => return Err(Error::InvalidArgument),
        n => n,
    };
    if request.stop.len() > MAX_STOPS
        || request
            .stop
            .iter()
            .any(|s| s.is_empty() || s.len() > MAX_STOP_LEN)
        || request.temperature_milli > 10_000
        || request.top_p_milli > 1000
    {
        return Err(Error::InvalidArgument);
    }
    Ok(SamplerConfig {
        temperature: request.temperature_milli as f32 / 1000.0,
        top_p: match request.top_p_milli {
            0 => 1.0,
            p => p as f32 / 1000.0,
        },
        seed: request.seed,
        max_tokens,
        stop: request.stop.clone(),
    })
}
