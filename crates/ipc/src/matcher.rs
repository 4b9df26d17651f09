//! Scoring natural-language requests against intent descriptions.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;

/// The top of the score scale: scores are per-mille, `0..=PER_MILLE`.
/// Integers, because the kernel target is soft-float.
pub const PER_MILLE: u32 = 1000;

/// Scores how well a request fits an intent description. The router keeps
/// the best-scoring intent, if it reaches its threshold. An embedding-based
/// matcher can replace the lexical one behind this trait.
pub trait Matcher {
    /// Sees every description whenever the set of declared intents changes,
    /// so that scores can weigh words by how rare they are among them.
    fn index(&mut self, descriptions: &[&str]);
    /// The similarity of `request` to `description`, `0..=PER_MILLE`.
    fn score(&self, request: &str, description: &str) -> u32;
}

/// Word-overlap matcher: texts are split into lower-case words, stop words
/// dropped and a plural `s` trimmed; each shared word counts by its inverse
/// document frequency over all descriptions, so a word every intent uses
/// says little and a word one intent uses says much.
#[derive(Debug, Clone, Default)]
pub struct LexicalMatcher {
    documents: u64,
    frequency: BTreeMap<String, u64>,
}

const STOP_WORDS: &[&str] = &[
    "a", "about", "all", "an", "and", "any", "are", "as", "at", "be", "by", "can", "could", "do",
    "does", "for", "from", "get", "give", "how", "i", "in", "into", "is", "it", "its", "just",
    "me", "my", "of", "on", "or", "our", "please", "should", "so", "some", "than", "that", "the",
    "their", "then", "there", "these", "this", "those", "to", "up", "us", "want", "was", "we",
    "what", "which", "who", "will", "with", "would", "you", "your",
];

/// The distinct significant words of a text.
fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut word = word.to_lowercase();
            if word.len() > 3 && word.ends_with('s') && !word.ends_with("ss") {
                word.pop();
            }
            word
        })
        .filter(|word| !STOP_WORDS.contains(&word.as_str()))
        .collect()
}

/// `log2(x)` in fixed point with 8 fractional bits, for `x >= 1`.
fn log2_q8(x: u64) -> u64 {
    let x = x.max(1);
    let integer = u64::from(63 - x.leading_zeros());
    // The mantissa in [1, 2) with 32 fractional bits.
    let mut mantissa = if integer <= 32 {
        x << (32 - integer)
    } else {
        x >> (integer - 32)
    };
    let mut fraction = 0;
    for bit in (0..8).rev() {
        mantissa = ((u128::from(mantissa) * u128::from(mantissa)) >> 32) as u64;
        if mantissa >= 2 << 32 {
            mantissa >>= 1;
            fraction |= 1 << bit;
        }
    }
    (integer << 8) | fraction
}

impl LexicalMatcher {
    /// The weight of a word, `1 + log2((N + 1) / (df + 1))` with 8
    /// fractional bits, where N counts descriptions and df those using it.
    fn weight(&self, word: &str) -> u64 {
        let used_by = self.frequency.get(word).copied().unwrap_or(0);
        let ratio = (self.documents.saturating_add(1) << 16) / used_by.saturating_add(1);
        256 + log2_q8(ratio).saturating_sub(16 << 8)
    }
}

impl Matcher for LexicalMatcher {
    fn index(&mut self, descriptions: &[&str]) {
        self.documents = descriptions.len() as u64;
        self.frequency.clear();
        for description in descriptions {
            for word in words(description) {
                *self.frequency.entry(word).or_insert(0) += 1;
            }
        }
    }

    /// Three parts of the share of the request's weight that the
    /// description covers, one part of the Dice overlap of the two (which
    /// prefers the more specific of two descriptions covering a request).
    fn score(&self, request: &str, description: &str) -> u32 {
        let (request, description) = (words(request), words(description));
        let total = |words: &BTreeSet<String>| words.iter().map(|w| self.weight(w)).sum::<u64>();
        let (request_weight, description_weight) = (total(&request), total(&description));
        if request_weight == 0 || description_weight == 0 {
            return 0;
        }
        let shared: u64 = request
            .intersection(&description)
            .map(|w| self.weight(w))
            .sum();
        let scale = u64::from(PER_MILLE);
        let coverage = shared * scale / request_weight;
        let dice = 2 * shared * scale / (request_weight + description_weight);
        ((3 * coverage + dice) / 4) as u32
    }
}
