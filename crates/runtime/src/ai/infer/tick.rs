//! A turn's work: suspend and restore caches, then evaluate a prompt
//! chunk or one batched decoding step, and queue the text produced.

use super::PREFILL_CHUNK;
use super::pick::Turn;
use super::request::{Request, Slot};
use crate::Inner;
use aios_abi::payload::finish;
use aios_ml::{Backend, Llm, MICRO_BATCH, Order, Session, Step};
use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

impl Inner {
    /// Takes one inference turn if there is work and no other CPU is
    /// taking one; true if it did some.
    pub(crate) fn infer_turn(&self) -> bool {
        if self.inference.busy.swap(true, Ordering::Acquire) {
            return false;
        }
        self.flush_infer();
        let turn = self.inference.engine.lock().pick();
        let worked = turn.is_some();
        if let Some(turn) = turn {
            self.run_turn(turn);
            self.flush_infer();
        }
        self.inference.busy.store(false, Ordering::Release);
        worked
    }

    fn run_turn(&self, turn: Turn) {
        let Turn {
            mut run,
            prefill,
            mut suspend,
        } = turn;
        let mut suspended = 0;
        for r in &mut suspend {
            suspended += u64::from(self.suspend(r));
        }
        let mut restored = 0;
        for r in &mut run {
            match self.make_resident(r) {
                Ok(was_saved) => restored += u64::from(was_saved),
                Err(e) => r.finish(finish::ERROR, String::new(), Some(e)),
            }
        }
        let served = match self.llm() {
            Ok(_) if prefill => run.iter_mut().map(prefill_chunk).collect(),
            Ok(llm) => self.decode(llm, &mut run),
            Err(e) => {
                for r in &mut run {
                    r.finish(finish::ERROR, String::new(), Some(alloc::format!("{e:?}")));
                }
                Vec::new()
            }
        };
        let mut engine = self.inference.engine.lock();
        engine.stats.suspended += suspended;
        engine.stats.restored += restored;
        let tokens: u64 = served.iter().map(|&(_, n)| n).sum();
        if prefill {
            engine.stats.prompt_tokens += tokens;
        } else if tokens > 0 {
            engine.stats.generated += tokens;
            engine.stats.batches += 1;
            engine.stats.batched += tokens;
        }
        run.append(&mut suspend);
        engine.put_back(run, &served);
    }

    /// Saves a resident cache to the fabric and frees it; false if it
    /// stays (the fabric refused).
    fn suspend(&self, r: &mut Request) -> bool {
        let Slot::Resident(session) = &r.slot else {
            return false;
        };
        let key = alloc::format!("suspended/{}", r.id);
        match self.kv_save(&key, session) {
            Ok(()) => {
                r.slot = Slot::Saved(key);
                true
            }
            Err(why) => {
                self.platform
                    .log(0, "infer", aios_abi::log_level::WARN, &why);
                false
            }
        }
    }

    /// Makes `r`'s cache resident; true if it came back from the fabric.
    fn make_resident(&self, r: &mut Request) -> Result<bool, String> {
        let session = match &r.slot {
            Slot::Resident(_) => return Ok(false),
            Slot::Fresh => self
                .llm()
                .map_err(|e| alloc::format!("{e:?}"))?
                .new_session(),
            Slot::Saved(key) => {
                let take = r.conversation.as_ref() != Some(key);
                self.kv_restore(key, take)?
            }
        };
        let was_saved = matches!(r.slot, Slot::Saved(_));
        r.slot = Slot::Resident(session);
        Ok(was_saved)
    }

    /// One token for each request in `run`, their next tokens evaluated
    /// together. Returns (agent, tokens) served.
    fn decode(&self, llm: &'static Llm<'static>, run: &mut [Request]) -> Vec<(u64, u64)> {
        let mut served = Vec::new();
        let mut feeding: Vec<(usize, u32)> = Vec::new();
        for (i, r) in run.iter_mut().enumerate() {
            if r.finished.is_some() || r.logits.is_empty() {
                continue;
            }
            if !self.charge_token(r) {
                r.finish(finish::QUOTA, String::new(), None);
                continue;
            }
            served.push((r.agent, 1));
            match r.decoder.step(&r.logits, &llm.tokenizer) {
                Ok(Some(step)) if step.finished => {
                    let code = finish_code(llm, r, &step);
                    self.conclude(r, code, step.text);
                }
                Ok(Some(step)) => {
                    let full = matches!(&r.slot, Slot::Resident(s) if s.remaining_context() == 0);
                    if full {
                        self.conclude(r, finish::CONTEXT, step.text);
                    } else {
                        if !step.text.is_empty() {
                            r.say(step.text, None, None);
                        }
                        feeding.push((i, step.token));
                    }
                }
                Ok(None) => self.conclude(r, finish::LENGTH, String::new()),
                Err(e) => r.finish(finish::ERROR, String::new(), Some(alloc::format!("{e}"))),
            }
        }
        let tokens: Vec<u32> = feeding.iter().map(|&(_, t)| t).collect();
        let mut sessions: Vec<&mut Session<'static, 'static>> = Vec::new();
        let mut owners: Vec<&mut Vec<f32>> = Vec::new();
        for (i, r) in run.iter_mut().enumerate() {
            if feeding.iter().any(|&(j, _)| j == i)
                && let Slot::Resident(session) = &mut r.slot
            {
                sessions.push(session);
                owners.push(&mut r.logits);
            }
        }
        if sessions.is_empty() {
            return served;
        }
        match llm.feed_batch(&mut sessions, &tokens, Backend::detect()) {
            Ok(all) => {
                for (logits, out) in all.into_iter().zip(owners) {
                    *out = logits;
                }
            }
            Err(e) => {
                drop(sessions);
                drop(owners);
                for &(i, _) in &feeding {
                    if let Some(r) = run.get_mut(i) {
                        r.finish(finish::ERROR, String::new(), Some(alloc::format!("{e}")));
                    }
                }
            }
        }
        served
    }

    /// Charges one generated token to the request's Model capability.
    fn charge_token(&self, r: &Request) -> bool {
        let Some(model) = r.model else {
            return true;
        };
        let now = self.platform.now_ns();
        self.state
            .lock()
            .caps
            .consume(r.agent, model, 1, now)
            .is_ok()
    }

    /// Ends `r` with `code`, saving its conversation first if it has one.
    fn conclude(&self, r: &mut Request, code: u8, text: String) {
        let saved = match (&r.conversation, &r.slot) {
            (Some(key), Slot::Resident(session)) => self.kv_save(key, session).is_ok(),
            _ => false,
        };
        r.finish(code, text, None);
        if let Some(last) = r.outbox.back_mut() {
            last.saved = saved;
        }
        r.slot = match &r.conversation {
            Some(key) if saved => Slot::Saved(key.clone()),
            _ => Slot::Fresh,
        };
    }
}

/// Evaluates the next chunk of `r`'s prompt; the logits of its last
/// token are kept once the prompt is done.
fn prefill_chunk(r: &mut Request) -> (u64, u64) {
    let Slot::Resident(session) = &mut r.slot else {
        return (r.agent, 0);
    };
    if r.finished.is_some() {
        return (r.agent, 0);
    }
    // llama.cpp evaluates a prompt in micro-batches; each chunk stays inside one and
    // is computed in that micro-batch's attention order, so the logits are the same
    // as feeding the prompt at once.
    let total = r.prompt_total as usize;
    let done = total.saturating_sub(r.prompt.len());
    let start = done - done % MICRO_BATCH;
    let order = Order::for_batch((total - start).min(MICRO_BATCH));
    let n = r
        .prompt
        .len()
        .min(PREFILL_CHUNK)
        .min(MICRO_BATCH - done % MICRO_BATCH);
    let chunk: Vec<u32> = r.prompt.drain(..n).collect();
    match session.feed_as(&chunk, order, Backend::detect()) {
        Ok(logits) if r.prompt.is_empty() => r.logits = logits,
        Ok(_) => {}
        Err(aios_ml::Error::TooLarge { .. }) => {
            r.finish(finish::CONTEXT, String::new(), None);
        }
        Err(e) => r.finish(finish::ERROR, String::new(), Some(alloc::format!("{e}"))),
    }
    (r.agent, n as u64)
}

fn finish_code(llm: &Llm<'_>, r: &Request, step: &Step) -> u8 {
    let tokenizer = &llm.tokenizer;
    if step.token == tokenizer.eos || Some(step.token) == tokenizer.token_id("<|im_end|>") {
        finish::END_OF_TURN
    } else if r.decoder.produced() >= r.max_tokens {
        finish::LENGTH
    } else {
        finish::STOP
    }
}
