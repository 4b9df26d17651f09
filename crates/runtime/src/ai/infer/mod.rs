//! The inference scheduler: every agent's `infer` requests in one queue,
//! served a token step at a time by whichever CPU's main loop takes a
//! turn ([`crate::Runtime::run_once`] alternates inference turns with
//! agent slices), fairly between agents (the agent served the fewest
//! tokens goes first), with the next token of up to [`BATCH`] agents'
//! requests evaluated in one batched pass, and the KV caches of requests
//! not running saved to the memory fabric when more than [`RESIDENT`] are
//! alive (restored when they next run: a context switch). Text goes back
//! to the requester as `aios.infer.token` messages, or waits for the
//! node's API to take it (`crate::api`). See docs/ai.md.

mod emit;
mod kv;
mod pick;
mod prompt;
mod request;
mod submit;
mod tick;

pub(crate) use prompt::render;
pub(crate) use request::Request;
pub(crate) use submit::Submission;

use alloc::collections::{BTreeMap, BTreeSet};
use core::sync::atomic::AtomicBool;

/// Most requests whose next tokens are evaluated in one pass (one per
/// agent).
pub(crate) const BATCH: usize = 4;
/// Most KV caches kept in kernel memory; the others wait in the fabric.
pub(crate) const RESIDENT: usize = 4;
/// Prompt tokens evaluated in one turn: a long prompt cannot hold a CPU
/// for more than this many tokens' work before others are looked at.
pub(crate) const PREFILL_CHUNK: usize = 8;
/// Most unfinished requests one agent may have.
pub(crate) const PER_AGENT: usize = 8;
/// Most unfinished requests in the kernel.
pub(crate) const TOTAL: usize = 64;

/// The scheduler's state.
#[derive(Default)]
pub(crate) struct Engine {
    /// Unfinished requests (those a turn is working on are taken out).
    pub(crate) requests: BTreeMap<u64, Request>,
    /// Requests cancelled while a turn had them out.
    pub(crate) cancelled: BTreeSet<u64>,
    /// The API's requests whose clients went: their text goes nowhere.
    pub(crate) abandoned: BTreeSet<u64>,
    /// Requests a turn has out, with their agents.
    pub(crate) running: BTreeMap<u64, u64>,
    /// Tokens (prompt and generated) each agent has been served: the
    /// fairness clock.
    pub(crate) served: BTreeMap<u64, u64>,
    /// Conversations a request is using (one at a time each).
    pub(crate) conversations: BTreeSet<alloc::string::String>,
    /// The fabric region holding suspended and saved KV caches.
    pub(crate) kv_region: Option<aios_fabric::RegionId>,
    pub(crate) next_id: u64,
    /// Turns taken so far (the LRU clock of resident caches).
    pub(crate) turns: u64,
    pub(crate) stats: InferenceStats,
}

/// The inference scheduler's counters since boot.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct InferenceStats {
    /// Requests accepted.
    pub requests: u64,
    /// Prompt tokens evaluated.
    pub prompt_tokens: u64,
    /// Tokens generated.
    pub generated: u64,
    /// Decoding passes, and the requests they carried (their ratio is
    /// the mean batch size).
    pub batches: u64,
    /// See `batches`.
    pub batched: u64,
    /// KV caches saved to the fabric to make room, and brought back.
    pub suspended: u64,
    /// See `suspended`.
    pub restored: u64,
}

/// The scheduler: its state and the flag that keeps turns one at a time.
#[derive(Default)]
pub(crate) struct Inference {
    pub(crate) engine: spin::Mutex<Engine>,
    /// Set while a CPU takes a turn (the heavy work runs without the
    /// engine lock, so `infer` never waits for a token to be computed).
    pub(crate) busy: AtomicBool,
}

impl crate::Runtime {
    /// The inference scheduler's counters.
    pub fn inference_stats(&self) -> InferenceStats {
        self.inner.inference.engine.lock().stats
    }
}

impl Inference {
    /// True when some request waits for work or for its messages to go.
    pub(crate) fn has_work(&self) -> bool {
        let engine = self.engine.lock();
        !engine.requests.is_empty()
    }
}
