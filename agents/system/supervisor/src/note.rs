//! What the supervisor reports: one variant per kind of log line, with the
//! exact wording and level of each.

use crate::error::Error;
use crate::policy::Ending;
use aios_sdk::Level;
use std::fmt;
use std::string::String;

/// One line for the kernel log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// A boot image was spawned.
    Started {
        /// Image name.
        name: String,
        /// The new agent's id.
        id: u64,
    },
    /// A boot image is not started.
    NotStarted {
        /// Image name.
        name: String,
        /// Why.
        error: Error,
    },
    /// An agent ended and will be restarted after a backoff.
    RestartScheduled {
        /// Image name.
        name: String,
        /// The ended agent's id.
        id: u64,
        /// How it ended.
        ending: Ending,
        /// 1-based number of this restart within the window.
        attempt: u32,
        /// Restarts allowed within the window.
        max: u32,
        /// Backoff before respawning.
        delay_ms: u64,
    },
    /// The circuit breaker of an image opened.
    BreakerOpen {
        /// Image name.
        name: String,
        /// Restarts counted within the window.
        restarts: u32,
        /// The window.
        window_ms: u64,
    },
    /// A killed agent that the policy would otherwise restart.
    Killed {
        /// Image name.
        name: String,
        /// The killed agent's id.
        id: u64,
    },
    /// An agent failed and its policy never restarts it.
    FailedNotRestarted {
        /// Image name.
        name: String,
        /// The agent's id.
        id: u64,
        /// How it ended.
        ending: Ending,
    },
    /// A restart happened.
    Restarted {
        /// Image name.
        name: String,
        /// The new agent's id.
        id: u64,
    },
    /// A respawn failed; it is retried next round unless `giving_up`.
    RestartFailed {
        /// Image name.
        name: String,
        /// The agent it was to replace.
        replaces: u64,
        /// What failed.
        error: Error,
        /// True when the supervisor stops retrying.
        giving_up: bool,
    },
    /// A syscall failed; the supervisor retries next round.
    Retrying(Error),
    /// The periodic health line.
    Status {
        /// Agents not in a final state.
        alive: usize,
        /// Restarts done since the supervisor started.
        restarts: u64,
        /// Images whose circuit breaker is open.
        breakers_open: usize,
    },
}

impl Note {
    /// The log level the line is written at.
    pub fn level(&self) -> Level {
        match self {
            Note::NotStarted { .. } | Note::RestartFailed { .. } | Note::Retrying(_) => {
                Level::Error
            }
            Note::RestartScheduled { .. }
            | Note::BreakerOpen { .. }
            | Note::FailedNotRestarted { .. } => Level::Warn,
            Note::Started { .. }
            | Note::Killed { .. }
            | Note::Restarted { .. }
            | Note::Status { .. } => Level::Info,
        }
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("supervisor: ")?;
        match self {
            Note::Started { name, id } => write!(f, "started {name} as agent {id}"),
            Note::NotStarted { name, error } => write!(f, "not starting {name}: {error}"),
            Note::RestartScheduled {
                name,
                id,
                ending,
                attempt,
                max,
                delay_ms,
            } => write!(
                f,
                "{name} (agent {id}) {ending}; restart {attempt} of {max} in {delay_ms} ms"
            ),
            Note::BreakerOpen {
                name,
                restarts,
                window_ms,
            } => write!(
                f,
                "circuit breaker open for {name}: {restarts} restarts within {window_ms} ms; not restarting"
            ),
            Note::Killed { name, id } => {
                write!(f, "{name} (agent {id}) was killed; not restarting")
            }
            Note::FailedNotRestarted { name, id, ending } => write!(
                f,
                "{name} (agent {id}) {ending}; its restart mode is never, not restarting"
            ),
            Note::Restarted { name, id } => write!(f, "restarted {name} as agent {id}"),
            Note::RestartFailed {
                name,
                replaces,
                error,
                giving_up,
            } => {
                let next = if *giving_up { "giving up" } else { "retrying" };
                write!(
                    f,
                    "restart of {name} (agent {replaces}) failed: {error}; {next}"
                )
            }
            Note::Retrying(error) => write!(f, "{error}; retrying"),
            Note::Status {
                alive,
                restarts,
                breakers_open,
            } => write!(
                f,
                "{alive} agents alive, {restarts} restarts, {breakers_open} circuit breakers open"
            ),
        }
    }
}

#[cfg(test)]
#[path = "note_tests.rs"]
mod tests;
