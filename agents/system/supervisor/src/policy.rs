//! Restart policies: how an agent ended, and whether its image's policy
//! restarts it after that.

use aios_sdk::{AgentInfo, AgentState, ImageInfo, restart_mode};
use std::fmt;
use std::string::String;

/// An image's restart policy, as its manifest declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// A [`restart_mode`] value.
    pub mode: u8,
    /// Restarts allowed within `window_ms` before the circuit breaker opens.
    pub max_restarts: u32,
    /// First restart delay.
    pub backoff_initial_ms: u64,
    /// Longest restart delay.
    pub backoff_max_ms: u64,
    /// Window over which restarts are counted.
    pub window_ms: u64,
}

impl Policy {
    /// The policy of `image`.
    pub fn of(image: &ImageInfo) -> Policy {
        Policy {
            mode: image.restart_mode,
            max_restarts: image.max_restarts,
            backoff_initial_ms: image.backoff_initial_ms,
            backoff_max_ms: image.backoff_max_ms,
            window_ms: image.window_ms,
        }
    }

    /// True if some ending could restart the agent (mode on-failure or
    /// always; an unknown mode restarts nothing).
    pub fn restarts_at_all(self) -> bool {
        matches!(self.mode, restart_mode::ON_FAILURE | restart_mode::ALWAYS)
    }

    /// Whether this policy restarts an agent that ended as `ending`.
    pub fn verdict(self, ending: &Ending) -> Verdict {
        match ending {
            Ending::Killed if self.restarts_at_all() => Verdict::KilledOnPurpose,
            Ending::Killed => Verdict::Leave,
            Ending::Exited(0) if self.mode == restart_mode::ALWAYS => Verdict::Restart,
            Ending::Exited(0) => Verdict::Leave,
            Ending::Exited(_) | Ending::Trapped(_) if self.restarts_at_all() => Verdict::Restart,
            Ending::Exited(_) | Ending::Trapped(_) => Verdict::Failed,
        }
    }
}

/// How an agent ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// Returned or called `agent_exit` with this code.
    Exited(i32),
    /// Trapped, with the kernel's reason if it gave one.
    Trapped(Option<String>),
    /// Stopped by `agent_kill`.
    Killed,
}

impl Ending {
    /// How `agent` ended, or `None` while it can still run. An exit without
    /// a recorded code counts as code 0.
    pub fn of(agent: &AgentInfo) -> Option<Ending> {
        match agent.state {
            AgentState::Exited => Some(Ending::Exited(agent.exit_code.unwrap_or(0))),
            AgentState::Trapped => Some(Ending::Trapped(agent.reason.clone())),
            AgentState::Killed => Some(Ending::Killed),
            AgentState::Starting
            | AgentState::Runnable
            | AgentState::Running
            | AgentState::Blocked => None,
        }
    }
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ending::Exited(code) => write!(f, "exited with code {code}"),
            Ending::Trapped(Some(reason)) => write!(f, "trapped: {reason}"),
            Ending::Trapped(None) => write!(f, "trapped"),
            Ending::Killed => write!(f, "was killed"),
        }
    }
}

/// What the policy says about an agent that ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Restart it (subject to the circuit breaker).
    Restart,
    /// It was killed; the policy would otherwise have restarted it.
    KilledOnPurpose,
    /// It failed, but its policy never restarts it.
    Failed,
    /// Nothing to do or say (clean exit, or killed with mode never).
    Leave,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(mode: u8) -> Policy {
        Policy {
            mode,
            max_restarts: 3,
            backoff_initial_ms: 100,
            backoff_max_ms: 1000,
            window_ms: 60_000,
        }
    }

    #[test]
    fn killed_agents_are_never_restarted() {
        assert_eq!(
            policy(restart_mode::ALWAYS).verdict(&Ending::Killed),
            Verdict::KilledOnPurpose
        );
        assert_eq!(
            policy(restart_mode::ON_FAILURE).verdict(&Ending::Killed),
            Verdict::KilledOnPurpose
        );
        assert_eq!(
            policy(restart_mode::NEVER).verdict(&Ending::Killed),
            Verdict::Leave
        );
    }

    #[test]
    fn clean_exits_restart_only_with_always() {
        let clean = Ending::Exited(0);
        assert_eq!(
            policy(restart_mode::ALWAYS).verdict(&clean),
            Verdict::Restart
        );
        assert_eq!(
            policy(restart_mode::ON_FAILURE).verdict(&clean),
            Verdict::Leave
        );
        assert_eq!(policy(restart_mode::NEVER).verdict(&clean), Verdict::Leave);
    }

    #[test]
    fn failures_restart_with_on_failure_or_always() {
        for failure in [Ending::Exited(-3), Ending::Trapped(None)] {
            assert_eq!(
                policy(restart_mode::ALWAYS).verdict(&failure),
                Verdict::Restart
            );
            assert_eq!(
                policy(restart_mode::ON_FAILURE).verdict(&failure),
                Verdict::Restart
            );
            assert_eq!(
                policy(restart_mode::NEVER).verdict(&failure),
                Verdict::Failed
            );
            assert_eq!(policy(9).verdict(&failure), Verdict::Failed);
        }
    }

    #[test]
    fn endings_come_from_the_agent_state() {
        let mut agent = crate::fixtures::agent(4, "crasher", AgentState::Blocked);
        assert_eq!(Ending::of(&agent), None);
        agent.state = AgentState::Trapped;
        agent.reason = Some("unreachable".into());
        let ending = Ending::of(&agent);
        assert_eq!(ending, Some(Ending::Trapped(Some("unreachable".into()))));
        assert_eq!(
            ending.map(|e| e.to_string()).as_deref(),
            Some("trapped: unreachable")
        );
        agent.state = AgentState::Exited;
        agent.exit_code = Some(2);
        assert_eq!(Ending::of(&agent), Some(Ending::Exited(2)));
        assert_eq!(Ending::Exited(2).to_string(), "exited with code 2");
    }
}
