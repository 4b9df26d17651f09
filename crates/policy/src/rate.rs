//! Token buckets for `rate` conditions, one per (rule, subject).

use alloc::collections::BTreeMap;
use alloc::string::String;

const NANOS_PER_SECOND: u64 = 1_000_000_000;

/// The highest rate a policy may name, so a full bucket (rate × 10⁹
/// nano-tokens) fits in 64 bits.
pub const MAX_RATE_PER_SECOND: u64 = 1_000_000_000;

/// The rate-limit memory that outlives single evaluations: one token
/// bucket per rule with a `rate` condition and subject name. Buckets are
/// created full on a subject's first request.
///
/// A bucket is keyed by rule index; evaluating a replaced policy against an
/// old state reuses a bucket only when the rule at that index has the same
/// rate, and starts a fresh one otherwise. Callers that want a clean slate
/// on replacement call [`RateState::clear`].
#[derive(Debug, Clone, Default)]
pub struct RateState {
    buckets: BTreeMap<usize, BTreeMap<String, TokenBucket>>,
}

impl RateState {
    /// An empty state: every bucket starts full.
    pub fn new() -> Self {
        Self::default()
    }

    /// Drops every bucket of `subject` (e.g. when that agent exits), so
    /// the state holds only live subjects.
    pub fn forget(&mut self, subject: &str) {
        for per_subject in self.buckets.values_mut() {
            per_subject.remove(subject);
        }
        self.buckets
            .retain(|_, per_subject| !per_subject.is_empty());
    }

    /// Drops every bucket.
    pub fn clear(&mut self) {
        self.buckets.clear();
    }

    /// Number of buckets held.
    pub fn len(&self) -> usize {
        self.buckets.values().map(BTreeMap::len).sum()
    }

    /// Whether no bucket is held.
    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }

    /// Takes one token from the bucket of (`rule`, `subject`), refilled at
    /// `per_second`; false if none is left.
    pub(crate) fn try_take(
        &mut self,
        rule: usize,
        subject: &str,
        per_second: u64,
        now_ns: u64,
    ) -> bool {
        let per_subject = self.buckets.entry(rule).or_default();
        match per_subject.get_mut(subject) {
            Some(bucket) if bucket.per_second == per_second => bucket.try_take(now_ns),
            _ => {
                let mut bucket = TokenBucket::full(per_second, now_ns);
                let taken = bucket.try_take(now_ns);
                per_subject.insert(subject.into(), bucket);
                taken
            }
        }
    }
}

/// Holds up to one second's worth of tokens, refilled continuously. The
/// level is kept in nano-tokens so refills are exact integers.
#[derive(Debug, Clone)]
struct TokenBucket {
    per_second: u64,
    level: u64,
    last_ns: u64,
}

impl TokenBucket {
    fn full(per_second: u64, now_ns: u64) -> Self {
        TokenBucket {
            per_second,
            level: per_second.saturating_mul(NANOS_PER_SECOND),
            last_ns: now_ns,
        }
    }

    /// Refills for the time since the last call (a clock going backwards
    /// earns nothing), then takes one token if there is one.
    fn try_take(&mut self, now_ns: u64) -> bool {
        let elapsed = now_ns.saturating_sub(self.last_ns);
        self.last_ns = self.last_ns.max(now_ns);
        let capacity = self.per_second.saturating_mul(NANOS_PER_SECOND);
        self.level = self
            .level
            .saturating_add(elapsed.saturating_mul(self.per_second))
            .min(capacity);
        match self.level.checked_sub(NANOS_PER_SECOND) {
            Some(level) => {
                self.level = level;
                true
            }
            None => false,
        }
    }
}
