//! A compiled policy: its rules, its default and its operation index.

use crate::error::PolicyError;
use crate::index::OpIndex;
use crate::parser::Parser;
use crate::rate::RateState;
use crate::request::{Decision, Request};
use crate::rule::{Effect, Rule};
use alloc::vec::Vec;

/// A compiled policy, ready to evaluate requests. Replacing a policy is
/// compiling the new text and swapping on success: compiling is pure, so
/// a rejected text leaves the policy in force untouched.
#[derive(Debug, Clone)]
pub struct Policy {
    rules: Vec<Rule>,
    default: Effect,
    /// Line of the `default` statement; 0 when it was left out.
    default_line: u32,
    index: OpIndex,
    /// Some rule has a `rate` condition.
    uses_clock: bool,
    /// Some rule has an `hour` condition.
    uses_hour: bool,
    /// Some rule has a `label` clause.
    uses_labels: bool,
}

impl Policy {
    /// Compiles policy text, or names the line and column of its first error.
    /// Without a `default` statement the policy denies what no rule matches.
    pub fn compile(text: &str) -> Result<Policy, PolicyError> {
        let parsed = Parser::new(text).policy()?;
        let (default, default_line) = parsed.default.unwrap_or((Effect::Deny, 0));
        Ok(Policy {
            index: OpIndex::build(&parsed.rules),
            uses_clock: parsed.rules.iter().any(|r| r.rate_per_second.is_some()),
            uses_hour: parsed.rules.iter().any(|r| r.hours.is_some()),
            uses_labels: parsed.rules.iter().any(|r| !r.labels.is_empty()),
            rules: parsed.rules,
            default,
            default_line,
        })
    }

    /// The policy with no rules that denies everything.
    pub fn default_deny() -> Policy {
        Policy {
            rules: Vec::new(),
            default: Effect::Deny,
            default_line: 0,
            index: OpIndex::default(),
            uses_clock: false,
            uses_hour: false,
            uses_labels: false,
        }
    }

    /// Whether any rule has a `rate` condition: when none has, the
    /// request's `now_ns` is never read, and a caller may skip the clock.
    pub fn uses_clock(&self) -> bool {
        self.uses_clock
    }

    /// Whether any rule has an `hour` condition: when none has, the
    /// request's `hour_utc` is never read.
    pub fn uses_hour(&self) -> bool {
        self.uses_hour
    }

    /// Whether any rule has a `label` clause: when none has, the subject's
    /// labels are never read.
    pub fn uses_labels(&self) -> bool {
        self.uses_labels
    }

    /// The rules in policy order; a [`Decision::rule`] indexes this slice.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// What the policy decides when no rule applies.
    pub fn default_effect(&self) -> &Effect {
        &self.default
    }

    /// Decides `request`: the effect of the first rule, in policy order,
    /// whose clauses and conditions all hold, else the default. A rule
    /// with a `rate` condition spends a token from `state` only when
    /// everything else in it holds, and does not apply when none is left.
    pub fn evaluate(&self, request: &Request<'_>, state: &mut RateState) -> Decision {
        self.evaluate_reusable(request, state).0
    }

    /// Like [`evaluate`](Self::evaluate), and also says whether the
    /// decision holds for every request by the same subject for the same
    /// operation and resource: true when no rule it looked at has a size,
    /// schema, hour or rate clause (the only clauses that read anything
    /// else). A caller may then keep the decision for that key until the
    /// policy changes.
    pub fn evaluate_reusable(
        &self,
        request: &Request<'_>,
        state: &mut RateState,
    ) -> (Decision, bool) {
        let (candidates, operation_matched) = self.index.candidates(request.operation);
        if candidates.is_empty() {
            return (self.default_decision(), true);
        }
        let mut reusable = true;
        for index in candidates.for_agent(request.subject.name) {
            let index = index as usize;
            let Some(rule) = self.rules.get(index) else {
                continue;
            };
            if !operation_matched && !rule.operation.matches(request.operation) {
                continue;
            }
            reusable &= rule.reads_only_subject_and_resource();
            if !rule.matches_without_rate(request) {
                continue;
            }
            if let Some(per_second) = rule.rate_per_second
                && !state.try_take(index, request.subject.name, per_second, request.now_ns)
            {
                continue;
            }
            let decision = Decision {
                effect: rule.effect.clone(),
                rule: Some(index),
                line: rule.line,
            };
            return (decision, reusable);
        }
        (self.default_decision(), reusable)
    }

    fn default_decision(&self) -> Decision {
        Decision {
            effect: self.default.clone(),
            rule: None,
            line: self.default_line,
        }
    }

    /// How many rules evaluating `operation` may visit (for cost checks).
    pub fn candidate_count(&self, operation: &str) -> usize {
        self.index.candidates(operation).0.len()
    }
}
