//! Questions the API asks the node's model: queued with the agents'
//! (fairly: all of the API's questions share one place in the queue),
//! their text kept with the request until the API takes it (so a slow
//! client slows its own answer, nothing else), and cancelled when the
//! client goes.

use crate::Runtime;
use crate::ai::Submission;
use crate::post::API;
use aios_abi::Error;
use aios_abi::payload::{InferRequest, InferToken, finish};
use alloc::string::String;

impl Runtime {
    /// Queues `request` for API token `token`; a named conversation is
    /// the token's own (`conversation/api.TOKEN/NAME`). Returns the
    /// request's id.
    pub fn api_ask(&self, token: &str, request: InferRequest) -> Result<u64, Error> {
        // Manifest names have no `.`: a token's conversations are apart
        // from every agent's.
        let name = alloc::format!("api.{token}");
        let submission = Submission {
            agent: API,
            name: &name,
            model: None,
            request,
        };
        self.inner.submit_infer(submission, |_| Ok(()))
    }

    /// The next piece of request `id`'s answer, if one is ready;
    /// `Err(NotFound)` once the request is gone (its last piece, which
    /// has `finish` set, was taken).
    pub fn api_ask_next(&self, id: u64) -> Result<Option<InferToken>, Error> {
        let mut engine = self.inner.inference.engine.lock();
        let engine = &mut *engine;
        match engine.requests.get_mut(&id) {
            Some(r) if r.agent == API => Ok(r.outbox.pop_front()),
            Some(_) => Err(Error::NotFound),
            None if engine.running.get(&id) == Some(&API) => Ok(None),
            None => Err(Error::NotFound),
        }
    }

    /// Gives up request `id` (its client went): it stops at the next
    /// token and what it has not said is dropped.
    pub fn api_ask_cancel(&self, id: u64) {
        let mut engine = self.inner.inference.engine.lock();
        let engine = &mut *engine;
        if let Some(r) = engine.requests.get_mut(&id) {
            if r.agent != API {
                return;
            }
            if r.finished.is_none() {
                r.finish(finish::CANCELLED, String::new(), None);
            }
        } else if engine.running.get(&id) == Some(&API) {
            engine.cancelled.insert(id);
        } else {
            return;
        }
        engine.abandoned.insert(id);
    }
}
