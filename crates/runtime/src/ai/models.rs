//! The models the kernel serves, loaded lazily from the store.

use crate::Inner;
use aios_abi::Error;
use aios_ml::{Backend, Embedder, Llm};
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// Namespace holding the model files (kernel-only, like every `aios.*`).
pub(crate) const MODELS_NS: &str = "aios.models";
/// The embedding model's name (a Model capability's resource).
pub(crate) const EMBED_MODEL: &str = "minilm";
const EMBED_WEIGHTS: &str = "minilm.safetensors";
const EMBED_TOKENIZER: &str = "minilm.tokenizer.json";
/// The language model's name (a Model capability's resource).
pub(crate) const LLM_MODEL: &str = "smollm2";
const LLM_WEIGHTS: &str = "smollm2.gguf";

/// What the kernel knows about its models.
#[derive(Default)]
pub(crate) struct Models {
    embedder: Option<Arc<Embedder>>,
    /// Why the last load failed (kept so a missing model is not re-read
    /// from disk on every call; cleared when a store is mounted).
    missing: Option<String>,
    /// The language model. Loaded once and kept for the life of the
    /// kernel (its sessions borrow it), so it is leaked rather than owned.
    llm: Option<&'static Llm<'static>>,
    llm_missing: Option<String>,
    /// Embeddings of intent descriptions, for routing by meaning.
    pub(crate) descriptions: alloc::collections::BTreeMap<String, Vec<f32>>,
}

impl Models {
    /// Forgets a recorded failure (a new store may hold the model).
    pub(crate) fn retry(&mut self) {
        self.missing = None;
        self.llm_missing = None;
    }
}

impl Inner {
    /// The embedding model, loading it from the store on first use.
    pub(crate) fn embedder(&self) -> Result<Arc<Embedder>, Error> {
        let mut models = self.models.lock();
        if let Some(embedder) = &models.embedder {
            return Ok(embedder.clone());
        }
        if models.missing.is_some() {
            return Err(Error::Unavailable);
        }
        match self.load_embedder() {
            Ok(embedder) => {
                let embedder = Arc::new(embedder);
                models.embedder = Some(embedder.clone());
                Ok(embedder)
            }
            Err(why) => {
                self.platform.log(0, "kernel", 2, &why);
                models.missing = Some(why);
                Err(Error::Unavailable)
            }
        }
    }

    /// The language model, loading it from the store on first use (about
    /// 100 MB read once; later calls are free).
    pub(crate) fn llm(&self) -> Result<&'static Llm<'static>, Error> {
        let mut models = self.models.lock();
        if let Some(llm) = models.llm {
            return Ok(llm);
        }
        if models.llm_missing.is_some() {
            return Err(Error::Unavailable);
        }
        let loaded = self.read_model_file(LLM_WEIGHTS).and_then(|bytes| {
            let bytes: &'static [u8] = alloc::boxed::Box::leak(bytes.into_boxed_slice());
            Llm::load(bytes).map_err(|e| alloc::format!("model {LLM_MODEL} does not load: {e}"))
        });
        match loaded {
            Ok(llm) => {
                let llm: &'static Llm<'static> =
                    alloc::boxed::Box::leak(alloc::boxed::Box::new(llm));
                models.llm = Some(llm);
                Ok(llm)
            }
            Err(why) => {
                self.platform.log(0, "kernel", 2, &why);
                models.llm_missing = Some(why);
                Err(Error::Unavailable)
            }
        }
    }

    fn load_embedder(&self) -> Result<Embedder, String> {
        let weights = self.read_model_file(EMBED_WEIGHTS)?;
        let tokenizer = self.read_model_file(EMBED_TOKENIZER)?;
        Embedder::load(&weights, &tokenizer)
            .map_err(|e| alloc::format!("model {EMBED_MODEL} does not load: {e}"))
    }

    fn read_model_file(&self, key: &str) -> Result<Vec<u8>, String> {
        let now = self.platform.now_ns();
        let not_installed = || alloc::format!("model not installed: no {MODELS_NS}/{key}");
        let turn = self.storage.turn(0, 0, now).map_err(|_| not_installed())?;
        turn.with(|m| m.store.get(MODELS_NS, key, None))
            .map_err(|_| not_installed())?
            .map(|object| object.value)
            .map_err(|e| match e {
                aios_store::Error::NotFound | aios_store::Error::NoNamespace => not_installed(),
                other => alloc::format!("reading {MODELS_NS}/{key}: {other}"),
            })
    }

    /// Embeds `text` with the kernel's model (384 values of unit length),
    /// after `charge` accepted its token count.
    pub(crate) fn embed(
        &self,
        text: &str,
        charge: impl FnOnce(u64) -> Result<(), Error>,
    ) -> Result<Vec<f32>, Error> {
        let embedder = self.embedder()?;
        let ids = embedder.tokenizer().encode(text);
        charge(ids.len() as u64)?;
        embedder
            .embed_ids(&ids, Backend::detect())
            .map_err(|_| Error::InvalidArgument)
    }
}
