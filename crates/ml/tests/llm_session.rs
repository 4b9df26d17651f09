//! Sessions on the real model: batching does not change results, a saved KV cache
//! restores to the same state, and generation honours its limits and stop strings.

mod llm_support;

use aios_ml::{Backend, Error, Generator, Llm, Message, Order, Role, SamplerConfig};

fn prompt(llm: &Llm<'_>, question: &str) -> Vec<u32> {
    llm.tokenizer.encode(
        &Llm::chat_template(&[Message {
            role: Role::User,
            content: question,
        }]),
        true,
    )
}

/// A prompt fed in pieces, each in the whole batch's attention order, gives the bits
/// of feeding it at once; token by token (llama.cpp's single-token order) it differs
/// only by rounding.
#[test]
fn prompt_pieces_equal_the_whole_and_token_by_token_is_close() {
    let Some(bytes) = llm_support::smollm2() else {
        return;
    };
    let llm = Llm::load(&bytes).unwrap();
    let backend = Backend::detect();
    let ids = llm.tokenizer.encode("The capital of France is", true);
    let mut batched = llm.new_session();
    let all = batched.feed(&ids, backend).unwrap();
    let mut pieces = llm.new_session();
    pieces.feed_as(&ids[..3], Order::Batch, backend).unwrap();
    assert_eq!(
        pieces.feed_as(&ids[3..], Order::Batch, backend).unwrap(),
        all
    );
    let mut single = llm.new_session();
    let mut last = Vec::new();
    for &t in &ids {
        last = single.feed(&[t], backend).unwrap();
    }
    assert_eq!(all.len(), llm.config.vocab);
    let worst = all
        .iter()
        .zip(&last)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(worst < 0.5, "token by token differs by {worst}");
    let paris = llm.tokenizer.encode(" Paris", false);
    assert_eq!(aios_ml::sample::argmax(&all), paris[0]);
    assert_eq!(aios_ml::sample::argmax(&last), paris[0]);
}

#[test]
fn saved_session_restores_to_the_same_state() {
    let Some(bytes) = llm_support::smollm2() else {
        return;
    };
    let llm = Llm::load(&bytes).unwrap();
    let backend = Backend::detect();
    let ids = prompt(&llm, "Count from one to five.");
    let mut session = llm.new_session();
    session.feed(&ids, backend).unwrap();
    let saved = session.save();
    let next = llm.tokenizer.encode("One", false);
    let original = session.feed(&next, backend).unwrap();
    let mut restored = aios_ml::Session::restore(&llm, &saved).unwrap();
    assert_eq!(restored.tokens(), &ids[..]);
    assert_eq!(restored.feed(&next, backend).unwrap(), original);
    // Damaged or foreign bytes are refused, never trusted.
    assert!(matches!(
        aios_ml::Session::restore(&llm, &saved[..saved.len() - 1]),
        Err(Error::Truncated { .. })
    ));
    let mut foreign = saved.clone();
    foreign[8] ^= 1;
    assert!(aios_ml::Session::restore(&llm, &foreign).is_err());
    assert!(aios_ml::Session::restore(&llm, b"AIKV").is_err());
    let empty = llm.new_session().save();
    assert!(
        aios_ml::Session::restore(&llm, &empty)
            .unwrap()
            .tokens()
            .is_empty()
    );
}

#[test]
fn bad_tokens_and_context_overflow_are_errors() {
    let Some(bytes) = llm_support::smollm2() else {
        return;
    };
    let llm = Llm::load(&bytes).unwrap();
    let mut session = llm.new_session();
    let backend = Backend::detect();
    assert!(session.feed(&[], backend).is_err());
    assert!(session.feed(&[llm.config.vocab as u32], backend).is_err());
    let too_long = vec![1u32; llm.config.context + 1];
    assert!(matches!(
        session.feed(&too_long, backend),
        Err(Error::TooLarge { .. })
    ));
    assert!(session.tokens().is_empty());
    assert!(Llm::load(&bytes[..bytes.len() / 2]).is_err());
}

#[test]
fn generator_streams_and_stops() {
    let Some(bytes) = llm_support::smollm2() else {
        return;
    };
    let llm = Llm::load(&bytes).unwrap();
    let backend = Backend::detect();
    let ids = prompt(&llm, "Name three primary colors.");
    let run = |config: SamplerConfig| {
        let mut session = llm.new_session();
        let mut generator = Generator::new(&mut session, &ids, &config, backend).unwrap();
        let mut steps = Vec::new();
        while let Some(step) = generator.next_step(backend).unwrap() {
            steps.push(step);
        }
        steps
    };
    let greedy = run(SamplerConfig {
        max_tokens: 24,
        ..SamplerConfig::default()
    });
    assert!(greedy.len() <= 24 && greedy.last().unwrap().finished);
    let text: String = greedy.iter().map(|s| s.text.as_str()).collect();
    assert!(text.to_lowercase().contains("red"), "answer {text:?}");
    // A stop string cuts the output before it and ends generation.
    let stop = "Blue";
    assert!(text.contains(stop), "answer {text:?}");
    let stopped = run(SamplerConfig {
        max_tokens: 24,
        stop: vec![stop.into()],
        ..SamplerConfig::default()
    });
    let cut: String = stopped.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(cut, text[..text.find(stop).unwrap()]);
    assert!(stopped.last().unwrap().finished && stopped.len() < greedy.len());
    // Sampling with a seed is reproducible.
    let sampled = |seed| {
        run(SamplerConfig {
            temperature: 0.9,
            top_p: 0.95,
            seed,
            max_tokens: 16,
            stop: vec![],
        })
        .into_iter()
        .map(|s| s.token)
        .collect::<Vec<_>>()
    };
    assert_eq!(sampled(3), sampled(3));
    assert_eq!(
        run(SamplerConfig {
            max_tokens: 0,
            ..SamplerConfig::default()
        })
        .len(),
        0
    );
}
