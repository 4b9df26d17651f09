//! `bench-ai`: the kernel's own models timed where they run. Reads the
//! SmolLM2 GGUF and the MiniLM files from the data disk's `aios.models`
//! namespace, then times the evaluation of a fixed chat prompt, greedy
//! generation of [`GENERATE`] tokens and embeddings of a fixed sentence,
//! printed as `bench: ai-llm key=value …` and `bench: ai-embed …`, then
//! `bench: ai done` (or `failed`). Under `-icount shift=0` a nanosecond
//! is one guest instruction.

use crate::storage::DiskBlocks;
use aios_ml::{Backend, Embedder, Generator, Llm, Message, Role, SamplerConfig};
use aios_store::Store;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

/// The kernel's model namespace and keys (as `aios_runtime` reads them).
const MODELS_NS: &str = "aios.models";
const LLM_KEY: &str = "smollm2.gguf";
const EMBED_WEIGHTS_KEY: &str = "minilm.safetensors";
const EMBED_TOKENIZER_KEY: &str = "minilm.tokenizer.json";
/// The first chat of the golden tests (`tools/ml-golden/llm_golden.py`);
/// with the default system prompt, 30-odd tokens. Shorter than the host
/// benchmark's 63-token prompt: under TCG a prompt token takes about 1.5 s
/// of wall time, and the suite has to fit in about ten minutes.
const QUESTION: &str = "Name three primary colors.";
/// Tokens evaluated during generation (one forward pass each).
const GENERATE: usize = 16;
/// The sentence embedded, and how many times.
const SENTENCE: &str = "The quick brown fox jumps over the lazy dog.";
const EMBEDDINGS: u64 = 2;

fn now() -> u64 {
    aios_hal::clock::now_ns()
}

/// Runs the measurements if the command line has `bench-ai`; prints
/// `bench: ai done` or `bench: ai failed: …`.
///
/// Called before the runtime mounts the data disk: the benchmark mounts
/// the store itself to read the models, and one mount at a time keeps
/// the two from writing over each other. Interrupts stay off meanwhile,
/// as in `bench-storage`: the drivers poll instead of halting (under
/// `-icount` a halt jumps the clock to the next tick) and no timer
/// interrupt is counted in the figures.
pub fn run(cmdline: &crate::cmdline::Cmdline) {
    if !cmdline.has_flag("bench-ai") {
        return;
    }
    aios_hal::cpu::disable_interrupts();
    let result = measure(cmdline.has_flag("profile"));
    aios_hal::cpu::enable_interrupts();
    match result {
        Ok(()) => crate::println!("bench: ai done"),
        Err(why) => crate::println!("bench: ai failed: {why}"),
    }
}

fn measure(profile: bool) -> Result<(), String> {
    let backend = Backend::detect();
    let name = match backend {
        Backend::Scalar => "scalar",
        Backend::Avx2(_) => "avx2",
    };
    // Dropped at the end without unmounting: nothing here writes, and
    // the runtime mounts the disk afresh next.
    let mut store = models_store()?;
    llm(&read(&mut store, LLM_KEY)?, backend, name, profile)?;
    let weights = read(&mut store, EMBED_WEIGHTS_KEY)?;
    let tokenizer = read(&mut store, EMBED_TOKENIZER_KEY)?;
    embed(&weights, &tokenizer, backend, name)
}

/// The store of the first disk holding the LLM.
fn models_store() -> Result<Store<DiskBlocks>, String> {
    for disk in crate::blk::disks() {
        let Some(blocks) = DiskBlocks::new(disk.clone()) else {
            continue;
        };
        if let Ok((mut store, _)) = Store::mount(blocks)
            && store.stat(MODELS_NS, LLM_KEY, None).is_ok()
        {
            return Ok(store);
        }
    }
    Err(format!("no disk holds {MODELS_NS}/{LLM_KEY}"))
}

fn read(store: &mut Store<DiskBlocks>, key: &str) -> Result<Vec<u8>, String> {
    store
        .get(MODELS_NS, key, None)
        .map(|object| object.value)
        .map_err(|e| format!("reading {MODELS_NS}/{key}: {e}"))
}

/// Loads the LLM, evaluates the prompt and generates greedily.
fn llm(gguf: &[u8], backend: Backend, name: &str, profile: bool) -> Result<(), String> {
    let start = now();
    let llm = Llm::load(gguf).map_err(|e| format!("{LLM_KEY} does not load: {e}"))?;
    let load = now().saturating_sub(start);
    let prompt = Llm::chat_template(&[Message {
        role: Role::User,
        content: QUESTION,
    }]);
    let ids = llm.tokenizer.encode(&prompt, true);
    let mut session = llm.new_session();
    // The last token produced is sampled but never evaluated: one more
    // than GENERATE makes GENERATE forward passes.
    let config = SamplerConfig {
        max_tokens: GENERATE + 1,
        ..SamplerConfig::default()
    };
    let start = now();
    let mut generator = Generator::new(&mut session, &ids, &config, backend)
        .map_err(|e| format!("prompt evaluation: {e}"))?;
    let prompt_ns = now().saturating_sub(start);
    let mut text = String::new();
    if profile {
        aios_hal::profile::start();
        aios_hal::cpu::enable_interrupts();
    }
    let start = now();
    while let Some(step) = generator
        .next_step(backend)
        .map_err(|e| format!("generation: {e}"))?
    {
        text.push_str(&step.text);
    }
    let generation_ns = now().saturating_sub(start);
    if profile {
        aios_hal::cpu::disable_interrupts();
        print_profile();
    }
    let evaluated = generator.produced().saturating_sub(1);
    crate::println!(
        "bench: ai-llm backend={name} load_ns={load} prompt_tokens={} prompt_ns={prompt_ns} \
         generated_tokens={evaluated} generation_ns={generation_ns}",
        ids.len()
    );
    crate::println!("bench: ai-llm-text {text:?}");
    Ok(())
}

/// Loads MiniLM and embeds [`SENTENCE`] [`EMBEDDINGS`] times.
fn embed(weights: &[u8], tokenizer: &[u8], backend: Backend, name: &str) -> Result<(), String> {
    let start = now();
    let embedder =
        Embedder::load(weights, tokenizer).map_err(|e| format!("MiniLM does not load: {e}"))?;
    let load = now().saturating_sub(start);
    let tokens = embedder.tokenizer().encode(SENTENCE).len();
    let start = now();
    for _ in 0..EMBEDDINGS {
        embedder
            .embed(SENTENCE, backend)
            .map_err(|e| format!("embedding: {e}"))?;
    }
    let embed_ns = now().saturating_sub(start);
    crate::println!(
        "bench: ai-embed backend={name} load_ns={load} embeddings={EMBEDDINGS} tokens={tokens} \
         embed_ns={embed_ns}"
    );
    Ok(())
}

/// The instruction pointers the profiler sampled during generation, most
/// frequent first (`bench: ai-profile rip=… samples=…`), for the host to
/// map to functions with the kernel's symbols (`profile` flag only: the
/// faster timer would perturb the figures).
fn print_profile() {
    let (samples, dropped) = aios_hal::profile::stop();
    for (rip, stack) in samples {
        crate::println!(
            "bench: ai-profile rip={rip:#x} stack={:#x},{:#x},{:#x},{:#x}",
            stack[0],
            stack[1],
            stack[2],
            stack[3]
        );
    }
    crate::println!("bench: ai-profile dropped={dropped}");
}
