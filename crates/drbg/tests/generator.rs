//! The thread-safe generator: seeding, reseeding, refusing to answer when
//! its source fails.

mod common;

use aios_drbg::{
    Drbg, DrbgError, EntropyError, HmacDrbg, MAX_REQUEST_BYTES, RESEED_INTERVAL, RESEED_WORDS,
    STARTUP_WORDS,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn an_unseeded_generator_gives_no_output() {
    let drbg = Drbg::new();
    let mut out = [0xAAu8; 16];
    assert_eq!(drbg.fill(&mut out), Err(DrbgError::NotSeeded));
    assert_eq!(out, [0u8; 16]);
    assert_eq!(drbg.reseed(), Err(DrbgError::NotSeeded));
    let status = drbg.status();
    assert!(!status.seeded);
    assert_eq!(status.reseeds, 0);
}

#[test]
fn the_seed_is_the_start_up_run() {
    // The seed is the 128 start-up words, the last 16 bytes the nonce: the
    // same words given to HmacDrbg directly give the same output.
    let drbg = Drbg::new();
    drbg.seed(Box::new(common::good(42)), b"test").unwrap();
    let mut source = common::good(42);
    let words: Vec<u8> = (0..STARTUP_WORDS)
        .flat_map(|_| source().unwrap().to_le_bytes())
        .collect();
    let (entropy, nonce) = words.split_at(words.len() - 16);
    let mut direct = HmacDrbg::new(entropy, nonce, b"test").unwrap();

    let mut expected = [0u8; 48];
    let mut out = [0u8; 48];
    direct.generate(&mut expected, &[]).unwrap();
    drbg.fill(&mut out).unwrap();
    assert_eq!(out, expected);
    let status = drbg.status();
    assert!(status.seeded);
    assert_eq!(status.requests_since_reseed, 1);
}

#[test]
fn successive_fills_differ() {
    let drbg = Drbg::new();
    drbg.seed(Box::new(common::good(1)), &[]).unwrap();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..1000 {
        let mut out = [0u8; 16];
        drbg.fill(&mut out).unwrap();
        assert!(seen.insert(out), "a 128-bit output repeated");
    }
}

#[test]
fn a_stuck_or_empty_source_does_not_seed() {
    let drbg = Drbg::new();
    assert_eq!(
        drbg.seed(Box::new(common::stuck(u64::MAX)), &[]),
        Err(DrbgError::Entropy(EntropyError::RepetitionCount))
    );
    assert_eq!(
        drbg.seed(Box::new(common::biased(3)), &[]),
        Err(DrbgError::Entropy(EntropyError::AdaptiveProportion))
    );
    assert_eq!(
        drbg.seed(Box::new(|| None), &[]),
        Err(DrbgError::Entropy(EntropyError::Unavailable))
    );
    let status = drbg.status();
    assert!(!status.seeded);
    assert_eq!(status.health_failures, 2);
    assert_eq!(status.source_unavailable, 1);
    assert_eq!(status.last_failure, Some(EntropyError::Unavailable));
    assert_eq!(drbg.fill(&mut [0u8; 8]), Err(DrbgError::NotSeeded));
}

#[test]
fn a_failed_seed_keeps_the_working_generator() {
    let drbg = Drbg::new();
    drbg.seed(Box::new(common::good(1)), &[]).unwrap();
    assert!(drbg.seed(Box::new(common::stuck(7)), &[]).is_err());
    assert!(drbg.fill(&mut [0u8; 8]).is_ok());
    // Its source is still the good one: reseeding works.
    assert_eq!(drbg.reseed(), Ok(()));
    assert_eq!(drbg.status().reseeds, 1);
}

#[test]
fn the_reseed_counter_reseeds_from_the_source() {
    let drawn = Arc::new(AtomicUsize::new(0));
    let counted = drawn.clone();
    let mut good = common::good(8);
    let source = move || {
        counted.fetch_add(1, Ordering::Relaxed);
        good()
    };
    let drbg = Drbg::with_reseed_interval(4);
    drbg.seed(Box::new(source), &[]).unwrap();
    let words = |d: &Arc<AtomicUsize>| d.load(Ordering::Relaxed);
    assert_eq!(words(&drawn), STARTUP_WORDS);
    for _ in 0..4 {
        drbg.fill(&mut [0u8; 8]).unwrap();
    }
    assert_eq!(drbg.status().reseeds, 0);
    assert_eq!(drbg.status().requests_since_reseed, 4);
    drbg.fill(&mut [0u8; 8]).unwrap();
    let status = drbg.status();
    assert_eq!(status.reseeds, 1);
    assert_eq!(status.requests_since_reseed, 1);
    assert_eq!(words(&drawn), STARTUP_WORDS + RESEED_WORDS);
}

#[test]
fn the_default_interval_is_the_documented_one() {
    let drbg = Drbg::new();
    drbg.seed(Box::new(common::good(2)), &[]).unwrap();
    for _ in 0..RESEED_INTERVAL {
        drbg.fill(&mut [0u8; 1]).unwrap();
    }
    assert_eq!(drbg.status().reseeds, 0);
    drbg.fill(&mut [0u8; 1]).unwrap();
    assert_eq!(drbg.status().reseeds, 1);
}

#[test]
fn reseeding_changes_the_output() {
    let a = Drbg::new();
    let b = Drbg::new();
    a.seed(Box::new(common::good(5)), &[]).unwrap();
    b.seed(Box::new(common::good(5)), &[]).unwrap();
    let (mut out_a, mut out_b) = ([0u8; 32], [0u8; 32]);
    a.fill(&mut out_a).unwrap();
    b.fill(&mut out_b).unwrap();
    assert_eq!(out_a, out_b, "same source, same output");
    b.reseed().unwrap();
    a.fill(&mut out_a).unwrap();
    b.fill(&mut out_b).unwrap();
    assert_ne!(out_a, out_b);
}

#[test]
fn a_source_that_sticks_stops_the_output_when_a_reseed_is_due() {
    let source = common::breaks_after(STARTUP_WORDS + 1, common::stuck(0xDEAD));
    let drbg = Drbg::with_reseed_interval(2);
    drbg.seed(Box::new(source), &[]).unwrap();
    drbg.fill(&mut [0u8; 8]).unwrap();
    drbg.fill(&mut [0u8; 8]).unwrap();
    let mut out = [0x55u8; 8];
    assert_eq!(
        drbg.fill(&mut out),
        Err(DrbgError::ReseedOverdue(EntropyError::RepetitionCount))
    );
    assert_eq!(out, [0u8; 8], "no partial output on error");
    // It stays refused: every request retries the reseed and fails.
    assert_eq!(
        drbg.fill(&mut out),
        Err(DrbgError::ReseedOverdue(EntropyError::RepetitionCount))
    );
    let status = drbg.status();
    assert!(status.seeded);
    assert_eq!(status.health_failures, 2);
    assert_eq!(status.last_failure, Some(EntropyError::RepetitionCount));
}

#[test]
fn a_source_that_dies_stops_the_output_when_a_reseed_is_due() {
    let source = common::breaks_after(STARTUP_WORDS, || None);
    let drbg = Drbg::with_reseed_interval(1);
    drbg.seed(Box::new(source), &[]).unwrap();
    drbg.fill(&mut [0u8; 8]).unwrap();
    assert_eq!(
        drbg.fill(&mut [0u8; 8]),
        Err(DrbgError::ReseedOverdue(EntropyError::Unavailable))
    );
    assert_eq!(drbg.status().source_unavailable, 1);
}

#[test]
fn after_a_health_failure_a_reseed_needs_a_full_start_up_run() {
    // Healthy, then one repeated word, then healthy again.
    let drawn = Arc::new(AtomicUsize::new(0));
    let counted = drawn.clone();
    let mut inner = common::good(11);
    let mut last = 0;
    let source = move || {
        let index = counted.fetch_add(1, Ordering::Relaxed) + 1;
        if index == STARTUP_WORDS + 5 {
            return Some(last);
        }
        last = inner()?;
        Some(last)
    };
    let drbg = Drbg::new();
    drbg.seed(Box::new(source), &[]).unwrap();
    assert_eq!(
        drbg.reseed(),
        Err(DrbgError::Entropy(EntropyError::RepetitionCount))
    );
    assert_eq!(drawn.load(Ordering::Relaxed), STARTUP_WORDS + 5);
    // The source is healthy again; the reseed draws a whole start-up run,
    // and the one after it the usual few words.
    assert_eq!(drbg.reseed(), Ok(()));
    assert_eq!(drawn.load(Ordering::Relaxed), 2 * STARTUP_WORDS + 5);
    assert_eq!(drbg.reseed(), Ok(()));
    assert_eq!(
        drawn.load(Ordering::Relaxed),
        2 * STARTUP_WORDS + 5 + RESEED_WORDS
    );
    let status = drbg.status();
    assert_eq!(status.reseeds, 2);
    assert_eq!(status.health_failures, 1);
}

#[test]
fn large_fills_are_split_into_requests() {
    let drbg = Drbg::new();
    drbg.seed(Box::new(common::good(4)), &[]).unwrap();
    let mut big = vec![0u8; 3 * MAX_REQUEST_BYTES + 100];
    drbg.fill(&mut big).unwrap();
    assert_eq!(drbg.status().requests_since_reseed, 4);
    // Every 64 KiB request is fresh output: no block of 32 bytes repeats.
    let mut blocks = std::collections::HashSet::new();
    for block in big.chunks_exact(32) {
        assert!(blocks.insert(block.to_vec()));
    }
    assert!(drbg.fill(&mut []).is_ok());
}

#[test]
fn threads_share_one_generator() {
    let drbg = Arc::new(Drbg::new());
    drbg.seed(Box::new(common::good(6)), &[]).unwrap();
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let drbg = drbg.clone();
            std::thread::spawn(move || {
                (0..500)
                    .map(|_| {
                        let mut out = [0u8; 16];
                        drbg.fill(&mut out).unwrap();
                        out
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut all = std::collections::HashSet::new();
    for handle in handles {
        for out in handle.join().unwrap() {
            assert!(all.insert(out));
        }
    }
    assert_eq!(all.len(), 2000);
    assert_eq!(drbg.status().reseeds, 1);
}
