//! A compiled rule: who, what operation, on what, under which conditions, with what effect.

use crate::glob::Pattern;
use crate::publisher::PublisherPrefix;
use crate::request::Request;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// What a rule (or the default) decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The operation goes ahead.
    Allow,
    /// The operation is refused.
    Deny,
    /// The operation goes ahead and the decision is recorded in the audit log.
    Audit,
    /// The operation waits until the named agent approves it.
    RequireApproval(String),
}

impl Effect {
    /// Whether the operation may go ahead without anyone's approval.
    pub fn permits(&self) -> bool {
        matches!(self, Effect::Allow | Effect::Audit)
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Effect::Allow => f.write_str("allow"),
            Effect::Deny => f.write_str("deny"),
            Effect::Audit => f.write_str("audit"),
            Effect::RequireApproval(approver) => write!(f, "require approval from \"{approver}\""),
        }
    }
}

/// A window of whole hours of the UTC day: `start` inclusive, `end`
/// exclusive. A window whose start is after its end wraps past midnight
/// (`22..6` is 22:00 to 05:59).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HourWindow {
    /// First hour inside the window, 0 to 23.
    pub start: u8,
    /// First hour after the window, 0 to 24 (24 and 0 both mean midnight).
    pub end: u8,
}

impl HourWindow {
    /// Whether `hour` (0 to 23) falls inside; an hour of 24 or more never does.
    pub fn contains(&self, hour: u8) -> bool {
        if hour >= 24 {
            return false;
        }
        if self.start < self.end {
            self.start <= hour && hour < self.end
        } else {
            hour >= self.start || hour < self.end
        }
    }
}

/// One rule of a compiled policy. Absent clauses match anything; every
/// present clause and condition must hold for the rule to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub(crate) effect: Effect,
    pub(crate) line: u32,
    pub(crate) agent: Option<Pattern>,
    pub(crate) publisher: Option<PublisherPrefix>,
    pub(crate) labels: Vec<Pattern>,
    pub(crate) operation: Pattern,
    pub(crate) resource: Option<Pattern>,
    pub(crate) rate_per_second: Option<u64>,
    pub(crate) max_size: Option<u64>,
    pub(crate) schema: Option<Box<str>>,
    pub(crate) hours: Option<HourWindow>,
}

impl Rule {
    /// What the rule decides when it applies.
    pub fn effect(&self) -> &Effect {
        &self.effect
    }
    /// The line the rule starts on.
    pub fn line(&self) -> u32 {
        self.line
    }
    /// The agent-name pattern, if the rule has an `agent` clause.
    pub fn agent(&self) -> Option<&Pattern> {
        self.agent.as_ref()
    }
    /// The publisher fingerprint prefix, if the rule has one.
    pub fn publisher(&self) -> Option<&PublisherPrefix> {
        self.publisher.as_ref()
    }
    /// Label patterns: each must match at least one of the subject's labels.
    pub fn labels(&self) -> &[Pattern] {
        &self.labels
    }
    /// The operation (syscall name) pattern.
    pub fn operation(&self) -> &Pattern {
        &self.operation
    }
    /// The resource pattern, if the rule has a `resource` clause.
    pub fn resource(&self) -> Option<&Pattern> {
        self.resource.as_ref()
    }
    /// `rate <= N/s`: the rule applies to at most N requests per second per subject.
    pub fn rate_per_second(&self) -> Option<u64> {
        self.rate_per_second
    }
    /// `size <= N`: the largest payload, in bytes, the rule applies to.
    pub fn max_size(&self) -> Option<u64> {
        self.max_size
    }
    /// `schema == "id"`: the message schema id the rule applies to.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }
    /// `hour in A..B`: the UTC hours the rule applies in.
    pub fn hours(&self) -> Option<HourWindow> {
        self.hours
    }

    /// Whether the rule's verdict on a request depends only on its
    /// subject, operation and resource (no size, schema, hour or rate
    /// clause).
    pub(crate) fn reads_only_subject_and_resource(&self) -> bool {
        self.max_size.is_none()
            && self.schema.is_none()
            && self.hours.is_none()
            && self.rate_per_second.is_none()
    }

    /// Every clause and stateless condition, except the operation (which
    /// the caller has checked or the index guarantees) and the rate.
    #[inline]
    pub(crate) fn matches_without_rate(&self, request: &Request<'_>) -> bool {
        let subject = &request.subject;
        self.agent.as_ref().is_none_or(|p| p.matches(subject.name))
            && self
                .publisher
                .as_ref()
                .is_none_or(|p| p.matches(&subject.publisher))
            && self
                .labels
                .iter()
                .all(|p| subject.labels.iter().any(|label| p.matches(label)))
            && self
                .resource
                .as_ref()
                .is_none_or(|p| request.resource.is_some_and(|r| p.matches(r)))
            && self.max_size.is_none_or(|max| request.size <= max)
            && self
                .schema
                .as_deref()
                .is_none_or(|want| request.schema == Some(want))
            && self.hours.is_none_or(|w| w.contains(request.hour_utc))
    }
}

impl fmt::Display for Rule {
    /// The rule in the policy language, clauses in canonical order.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.effect {
            Effect::RequireApproval(_) => write!(f, "{} for", self.effect)?,
            effect => write!(f, "{effect}")?,
        }
        if let Some(agent) = &self.agent {
            write!(f, " agent {agent}")?;
        }
        if let Some(publisher) = &self.publisher {
            write!(f, " publisher \"{publisher}\"")?;
        }
        for label in &self.labels {
            write!(f, " label {label}")?;
        }
        write!(f, " op {}", self.operation)?;
        if let Some(resource) = &self.resource {
            write!(f, " resource {resource}")?;
        }
        let mut joiner = " when";
        let mut condition = |f: &mut fmt::Formatter<'_>, text: fmt::Arguments<'_>| {
            let result = write!(f, "{joiner} {text}");
            joiner = " and";
            result
        };
        if let Some(schema) = &self.schema {
            condition(f, format_args!("schema == \"{schema}\""))?;
        }
        if let Some(max) = self.max_size {
            condition(f, format_args!("size <= {max}"))?;
        }
        if let Some(window) = self.hours {
            condition(f, format_args!("hour in {}..{}", window.start, window.end))?;
        }
        if let Some(rate) = self.rate_per_second {
            condition(f, format_args!("rate <= {rate}/s"))?;
        }
        f.write_str(";")
    }
}
