//! What the evaluator is asked about, and what it answers.

use crate::publisher::FINGERPRINT_LEN;
use crate::rule::Effect;

/// The agent making a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject<'a> {
    /// The agent's name from its manifest.
    pub name: &'a str,
    /// Fingerprint of the key that signed the agent's image.
    pub publisher: [u8; FINGERPRINT_LEN],
    /// Labels the agent carries (from its manifest or the bundle).
    pub labels: &'a [&'a str],
}

/// One operation to decide on, after its capability check passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    /// Who asks.
    pub subject: Subject<'a>,
    /// The syscall name, e.g. `semantic_send`.
    pub operation: &'a str,
    /// What it acts on (intent, namespace, endpoint), if anything.
    pub resource: Option<&'a str>,
    /// Payload size in bytes.
    pub size: u64,
    /// Schema id of the message, if the operation carries one.
    pub schema: Option<&'a str>,
    /// The caller's monotonic clock, in nanoseconds: drives rate limits.
    pub now_ns: u64,
    /// The hour of the UTC day, 0 to 23, from the caller's wall clock.
    pub hour_utc: u8,
}

/// The answer for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// What to do.
    pub effect: Effect,
    /// Index (into [`crate::Policy::rules`]) of the rule that decided, or
    /// `None` when the default did.
    pub rule: Option<usize>,
    /// Line of that rule or of the `default` statement; 0 when no
    /// `default` was written and the implicit `default deny` decided.
    pub line: u32,
}
