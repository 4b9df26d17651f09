//! SmolLM2 against llama.cpp: same prompt token ids, same greedy tokens, token for token
//! (crates/ml/testdata/llm_golden.json, made by tools/ml-golden/llm_golden.py).

mod llm_support;

use aios_ml::json::Value;
use aios_ml::{Backend, Llm, Message, Role};

const GOLDEN: &str = include_str!("../testdata/llm_golden.json");

fn ids(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

fn role(name: &str) -> Role {
    match name {
        "system" => Role::System,
        "user" => Role::User,
        _ => Role::Assistant,
    }
}

/// Greedy generation until `n` tokens or the end-of-turn token, like the golden script.
fn greedy(llm: &Llm<'_>, prompt: &[u32], n: usize, backend: Backend) -> Vec<u32> {
    let mut session = llm.new_session();
    let mut logits = session.feed(prompt, backend).unwrap();
    let mut out = Vec::new();
    loop {
        let token = aios_ml::sample::argmax(&logits);
        out.push(token);
        if token == llm.tokenizer.eos || out.len() >= n {
            return out;
        }
        logits = session.feed(&[token], backend).unwrap();
    }
}

#[test]
fn tokenizer_matches_llama_cpp() {
    let Some(bytes) = llm_support::smollm2() else {
        return;
    };
    let llm = Llm::load(&bytes).unwrap();
    let golden = Value::parse(GOLDEN.as_bytes()).unwrap();
    let cases = golden.get("cases").unwrap().as_array().unwrap();
    let tokenizer_cases = golden.get("tokenizer").unwrap().as_array().unwrap();
    assert!(cases.len() >= 5 && tokenizer_cases.len() >= 5);
    for case in cases.iter().chain(tokenizer_cases) {
        let text = case
            .get("prompt")
            .or_else(|| case.get("text"))
            .unwrap()
            .as_str()
            .unwrap();
        let expected = ids(case.get("prompt_ids").or_else(|| case.get("ids")).unwrap());
        assert_eq!(
            llm.tokenizer.encode(text, true),
            expected,
            "tokens of {text:?}"
        );
        assert_eq!(
            llm.tokenizer.decode(&expected).unwrap(),
            text.replace("<|im_start|>", "")
                .replace("<|im_end|>", "")
                .replace("<|endoftext|>", "")
        );
    }
}

#[test]
fn chat_template_matches_the_golden_prompts() {
    let golden = Value::parse(GOLDEN.as_bytes()).unwrap();
    for case in golden.get("cases").unwrap().as_array().unwrap() {
        let Some(messages) = case.get("messages") else {
            continue;
        };
        let messages: Vec<Message<'_>> = messages
            .as_array()
            .unwrap()
            .iter()
            .map(|m| Message {
                role: role(m.get("role").unwrap().as_str().unwrap()),
                content: m.get("content").unwrap().as_str().unwrap(),
            })
            .collect();
        assert_eq!(
            Llm::chat_template(&messages),
            case.get("prompt").unwrap().as_str().unwrap()
        );
    }
}

/// Every golden prompt, token for token: the prompt fed whole (a llama.cpp batch),
/// then one token per step, exactly as the golden script drove llama.cpp.
#[test]
fn greedy_tokens_match_llama_cpp() {
    let Some(bytes) = llm_support::smollm2() else {
        return;
    };
    let llm = Llm::load(&bytes).unwrap();
    let golden = Value::parse(GOLDEN.as_bytes()).unwrap();
    let n = golden.get("generate").unwrap().as_u64().unwrap() as usize;
    let cases = golden.get("cases").unwrap().as_array().unwrap();
    assert!(cases.len() >= 9);
    let mut failures = Vec::new();
    for case in cases {
        let prompt = ids(case.get("prompt_ids").unwrap());
        let expected = ids(case.get("generated_ids").unwrap());
        if greedy(&llm, &prompt, n, Backend::detect()) != expected {
            let text = case.get("prompt").unwrap().as_str().unwrap();
            let why = first_divergence(&llm, &prompt, &expected, Backend::detect());
            failures.push(format!("{text:?}: {}", why.unwrap_or_default()));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Step and logit gap of the first token where greedy decoding leaves `expected`.
fn divergence(
    llm: &Llm<'_>,
    prompt: &[u32],
    expected: &[u32],
    backend: Backend,
) -> Option<(usize, f32)> {
    let mut session = llm.new_session();
    let mut logits = session.feed(prompt, backend).unwrap();
    for (step, &want) in expected.iter().enumerate() {
        let got = aios_ml::sample::argmax(&logits);
        if got != want {
            return Some((step, logits[got as usize] - logits[want as usize]));
        }
        if step + 1 < expected.len() {
            logits = session.feed(&[want], backend).unwrap();
        }
    }
    None
}

/// [`divergence`] as a message naming both tokens and their logits.
fn first_divergence(
    llm: &Llm<'_>,
    prompt: &[u32],
    expected: &[u32],
    backend: Backend,
) -> Option<String> {
    let (step, gap) = divergence(llm, prompt, expected, backend)?;
    Some(format!(
        "step {step}: llama.cpp's token {} trails ours by {gap}",
        expected[step]
    ))
}

#[test]
fn scalar_backend_generates_the_same_tokens() {
    let Some(bytes) = llm_support::smollm2() else {
        return;
    };
    let llm = Llm::load(&bytes).unwrap();
    let golden = Value::parse(GOLDEN.as_bytes()).unwrap();
    let case = &golden.get("cases").unwrap().as_array().unwrap()[0];
    let prompt = ids(case.get("prompt_ids").unwrap());
    let expected = ids(case.get("generated_ids").unwrap());
    assert_eq!(
        greedy(&llm, &prompt, 12, Backend::Scalar),
        expected[..12.min(expected.len())]
    );
}

/// FNV-1a 64 of the little-endian bytes of `logits` (the golden script's hash).
fn fnv1a(logits: &[f32]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in logits.iter().flat_map(|f| f.to_le_bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Not only the chosen tokens: every logit of every step (the prompt's, then after each
/// golden token) has llama.cpp's exact bits.
#[test]
fn every_logit_equals_llama_cpp_bit_for_bit() {
    let Some(bytes) = llm_support::smollm2() else {
        return;
    };
    let llm = Llm::load(&bytes).unwrap();
    let golden = Value::parse(GOLDEN.as_bytes()).unwrap();
    let mut steps = 0;
    for case in golden.get("cases").unwrap().as_array().unwrap() {
        let prompt = ids(case.get("prompt_ids").unwrap());
        let generated = ids(case.get("generated_ids").unwrap());
        let hashes = case.get("logits_fnv").unwrap().as_array().unwrap();
        assert_eq!(hashes.len(), generated.len());
        let mut session = llm.new_session();
        let mut logits = session.feed(&prompt, Backend::detect()).unwrap();
        for (step, want) in hashes.iter().enumerate() {
            let text = case.get("prompt").unwrap().as_str().unwrap();
            assert_eq!(
                fnv1a(&logits),
                want.as_str().unwrap(),
                "{text:?} step {step}"
            );
            steps += 1;
            if step + 1 < hashes.len() {
                logits = session.feed(&[generated[step]], Backend::detect()).unwrap();
            }
        }
    }
    assert!(steps >= 200);
}
