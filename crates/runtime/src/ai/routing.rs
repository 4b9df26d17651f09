//! Natural-language requests routed by meaning: the request and every
//! served intent's description are embedded with the kernel's model and
//! the request goes to the most similar intent, if it is similar enough;
//! otherwise the sender gets `NoMatch`. Without the model (no disk, not
//! installed) the router's lexical matcher decides, as before.

use crate::Inner;
use aios_abi::Error;
use aios_ipc::{Destination, Message};
use aios_ml::Backend;
use alloc::string::String;
use alloc::vec::Vec;

/// Least cosine similarity between a request and a description for the
/// request to be routed (all-MiniLM-L6-v2 puts paraphrases around 0.5 to
/// 0.8 and unrelated sentences below 0.2).
pub(crate) const THRESHOLD: f32 = 0.35;

impl Inner {
    /// Resolves a `Request(text)` destination to the intent whose
    /// description means most nearly the same, rewriting `to` and
    /// `intent`. Other messages, and every message while the model is not
    /// available, pass unchanged.
    pub(crate) fn route_by_meaning(&self, mut message: Message) -> Result<Message, Error> {
        let Destination::Request(text) = &message.to else {
            return Ok(message);
        };
        let Ok(embedder) = self.embedder() else {
            return Ok(message);
        };
        let served = self.state.lock().post.router.served();
        if served.is_empty() {
            return Err(Error::NoMatch);
        }
        let backend = Backend::detect();
        let request = embedder
            .embed(text, backend)
            .map_err(|_| Error::InvalidArgument)?;
        let mut best: Option<(f32, String)> = None;
        for (name, description) in served {
            let vector = self.description_vector(&embedder, &description, backend)?;
            let score: f32 = request.iter().zip(&vector).map(|(a, b)| a * b).sum();
            if best.as_ref().is_none_or(|(top, _)| score > *top) {
                best = Some((score, name));
            }
        }
        match best {
            Some((score, name)) if score >= THRESHOLD => {
                message.intent.clone_from(&name);
                message.to = Destination::Intent(name);
                Ok(message)
            }
            _ => Err(Error::NoMatch),
        }
    }

    /// A description's embedding, computed once per description.
    fn description_vector(
        &self,
        embedder: &aios_ml::Embedder,
        description: &str,
        backend: Backend,
    ) -> Result<Vec<f32>, Error> {
        if let Some(vector) = self.models.lock().descriptions.get(description) {
            return Ok(vector.clone());
        }
        let vector = embedder
            .embed(description, backend)
            .map_err(|_| Error::InvalidArgument)?;
        self.models
            .lock()
            .descriptions
            .insert(String::from(description), vector.clone());
        Ok(vector)
    }
}
