//! Delivering generated text, and retiring requests that are done or
//! whose agent ended.

use super::request::{Request, Slot};
use crate::Inner;
use crate::post::{API, Streamed};
use aios_abi::payload::{INFER_TOKEN_INTENT, finish};
use alloc::vec::Vec;

impl Inner {
    /// Delivers queued messages (as many as the mailboxes take) and
    /// retires finished requests whose last message went.
    pub(crate) fn flush_infer(&self) {
        let now = self.platform.now_ns();
        let retired = {
            let mut engine = self.inference.engine.lock();
            let engine = &mut *engine;
            let mut state = self.state.lock();
            for request in engine.requests.values_mut() {
                if request.agent == API {
                    // The API takes its text when its client is ready;
                    // an abandoned request's goes nowhere.
                    if engine.abandoned.contains(&request.id) {
                        request.outbox.clear();
                        request.finished.get_or_insert(finish::CANCELLED);
                    }
                    continue;
                }
                while let Some(token) = request.outbox.front() {
                    let body = aios_abi::encode(token);
                    let sent = state.post.kernel_stream(
                        request.agent,
                        INFER_TOKEN_INTENT,
                        body,
                        request.id,
                        now,
                    );
                    match sent {
                        Streamed::Sent => {
                            request.outbox.pop_front();
                            state.wake_receiver(request.agent);
                        }
                        Streamed::Full => break,
                        Streamed::Gone => {
                            request.outbox.clear();
                            request.finished.get_or_insert(finish::CANCELLED);
                        }
                    }
                }
            }
            drop(state);
            let retired = engine.take_requests(|r| r.finished.is_some() && r.outbox.is_empty());
            for r in &retired {
                engine.abandoned.remove(&r.id);
            }
            retired
        };
        self.retire(retired);
    }

    /// Drops `agent`'s requests (it ended): no message goes anywhere.
    pub(crate) fn forget_infer(&self, agent: u64) {
        let retired = {
            let mut engine = self.inference.engine.lock();
            let retired = engine.take_requests(|r| r.agent == agent);
            let out: Vec<u64> = engine
                .running
                .iter()
                .filter(|&(_, &a)| a == agent)
                .map(|(&id, _)| id)
                .collect();
            engine.cancelled.extend(out);
            engine.served.remove(&agent);
            retired
        };
        self.retire(retired);
    }

    /// Frees what retired requests left in the fabric: a suspended
    /// request's saved cache (a conversation's stays for the next turn).
    fn retire(&self, retired: Vec<Request>) {
        for request in retired {
            if let Slot::Saved(key) = &request.slot
                && request.conversation.as_ref() != Some(key)
            {
                self.kv_drop(key);
            }
            let took = self.platform.now_ns().saturating_sub(request.submitted_ns);
            self.platform.log(
                request.agent,
                "infer",
                aios_abi::log_level::DEBUG,
                &alloc::format!(
                    "request {} done: {} prompt + {} generated tokens in {} ms ({})",
                    request.id,
                    request.prompt_total,
                    request.decoder.produced(),
                    took / 1_000_000,
                    reason(request.finished),
                ),
            );
        }
    }
}

impl super::Engine {
    /// Removes the requests `which` picks, releasing their conversations.
    fn take_requests(&mut self, which: impl Fn(&Request) -> bool) -> Vec<Request> {
        let ids: Vec<u64> = self
            .requests
            .values()
            .filter(|r| which(r))
            .map(|r| r.id)
            .collect();
        let taken: Vec<Request> = ids
            .iter()
            .filter_map(|id| self.requests.remove(id))
            .collect();
        for r in &taken {
            if let Some(key) = &r.conversation {
                self.conversations.remove(key);
            }
        }
        taken
    }
}

fn reason(code: Option<u8>) -> &'static str {
    code.map_or("unknown", finish::name)
}
