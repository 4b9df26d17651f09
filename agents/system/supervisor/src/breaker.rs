//! Per-image restart history: exponential backoff and the circuit breaker
//! that stops a restart loop.

use crate::policy::Policy;
use std::vec::Vec;

/// The delay before restart number `k + 1` (k restarts already in the
/// window): `min(initial * 2^k, max)`, saturating at `max`.
pub fn backoff_ms(policy: &Policy, k: u32) -> u64 {
    2u64.checked_pow(k)
        .and_then(|factor| policy.backoff_initial_ms.checked_mul(factor))
        .map_or(policy.backoff_max_ms, |delay| {
            delay.min(policy.backoff_max_ms)
        })
}

/// What the breaker allows for one more failure of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Restart after `delay_ms`; it is restart `attempt` (1-based) in the
    /// window.
    Restart {
        /// 1-based number of this restart within the window.
        attempt: u32,
        /// Backoff before respawning.
        delay_ms: u64,
    },
    /// The breaker has just opened: `restarts` restarts already happened
    /// within the window.
    JustOpened {
        /// Restarts counted in the window.
        restarts: u32,
    },
    /// The breaker was already open.
    Open,
}

/// The restarts of one image within its window, and whether its breaker
/// is open. An open breaker stays open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Breaker {
    /// When each restart counted in the window was decided, in ms.
    restarts_ms: Vec<u64>,
    open: bool,
}

impl Breaker {
    /// True once the breaker has opened.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Decides, at `now_ms`, on one more failure of the image: either a
    /// restart (counted from now on) or an open breaker.
    pub fn admit(&mut self, policy: &Policy, now_ms: u64) -> Admission {
        if self.open {
            return Admission::Open;
        }
        self.restarts_ms
            .retain(|&at| now_ms.saturating_sub(at) < policy.window_ms);
        let k = u32::try_from(self.restarts_ms.len()).unwrap_or(u32::MAX);
        if k >= policy.max_restarts {
            self.open = true;
            self.restarts_ms.clear();
            return Admission::JustOpened { restarts: k };
        }
        self.restarts_ms.push(now_ms);
        Admission::Restart {
            attempt: k.saturating_add(1),
            delay_ms: backoff_ms(policy, k),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aios_sdk::restart_mode;

    fn policy(max_restarts: u32, window_ms: u64) -> Policy {
        Policy {
            mode: restart_mode::ON_FAILURE,
            max_restarts,
            backoff_initial_ms: 100,
            backoff_max_ms: 1000,
            window_ms,
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_ceiling() {
        let p = policy(10, 60_000);
        let delays: Vec<u64> = (0..6).map(|k| backoff_ms(&p, k)).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(backoff_ms(&p, 64), 1000);
        assert_eq!(backoff_ms(&p, u32::MAX), 1000);
        let huge = Policy {
            backoff_initial_ms: u64::MAX / 2,
            backoff_max_ms: u64::MAX,
            ..p
        };
        assert_eq!(backoff_ms(&huge, 3), u64::MAX);
    }

    #[test]
    fn opens_after_max_restarts_within_the_window_and_stays_open() {
        let p = policy(3, 60_000);
        let mut breaker = Breaker::default();
        let first = breaker.admit(&p, 1000);
        assert_eq!(
            first,
            Admission::Restart {
                attempt: 1,
                delay_ms: 100
            }
        );
        assert_eq!(
            breaker.admit(&p, 2000),
            Admission::Restart {
                attempt: 2,
                delay_ms: 200
            }
        );
        assert_eq!(
            breaker.admit(&p, 3000),
            Admission::Restart {
                attempt: 3,
                delay_ms: 400
            }
        );
        assert!(!breaker.is_open());
        assert_eq!(
            breaker.admit(&p, 4000),
            Admission::JustOpened { restarts: 3 }
        );
        assert!(breaker.is_open());
        // Even once the window has passed, an open breaker stays open.
        assert_eq!(breaker.admit(&p, 1_000_000), Admission::Open);
    }

    #[test]
    fn restarts_older_than_the_window_are_forgotten() {
        let p = policy(2, 1000);
        let mut breaker = Breaker::default();
        assert!(matches!(
            breaker.admit(&p, 0),
            Admission::Restart { attempt: 1, .. }
        ));
        assert!(matches!(
            breaker.admit(&p, 500),
            Admission::Restart { attempt: 2, .. }
        ));
        // At 1000 the first restart has left the window, so one remains.
        assert_eq!(
            breaker.admit(&p, 1000),
            Admission::Restart {
                attempt: 2,
                delay_ms: 200
            }
        );
        assert_eq!(
            breaker.admit(&p, 1200),
            Admission::JustOpened { restarts: 2 }
        );
    }

    #[test]
    fn zero_max_restarts_opens_at_the_first_failure() {
        let mut breaker = Breaker::default();
        assert_eq!(
            breaker.admit(&policy(0, 1000), 5),
            Admission::JustOpened { restarts: 0 }
        );
    }
}
