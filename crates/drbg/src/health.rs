//! NIST SP 800-90B (section 4.4) continuous health tests on raw 64-bit
//! samples: the Repetition Count Test on whole words and the Adaptive
//! Proportion Test on their bytes, plus the start-up test (the same tests
//! over a first run of samples that must pass before any is used).
//!
//! The cutoffs follow 90B's formulas with a false-alarm probability
//! alpha = 2^-20 per test and a claimed min-entropy of H = 4 bits per byte
//! (32 bits per 64-bit word). Intel and AMD claim full entropy for RDSEED
//! and a DRBG-conditioned output for RDRAND; claiming half of that keeps
//! the tests sensitive to a source that has lost most, not all, of its
//! entropy, while a healthy source trips them with negligible probability.

use crate::EntropyError;

/// A Repetition Count Test failure: this many identical consecutive
/// words. 90B: C = 1 + ceil(-log2(alpha) / H) = 1 + ceil(20 / 32) = 2, so
/// any word equal to the one before fails. A healthy source repeats a word
/// with probability at most 2^-32 (2^-64 at full entropy); a stuck one
/// (the all-ones RDRAND of some AMD parts) fails on its second word.
pub const REPETITION_CUTOFF: u32 = 2;

/// The Adaptive Proportion Test's window, in bytes: 90B's W = 512 for
/// non-binary samples. Windows are separated by one untested byte, so
/// successive windows start on successive byte lanes of the words.
pub const ADAPTIVE_PROPORTION_WINDOW: usize = 512;

/// An Adaptive Proportion Test failure: the window's first byte value
/// occurs this many times in the window. 90B: C = 1 + CRITBINOM(512,
/// 2^-H, 1 - alpha) = 62 for H = 4 (90B's table 2). At full entropy a
/// value is expected 2 times in a window; reaching 62 has probability
/// below 2^-200. A source whose bytes favour one value (stuck bits, a
/// counter, a biased ring oscillator) reaches it.
pub const ADAPTIVE_PROPORTION_CUTOFF: u32 = 62;

/// Words that must pass before a source's output is used, and again after
/// any failure: one proportion window starting on each of the 8 byte lanes
/// (8 x 513 bytes), so that a source with one bad byte lane cannot pass
/// start-up on its good lanes. 4104 bytes, above 90B's minimum of 1024
/// samples for the start-up test.
pub const STARTUP_WORDS: usize = ADAPTIVE_PROPORTION_WINDOW + 1;

const _: () = assert!(STARTUP_WORDS * 8 >= 1024, "90B's start-up minimum");

/// The running state of the continuous tests on one source.
#[derive(Debug, Clone)]
pub struct HealthTests {
    last_word: Option<u64>,
    repeats: u32,
    window_reference: u8,
    window_matches: u32,
    window_seen: usize,
    startup_remaining: usize,
}

impl Default for HealthTests {
    fn default() -> Self {
        HealthTests::new()
    }
}

impl HealthTests {
    /// Tests that have seen nothing: the start-up run is still ahead.
    pub const fn new() -> Self {
        HealthTests {
            last_word: None,
            repeats: 0,
            window_reference: 0,
            window_matches: 0,
            window_seen: 0,
            startup_remaining: STARTUP_WORDS,
        }
    }

    /// Tests one sample. On failure the tests start over, start-up run
    /// included, so a failed source is not trusted again until a full
    /// start-up run passes.
    pub fn check(&mut self, word: u64) -> Result<(), EntropyError> {
        let result = self
            .repetition_count(word)
            .and_then(|()| self.adaptive_proportion(word));
        match result {
            Ok(()) => self.startup_remaining = self.startup_remaining.saturating_sub(1),
            Err(_) => *self = HealthTests::new(),
        }
        result
    }

    /// Samples that must still pass before output may be used.
    pub fn startup_remaining(&self) -> usize {
        self.startup_remaining
    }

    fn repetition_count(&mut self, word: u64) -> Result<(), EntropyError> {
        if self.last_word == Some(word) {
            self.repeats = self.repeats.saturating_add(1);
        } else {
            self.last_word = Some(word);
            self.repeats = 1;
        }
        if self.repeats >= REPETITION_CUTOFF {
            return Err(EntropyError::RepetitionCount);
        }
        Ok(())
    }

    fn adaptive_proportion(&mut self, word: u64) -> Result<(), EntropyError> {
        for byte in word.to_le_bytes() {
            if self.window_seen == ADAPTIVE_PROPORTION_WINDOW {
                // One byte between windows is left out of this test (the
                // repetition test still sees it), so that the next window
                // starts on the next byte of a word. Without the gap every
                // window would start on a word's lowest byte, and a source
                // with good low bytes and stuck high ones would always
                // pick a good reference and pass.
                self.window_seen = 0;
                continue;
            }
            if self.window_seen == 0 {
                self.window_reference = byte;
                self.window_matches = 1;
            } else if byte == self.window_reference {
                self.window_matches += 1;
            }
            self.window_seen += 1;
            if self.window_matches >= ADAPTIVE_PROPORTION_CUTOFF {
                return Err(EntropyError::AdaptiveProportion);
            }
        }
        Ok(())
    }
}
