//! Policy evaluation on a syscall: allow, deny (audited), audit, or ask
//! the named approver.

use crate::Inner;
use aios_abi::Error;
use aios_audit::Kind;
use aios_events::{EventKind, PolicyEffect};
use aios_policy::{Effect, Request};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

/// Most labels an agent carries (the manifest's limit).
const MAX_LABELS: usize = 16;

/// Who an agent is, for policy rules: fixed when it is spawned.
#[derive(Debug, Clone, Default)]
pub(crate) struct Subject {
    pub(crate) name: String,
    pub(crate) publisher: [u8; 32],
    pub(crate) labels: Vec<String>,
}

/// One operation to decide on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operation<'a> {
    /// The syscall's name (a literal at every call site).
    pub(crate) name: &'static str,
    pub(crate) resource: Option<&'a str>,
    pub(crate) size: u64,
    pub(crate) schema: Option<&'a str>,
}

impl<'a> Operation<'a> {
    /// An operation on nothing in particular.
    pub(crate) fn plain(name: &'static str) -> Self {
        Operation {
            name,
            resource: None,
            size: 0,
            schema: None,
        }
    }

    /// An operation on `resource`.
    pub(crate) fn on(name: &'static str, resource: &'a str) -> Self {
        Operation {
            resource: Some(resource),
            ..Operation::plain(name)
        }
    }
}

impl Inner {
    /// Runs the policy for agent `me` doing `op`; an allow that holds for
    /// every later `op` of this agent (same resource) until the policy
    /// changes is kept in its `cache`. Must not be called with the state
    /// lock held.
    pub(crate) fn decide(
        &self,
        me: u64,
        subject: &Subject,
        op: Operation<'_>,
        cache: &super::DecisionCache,
    ) -> Result<(), Error> {
        let (decision, reusable, generation) = self.evaluate(subject, op);
        match decision.effect {
            Effect::Allow => {
                if reusable {
                    cache.remember(&op, generation);
                }
                Ok(())
            }
            Effect::Audit => {
                self.audit(Kind::PolicyAudit, me, &describe(subject, op, decision.line));
                self.policy_event(me, op, PolicyEffect::Audit);
                Ok(())
            }
            Effect::Deny => {
                self.audit(Kind::Denial, me, &describe(subject, op, decision.line));
                self.policy_event(me, op, PolicyEffect::Deny);
                self.count_denial(me);
                Err(Error::PolicyDenied)
            }
            Effect::RequireApproval(approver) => self.ask_approval(me, subject, op, &approver),
        }
    }

    /// The policy's decision on `subject` doing `op`, whether it holds for
    /// every later `op` until the policy changes, and the generation it
    /// was made under.
    pub(crate) fn evaluate(
        &self,
        subject: &Subject,
        op: Operation<'_>,
    ) -> (aios_policy::Decision, bool, u64) {
        {
            let mut state = self.guard.policy.lock();
            let state = &mut *state;
            let mut buffer;
            let labels: &[&str] = if state.policy.uses_labels() {
                buffer = [""; MAX_LABELS];
                for (slot, label) in buffer.iter_mut().zip(&subject.labels) {
                    *slot = label.as_str();
                }
                &buffer[..subject.labels.len().min(MAX_LABELS)]
            } else {
                &[]
            };
            // The clock and the wall clock only when a rule reads them:
            // this runs on every syscall.
            let now_ns = if state.policy.uses_clock() {
                self.platform.now_ns()
            } else {
                0
            };
            let hour_utc = if state.policy.uses_hour() {
                self.platform.hour_utc()
            } else {
                0
            };
            let request = Request {
                subject: aios_policy::Subject {
                    name: &subject.name,
                    publisher: subject.publisher,
                    labels,
                },
                operation: op.name,
                resource: op.resource,
                size: op.size,
                schema: op.schema,
                now_ns,
                hour_utc,
            };
            let generation = self.guard.generation.current();
            let (decision, reusable) = state.policy.evaluate_reusable(&request, &mut state.rates);
            (decision, reusable, generation)
        }
    }

    pub(crate) fn policy_event(&self, me: u64, op: Operation<'_>, effect: PolicyEffect) {
        self.publish(EventKind::PolicyDecision {
            agent: me,
            operation: op.name.to_string(),
            resource: op.resource.unwrap_or("").to_string(),
            effect,
        });
    }

    /// Audits and counts a failed capability check; a stale handle is
    /// also reported on the event bus as a possible forgery.
    pub(crate) fn capability_denied(
        &self,
        me: u64,
        name: &str,
        kind: aios_abi::payload::CapKind,
        handle: u32,
        error: aios_cap::CapError,
    ) {
        let detail = format!("{name}: {kind:?} handle {handle:#x}: {}", error.describe());
        self.audit(Kind::Denial, me, &detail);
        if error == aios_cap::CapError::StaleHandle {
            self.publish(EventKind::Security {
                agent: Some(me),
                alert: aios_events::SecurityAlert::ForgedHandle,
                detail,
            });
        }
        self.count_denial(me);
    }

    /// Counts a refused operation against the agent.
    pub(crate) fn count_denial(&self, me: u64) {
        if let Some(record) = self.state.lock().agents.get_mut(&me) {
            record.ipc.denials = record.ipc.denials.saturating_add(1);
        }
    }
}

/// The audit detail of a policy decision.
pub(crate) fn describe(subject: &Subject, op: Operation<'_>, line: u32) -> String {
    match op.resource {
        Some(resource) => format!(
            "{} {} on {} (policy line {line})",
            subject.name, op.name, resource
        ),
        None => format!("{} {} (policy line {line})", subject.name, op.name),
    }
}
