//! The SP 800-90B continuous health tests on good and broken sources.

mod common;

use aios_drbg::{
    ADAPTIVE_PROPORTION_CUTOFF, ADAPTIVE_PROPORTION_WINDOW, EntropyError, HealthTests,
    REPETITION_CUTOFF, STARTUP_WORDS,
};

/// Runs `words` samples of `source` through fresh tests; the first error.
fn run(mut source: impl FnMut() -> Option<u64>, words: usize) -> Result<(), EntropyError> {
    let mut tests = HealthTests::new();
    for _ in 0..words {
        tests.check(source().unwrap())?;
    }
    Ok(())
}

/// SP 800-90B's cutoff formulas at alpha = 2^-20 and H = 4 bits per byte
/// (32 per word) give the crate's constants.
#[test]
fn the_cutoffs_follow_from_the_claimed_entropy() {
    let alpha = 2f64.powi(-20);
    let bits_per_word: f64 = 32.0;
    let repetition = 1 + (20.0 / bits_per_word).ceil() as u32;
    assert_eq!(REPETITION_CUTOFF, repetition);

    // C = 1 + CRITBINOM(W, p, 1 - alpha): the least k whose binomial
    // CDF reaches 1 - alpha, plus one.
    let window = ADAPTIVE_PROPORTION_WINDOW as u32;
    let p = 2f64.powi(-4);
    let mut log_pmf = window as f64 * (1.0 - p).ln();
    let mut cdf = log_pmf.exp();
    let mut k = 0;
    while cdf < 1.0 - alpha {
        log_pmf += ((window - k) as f64).ln() - ((k + 1) as f64).ln() + p.ln() - (1.0 - p).ln();
        k += 1;
        cdf += log_pmf.exp();
    }
    assert_eq!(ADAPTIVE_PROPORTION_CUTOFF, k + 1);
    assert_eq!(STARTUP_WORDS, ADAPTIVE_PROPORTION_WINDOW + 1);
}

#[test]
fn a_good_source_passes_a_million_words() {
    for seed in 0..4 {
        assert_eq!(run(common::good(seed), 250_000), Ok(()));
    }
}

#[test]
fn the_start_up_run_counts_down_on_passing_words() {
    let mut tests = HealthTests::new();
    let mut source = common::good(3);
    assert_eq!(tests.startup_remaining(), STARTUP_WORDS);
    for _ in 0..10 {
        tests.check(source().unwrap()).unwrap();
    }
    assert_eq!(tests.startup_remaining(), STARTUP_WORDS - 10);
    for _ in 0..STARTUP_WORDS {
        tests.check(source().unwrap()).unwrap();
    }
    assert_eq!(tests.startup_remaining(), 0);
}

#[test]
fn a_stuck_source_fails_the_repetition_count_on_its_second_word() {
    for word in [0, u64::MAX, 0x1234_5678_9ABC_DEF0] {
        let mut tests = HealthTests::new();
        assert_eq!(tests.check(word), Ok(()));
        assert_eq!(tests.check(word), Err(EntropyError::RepetitionCount));
    }
}

#[test]
fn a_failure_restarts_the_start_up_run() {
    let mut tests = HealthTests::new();
    let mut source = common::good(5);
    for _ in 0..STARTUP_WORDS {
        tests.check(source().unwrap()).unwrap();
    }
    assert_eq!(tests.startup_remaining(), 0);
    let word = source().unwrap();
    tests.check(word).unwrap();
    assert_eq!(tests.check(word), Err(EntropyError::RepetitionCount));
    assert_eq!(tests.startup_remaining(), STARTUP_WORDS);
}

#[test]
fn a_biased_source_fails_the_adaptive_proportion_test() {
    // Windows start on successive byte lanes; the first that starts on a
    // zero upper byte (the fifth) finds zeros in half of its bytes.
    let mut tests = HealthTests::new();
    let mut source = common::biased(9);
    let mut failed_at = None;
    for index in 0..ADAPTIVE_PROPORTION_WINDOW {
        if let Err(e) = tests.check(source().unwrap()) {
            assert_eq!(e, EntropyError::AdaptiveProportion);
            failed_at = Some(index);
            break;
        }
    }
    let failed_at = failed_at.expect("the biased source passed");
    let words_per_window = ADAPTIVE_PROPORTION_WINDOW / 8;
    assert!(
        failed_at >= 4 * words_per_window,
        "failed at word {failed_at}"
    );
    assert!(
        failed_at < 5 * words_per_window + 1,
        "failed at word {failed_at}"
    );
}

#[test]
fn only_a_dominant_byte_value_fails_the_adaptive_proportion_test() {
    let mut flip = false;
    let alternating = move || {
        flip = !flip;
        Some(if flip {
            0x0102_0304_0506_0708
        } else {
            0x1112_1314_1516_1718
        })
    };
    // The window's first byte recurs every 16 bytes: 32 times a window.
    // Under the cutoff, so no failure: the proportion test is not fooled
    // into failing a source with only a mild excess of one value.
    assert_eq!(run(alternating, 1024), Ok(()));

    let mut flip = false;
    let mostly_one_byte = move || {
        flip = !flip;
        Some(if flip {
            0x4141_4141_4141_4141
        } else {
            0x4141_4141_4141_0001
        })
    };
    assert_eq!(
        run(mostly_one_byte, 64),
        Err(EntropyError::AdaptiveProportion)
    );
}

#[test]
fn a_counter_passes_repetition_but_fails_proportion() {
    let mut counter = 0u64;
    let source = move || {
        counter += 1;
        Some(counter)
    };
    // The second window starts on a word's second byte: a zero.
    assert_eq!(run(source, 64), Ok(()));
    let mut counter = 0u64;
    let source = move || {
        counter += 1;
        Some(counter)
    };
    assert_eq!(
        run(source, 2 * 64 + 1),
        Err(EntropyError::AdaptiveProportion)
    );
}
