//! Batched decoding on the real model: one pass over several sessions gives exactly
//! what feeding each alone gives, bad batches are refused without touching any
//! session, and the owned `Decoder` streams like `Generator`.

mod llm_support;

use aios_ml::{Backend, Decoder, Error, Generator, Llm, Message, Role, SamplerConfig, Session};

fn prompt(llm: &Llm<'_>, question: &str) -> Vec<u32> {
    llm.tokenizer.encode(
        &Llm::chat_template(&[Message {
            role: Role::User,
            content: question,
        }]),
        true,
    )
}

/// The backends to check: scalar always, AVX2 when this CPU has it.
fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Scalar];
    if let simd @ Backend::Avx2(_) = Backend::detect() {
        all.push(simd);
    }
    all
}

/// Texts of different lengths, so the sessions sit at different positions.
const TEXTS: [&str; 4] = [
    "The sea",
    "The capital of France is",
    "Rust is a systems programming language that",
    "Once upon a time, in a small village by the",
];

/// Greedy decoding of each session, session `i` taking `budgets[i]` steps: once
/// alone, once with every still-running session in one `feed_batch` (so the batch
/// shrinks as sessions finish). Tokens, logits and KV caches must agree bit for bit:
/// every kernel computes each row independently of the others in its batch.
fn batched_equals_alone(llm: &Llm<'_>, backend: Backend, budgets: &[usize]) {
    let prompted: Vec<(Session<'_, '_>, Vec<f32>)> = TEXTS
        .iter()
        .map(|text| {
            let mut s = llm.new_session();
            let logits = s.feed(&llm.tokenizer.encode(text, true), backend).unwrap();
            (s, logits)
        })
        .collect();
    let lengths: Vec<usize> = prompted.iter().map(|(s, _)| s.tokens().len()).collect();
    assert!(lengths.windows(2).all(|w| w[0] < w[1]), "{lengths:?}");
    let mut alone = Vec::new();
    for ((session, logits), &budget) in prompted.iter().zip(budgets) {
        let (mut s, mut logits) = (session.clone(), logits.clone());
        let mut steps = Vec::new();
        for _ in 0..budget {
            let token = aios_ml::sample::argmax(&logits);
            logits = s.feed(&[token], backend).unwrap();
            steps.push((token, logits.clone()));
        }
        alone.push((steps, s.save()));
    }
    let (mut sessions, mut logits): (Vec<_>, Vec<_>) = prompted.into_iter().unzip();
    for step in 0..budgets.iter().copied().max().unwrap_or(0) {
        let running: Vec<usize> = (0..sessions.len()).filter(|&i| step < budgets[i]).collect();
        let tokens: Vec<u32> = running
            .iter()
            .map(|&i| aios_ml::sample::argmax(&logits[i]))
            .collect();
        let mut batch: Vec<&mut Session<'_, '_>> = sessions
            .iter_mut()
            .enumerate()
            .filter(|(i, _)| running.contains(i))
            .map(|(_, s)| s)
            .collect();
        let next = llm.feed_batch(&mut batch, &tokens, backend).unwrap();
        assert_eq!(next.len(), running.len());
        for ((&i, &token), new) in running.iter().zip(&tokens).zip(next) {
            assert_eq!(token, alone[i].0[step].0, "session {i} step {step}");
            assert!(new == alone[i].0[step].1, "session {i} step {step} logits");
            logits[i] = new;
        }
    }
    for (session, (_, saved)) in sessions.iter().zip(&alone) {
        assert!(session.save() == *saved, "KV caches differ");
    }
}

#[test]
fn feed_batch_decodes_exactly_like_feeding_each_session_alone() {
    let Some(bytes) = llm_support::smollm2() else {
        return;
    };
    let llm = Llm::load(&bytes).unwrap();
    for backend in backends() {
        batched_equals_alone(&llm, backend, &[8, 8, 6, 3]);
    }
}

#[test]
fn bad_batches_are_refused_and_leave_every_session_untouched() {
    let Some(bytes) = llm_support::smollm2() else {
        return;
    };
    let mut llm = Llm::load(&bytes).unwrap();
    let backend = Backend::detect();
    let ids = prompt(&llm, "Hi.");
    // A short context lets a session fill it quickly.
    llm.config.context = ids.len() + 1;
    let other = Llm::load(&bytes).unwrap();
    let (mut a, mut b, mut full) = (llm.new_session(), llm.new_session(), llm.new_session());
    a.feed(&ids[..3], backend).unwrap();
    full.feed(&ids, backend).unwrap();
    full.feed(&[ids[0]], backend).unwrap();
    assert_eq!(full.remaining_context(), 0);
    let mut foreign = other.new_session();
    let before = [a.save(), b.save(), full.save(), foreign.save()];
    let vocab = llm.config.vocab as u32;
    let refused = [
        llm.feed_batch(&mut [], &[], backend),
        llm.feed_batch(&mut [&mut a, &mut b], &[1], backend),
        llm.feed_batch(&mut [&mut a, &mut b], &[1, 2, 3], backend),
        llm.feed_batch(&mut [&mut a, &mut b], &[1, vocab], backend),
        llm.feed_batch(&mut [&mut a, &mut full], &[1, 2], backend),
        llm.feed_batch(&mut [&mut a, &mut foreign], &[1, 2], backend),
    ];
    assert!(matches!(refused[0], Err(Error::Malformed { .. })));
    assert!(matches!(refused[1], Err(Error::LengthMismatch { .. })));
    assert!(matches!(refused[2], Err(Error::LengthMismatch { .. })));
    assert!(matches!(refused[3], Err(Error::Malformed { .. })));
    assert!(matches!(refused[4], Err(Error::TooLarge { .. })));
    assert!(matches!(refused[5], Err(Error::Malformed { .. })));
    assert_eq!([a.save(), b.save(), full.save(), foreign.save()], before);
    // The same sessions are accepted once the batch is right.
    let next = llm.feed_batch(&mut [&mut a, &mut b], &[ids[3], ids[0]], backend);
    assert_eq!(next.unwrap().len(), 2);
    assert_eq!((a.tokens().len(), b.tokens().len()), (4, 1));
}

#[test]
fn decoder_steps_like_generator() {
    let Some(bytes) = llm_support::smollm2() else {
        return;
    };
    let llm = Llm::load(&bytes).unwrap();
    let backend = Backend::detect();
    let ids = prompt(&llm, "Name three primary colors.");
    let config = SamplerConfig {
        max_tokens: 12,
        stop: vec!["Blue".into()],
        ..SamplerConfig::default()
    };
    let mut session = llm.new_session();
    let mut generator = Generator::new(&mut session, &ids, &config, backend).unwrap();
    let mut expected = Vec::new();
    while let Some(step) = generator.next_step(backend).unwrap() {
        expected.push(step);
    }
    let mut session = llm.new_session();
    let mut logits = session.feed(&ids, backend).unwrap();
    let mut decoder = Decoder::new(&config).unwrap();
    let mut steps = Vec::new();
    while let Some(step) = decoder.step(&logits, &llm.tokenizer).unwrap() {
        if !step.finished {
            logits = session.feed(&[step.token], backend).unwrap();
        }
        steps.push(step);
    }
    assert_eq!(steps, expected);
    assert!(decoder.finished() && decoder.produced() == steps.len());
    assert_eq!(decoder.step(&logits, &llm.tokenizer).unwrap(), None);
    let zero = SamplerConfig {
        max_tokens: 0,
        ..SamplerConfig::default()
    };
    assert!(Decoder::new(&zero).unwrap().finished());
    let empty_stop = SamplerConfig {
        stop: vec![String::new()],
        ..SamplerConfig::default()
    };
    assert!(matches!(
        Decoder::new(&empty_stop),
        Err(Error::Malformed { .. })
    ));
}
