//! The runtime's guards: the policy engine consulted on every syscall after
//! its capability check, the signed audit log of security-relevant events,
//! and the event bus. Each sits behind its own lock, always taken after
//! the state lock (never the other way round) and never held across a
//! call into an agent.

mod approval;
mod cache;
mod decide;
mod events;

pub(crate) use approval::Approvals;
pub(crate) use cache::{DecisionCache, Generation};
pub(crate) use decide::{Operation, Subject, describe};
pub(crate) use events::Subscriptions;

use crate::Inner;
use aios_audit::{AuditLog, Kind};
use aios_events::{EventBus, EventKind};
use aios_policy::{Policy, RateState};
use alloc::string::String;

/// The policy in force when the bundle brings none: capabilities alone
/// decide. A bundle's `policy.aios` replaces it at boot.
pub const BASELINE_POLICY: &str = "default allow;\n";

/// Records after which the log is signed at once, on the path that
/// appended the last of them (below the 1,024 records kept in memory, so
/// nothing is dropped unsigned); below this, signing waits for an idle CPU
/// or a read of the log, so that ML-DSA does not run on the spawn and
/// denial paths. The unsigned tail is hash-chained all the same.
pub(crate) const SIGN_AT_ONCE_AFTER: usize = 1000;
/// Unsigned records after which an idle CPU signs a checkpoint at once...
pub(crate) const SIGN_WHEN_IDLE_AFTER: usize = 64;
/// ...or how old the oldest unsigned record may get before it does (so a
/// quiet node still signs what happened, without a checkpoint — 3.3 KB of
/// signature kept in memory — for every record).
pub(crate) const SIGN_WHEN_IDLE_AGE_NS: u64 = 1_000_000_000;

/// Live event subscriptions the bus accepts.
pub(crate) const MAX_SUBSCRIPTIONS: usize = 256;

/// The compiled policy, its rate-limit buckets and its source text.
pub(crate) struct PolicyState {
    pub(crate) policy: Policy,
    pub(crate) rates: RateState,
    pub(crate) text: String,
}

/// Policy, audit and events.
pub(crate) struct Guard {
    pub(crate) policy: spin::Mutex<PolicyState>,
    /// Bumped under the policy lock whenever a policy is installed: every
    /// agent's decision cache compares with it.
    pub(crate) generation: Generation,
    pub(crate) audit: spin::Mutex<AuditLog>,
    pub(crate) events: spin::Mutex<EventBus>,
    pub(crate) subscriptions: spin::Mutex<Subscriptions>,
    pub(crate) approvals: spin::Mutex<Approvals>,
    /// Per agent, the audit export snapshot it is reading (`audit_export`).
    pub(crate) exports: spin::Mutex<alloc::collections::BTreeMap<u64, alloc::vec::Vec<u8>>>,
}

impl Guard {
    /// Guards with the baseline policy and an audit log signed by the node
    /// key derived from `seed`.
    pub(crate) fn new(seed: [u8; 32], now: u64) -> Guard {
        // Checkpoints are made by the runtime (`sign_audit`), not every N
        // appends: see SIGN_AT_ONCE_AFTER.
        let config = aios_audit::Config {
            checkpoint_every: u32::MAX,
            ..aios_audit::Config::default()
        };
        let mut audit = AuditLog::with_config(seed, config);
        audit.append(now, Kind::Boot, 0, "audit log started");
        Guard {
            policy: spin::Mutex::new(PolicyState {
                // The baseline is a constant that compiles (tested).
                policy: Policy::compile(BASELINE_POLICY).unwrap_or_else(|_| Policy::default_deny()),
                rates: RateState::new(),
                text: String::from(BASELINE_POLICY),
            }),
            generation: Generation::default(),
            audit: spin::Mutex::new(audit),
            events: spin::Mutex::new(EventBus::new(MAX_SUBSCRIPTIONS)),
            subscriptions: spin::Mutex::new(Subscriptions::default()),
            approvals: spin::Mutex::new(Approvals::default()),
            exports: spin::Mutex::new(alloc::collections::BTreeMap::new()),
        }
    }
}

impl Inner {
    /// Appends an audit record stamped now.
    pub(crate) fn audit(&self, kind: Kind, subject: u64, detail: &str) {
        let now = self.platform.now_ns();
        let mut log = self.guard.audit.lock();
        log.append(now, kind, subject, detail);
        if log.unsigned() >= SIGN_AT_ONCE_AFTER {
            let _ = log.checkpoint(now);
        }
    }

    /// Signs a checkpoint over the records appended since the last one, if
    /// there are at least `threshold`. Called before the log is read or
    /// exported (threshold 1), so what leaves the kernel is signed to its
    /// end.
    /// On an idle CPU: signs when [`SIGN_WHEN_IDLE_AFTER`] records wait,
    /// or the oldest waiting one is [`SIGN_WHEN_IDLE_AGE_NS`] old.
    pub(crate) fn sign_audit_when_idle(&self) -> bool {
        let now = self.platform.now_ns();
        let mut log = self.guard.audit.lock();
        let waiting = log.unsigned();
        if waiting == 0 {
            return false;
        }
        let oldest = log
            .records()
            .rev()
            .nth(waiting - 1)
            .map(|record| record.time_ns);
        let due = waiting >= SIGN_WHEN_IDLE_AFTER
            || oldest.is_some_and(|at| now.saturating_sub(at) >= SIGN_WHEN_IDLE_AGE_NS);
        let signed = due && log.checkpoint(now).is_ok();
        drop(log);
        if signed {
            self.persist_audit();
        }
        signed
    }

    /// Signs whatever is unsigned and stores the log's tail (before
    /// power-off).
    pub(crate) fn flush_audit(&self) {
        self.sign_audit(1);
        self.persist_audit();
    }

    /// Returns whether it signed.
    pub(crate) fn sign_audit(&self, threshold: usize) -> bool {
        let now = self.platform.now_ns();
        let mut log = self.guard.audit.lock();
        if log.unsigned() < threshold.max(1) {
            return false;
        }
        log.checkpoint(now).is_ok()
    }

    /// Publishes a kernel event stamped now.
    pub(crate) fn publish(&self, kind: EventKind) {
        let now = self.platform.now_ns();
        self.guard.events.lock().publish(now, kind);
    }

    /// Compiles `text` and puts it in force, or leaves the current policy
    /// and returns the error with its line and column. Audited either way.
    pub(crate) fn set_policy(
        &self,
        by: u64,
        text: &str,
    ) -> Result<usize, aios_policy::PolicyError> {
        match Policy::compile(text) {
            Ok(policy) => {
                let rules = policy.rules().len();
                let mut state = self.guard.policy.lock();
                state.policy = policy;
                state.rates.clear();
                state.text = String::from(text);
                self.guard.generation.bump();
                drop(state);
                self.audit(
                    Kind::PolicyChange,
                    by,
                    &alloc::format!("policy installed: {rules} rules"),
                );
                Ok(rules)
            }
            Err(error) => {
                self.audit(
                    Kind::PolicyChange,
                    by,
                    &alloc::format!("policy refused, previous stays: {error}"),
                );
                Err(error)
            }
        }
    }
}

impl crate::Runtime {
    /// The last `n` audit records, oldest first (for the kernel console and
    /// tests; agents use `audit_tail`).
    pub fn audit_tail(&self, n: usize) -> alloc::vec::Vec<(u64, &'static str, u64, String)> {
        self.inner
            .guard
            .audit
            .lock()
            .tail(n)
            .map(|r| (r.seq, r.kind.name(), r.subject, r.detail.clone()))
            .collect()
    }

    /// How many audit records are kept in memory (bounded).
    pub fn audit_len(&self) -> usize {
        self.inner.guard.audit.lock().len()
    }

    /// Whether the audit log's chain and signed checkpoints verify.
    pub fn audit_verifies(&self) -> bool {
        self.inner.guard.audit.lock().verify().is_ok()
    }

    /// Compiles `text` and puts it in force on behalf of the kernel (as
    /// the bundle's policy is at boot), or leaves the current one and
    /// returns the error. Audited either way.
    pub fn install_policy(&self, text: &str) -> Result<usize, aios_policy::PolicyError> {
        self.inner.set_policy(0, text)
    }

    /// The source text of the policy in force.
    pub fn policy_text(&self) -> String {
        self.inner.guard.policy.lock().text.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_policy_compiles_and_allows() {
        let policy = Policy::compile(BASELINE_POLICY).unwrap();
        assert!(policy.default_effect().permits());
    }
}
