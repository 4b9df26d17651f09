//! The restart state machine: which agents ended since the last look, what
//! their policies say, and the restarts waiting for their backoff.

use crate::breaker::{Admission, Breaker};
use crate::error::Error;
use crate::note::Note;
use crate::policy::{Ending, Policy, Verdict};
use aios_sdk::{AgentInfo, ImageInfo};
use std::collections::{BTreeMap, BTreeSet};
use std::string::String;
use std::vec::Vec;

/// Failed respawns of one restart before the supervisor gives up on it
/// (one try per round: about 5 s at 50 ms rounds).
pub const MAX_RESPAWN_FAILURES: u32 = 100;

/// A restart waiting for its backoff to pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRestart {
    /// Image name.
    pub name: String,
    /// The ended agent it replaces.
    pub replaces: u64,
    /// When to respawn, in ms since boot.
    pub due_ms: u64,
    /// Respawns of it that failed so far.
    pub failures: u32,
}

/// Everything the supervisor remembers between rounds.
#[derive(Debug, Clone, Default)]
pub struct Monitor {
    policies: BTreeMap<String, Policy>,
    handled: BTreeSet<u64>,
    breakers: BTreeMap<String, Breaker>,
    pending: Vec<PendingRestart>,
    restarts: u64,
}

impl Monitor {
    /// A monitor for the bundle `images`, ignoring the agents of `agents`
    /// that had already ended when the supervisor started.
    pub fn new(images: &[ImageInfo], agents: &[AgentInfo]) -> Monitor {
        let policies = images
            .iter()
            .map(|image| (image.name.clone(), Policy::of(image)))
            .collect();
        let handled = agents
            .iter()
            .filter(|agent| agent.state.is_final())
            .map(|agent| agent.id)
            .collect();
        Monitor {
            policies,
            handled,
            ..Monitor::default()
        }
    }

    /// Looks at the current agent list at `now_ms`: applies the policy to
    /// each agent that ended since the last look, scheduling restarts.
    pub fn observe(&mut self, agents: &[AgentInfo], now_ms: u64) -> Vec<Note> {
        let mut notes = Vec::new();
        for agent in agents {
            let Some(ending) = Ending::of(agent) else {
                continue;
            };
            if !self.handled.insert(agent.id) {
                continue;
            }
            notes.extend(self.ended(agent, ending, now_ms));
        }
        // Ids are never reused: one the kernel has forgotten cannot return.
        self.handled
            .retain(|id| agents.iter().any(|agent| agent.id == *id));
        notes
    }

    fn ended(&mut self, agent: &AgentInfo, ending: Ending, now_ms: u64) -> Option<Note> {
        let (name, id) = (agent.name.clone(), agent.id);
        // An agent of an image the bundle does not list has no policy.
        let policy = *self.policies.get(&agent.name)?;
        match policy.verdict(&ending) {
            Verdict::Leave => None,
            Verdict::KilledOnPurpose => Some(Note::Killed { name, id }),
            Verdict::Failed => Some(Note::FailedNotRestarted { name, id, ending }),
            Verdict::Restart => {
                let breaker = self.breakers.entry(name.clone()).or_default();
                match breaker.admit(&policy, now_ms) {
                    Admission::Open => None,
                    Admission::JustOpened { restarts } => Some(Note::BreakerOpen {
                        name,
                        restarts,
                        window_ms: policy.window_ms,
                    }),
                    Admission::Restart { attempt, delay_ms } => {
                        self.pending.push(PendingRestart {
                            name: name.clone(),
                            replaces: id,
                            due_ms: now_ms.saturating_add(delay_ms),
                            failures: 0,
                        });
                        Some(Note::RestartScheduled {
                            name,
                            id,
                            ending,
                            attempt,
                            max: policy.max_restarts,
                            delay_ms,
                        })
                    }
                }
            }
        }
    }

    /// Removes and returns the restarts due at `now_ms`, earliest first.
    pub fn take_due(&mut self, now_ms: u64) -> Vec<PendingRestart> {
        let (mut due, waiting): (Vec<_>, Vec<_>) = self
            .pending
            .drain(..)
            .partition(|restart| restart.due_ms <= now_ms);
        self.pending = waiting;
        due.sort_by_key(|restart| restart.due_ms);
        due
    }

    /// Records that `restart` succeeded as agent `id`.
    pub fn restarted(&mut self, restart: &PendingRestart, id: u64) -> Note {
        self.restarts = self.restarts.saturating_add(1);
        Note::Restarted {
            name: restart.name.clone(),
            id,
        }
    }

    /// Records that respawning `restart` failed with `error`: it is tried
    /// again next round, up to [`MAX_RESPAWN_FAILURES`] times. Reports the
    /// first failure and the giving up.
    pub fn respawn_failed(&mut self, mut restart: PendingRestart, error: Error) -> Option<Note> {
        restart.failures = restart.failures.saturating_add(1);
        let giving_up = restart.failures >= MAX_RESPAWN_FAILURES;
        let note = (restart.failures == 1 || giving_up).then(|| Note::RestartFailed {
            name: restart.name.clone(),
            replaces: restart.replaces,
            error,
            giving_up,
        });
        if !giving_up {
            self.pending.push(restart);
        }
        note
    }

    /// The health line for the current `agents`.
    pub fn status(&self, agents: &[AgentInfo]) -> Note {
        Note::Status {
            alive: agents.iter().filter(|a| !a.state.is_final()).count(),
            restarts: self.restarts,
            breakers_open: self.breakers.values().filter(|b| b.is_open()).count(),
        }
    }

    /// Restarts waiting for their backoff.
    pub fn pending(&self) -> &[PendingRestart] {
        &self.pending
    }
}

#[cfg(test)]
#[path = "monitor_tests.rs"]
mod tests;
