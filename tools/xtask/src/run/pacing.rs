//! When a piped `cargo xtask run` may type its next input line: once the
//! console is idle, so that what the last command (or any agent) printed
//! shows in the transcript before the next command.

use std::time::Duration;

use crate::protocol::PROMPT;

/// How long the console must have printed nothing.
pub const QUIET: Duration = Duration::from_secs(1);
/// After this long without a prompt the next line is sent anyway: a
/// command that never gives the prompt back (`top` waits for a key) must
/// not hold up the input that would end it.
pub const STALL: Duration = Duration::from_secs(30);

/// The console's state as the pacing sees it; times are since one common
/// origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Console {
    /// Now.
    pub now: Duration,
    /// When output last arrived.
    pub last_output: Duration,
    /// When the previous line was sent (before the first: when the ready
    /// line arrived).
    pub last_send: Duration,
    /// Whether the prompt was printed since the previous line was sent (for
    /// the first line: since the ready line).
    pub prompt_since_send: bool,
}

/// Whether the next line may be sent now: the prompt came back and the
/// console has been quiet for [`QUIET`], or [`STALL`] passed since the
/// previous line (or the ready line).
pub fn may_send(console: &Console) -> bool {
    let quiet = console.now.saturating_sub(console.last_output) >= QUIET;
    let stalled = console.now.saturating_sub(console.last_send) >= STALL;
    (console.prompt_since_send && quiet) || stalled
}

/// Whether `output` holds the console prompt.
pub fn has_prompt(output: &[u8]) -> bool {
    output
        .windows(PROMPT.len())
        .any(|window| window == PROMPT.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    fn console(now: f64, last_output: f64, last_send: f64, prompt: bool) -> Console {
        Console {
            now: secs(now),
            last_output: secs(last_output),
            last_send: secs(last_send),
            prompt_since_send: prompt,
        }
    }

    #[test]
    fn waits_for_the_prompt_and_a_quiet_second() {
        assert!(may_send(&console(5.0, 4.0, 3.0, true)));
        assert!(!may_send(&console(5.0, 4.2, 3.0, true)));
        assert!(!may_send(&console(5.0, 1.0, 3.0, false)));
    }

    #[test]
    fn the_first_line_needs_the_prompt_too() {
        // Ready at 1 s, nothing since then.
        assert!(!may_send(&console(10.0, 2.0, 1.0, false)));
        assert!(may_send(&console(3.0, 2.0, 1.0, true)));
    }

    #[test]
    fn output_after_the_prompt_restarts_the_quiet_wait() {
        // A crashing agent's restart logged after the prompt: not yet.
        assert!(!may_send(&console(7.5, 7.0, 5.0, true)));
        assert!(may_send(&console(8.0, 7.0, 5.0, true)));
    }

    #[test]
    fn a_command_that_keeps_the_prompt_is_given_input_after_the_stall_time() {
        assert!(!may_send(&console(34.0, 34.0, 5.0, false)));
        assert!(may_send(&console(35.0, 34.9, 5.0, false)));
    }

    #[test]
    fn the_prompt_is_found_anywhere_in_the_output() {
        assert!(has_prompt(b"spawned hello as agent 4\naios> "));
        assert!(has_prompt(b"aios> [  1.0] INFO  agent 4 hello: hi\n"));
        assert!(!has_prompt(b"spawned hello as agent 4\naios>"));
        assert!(!has_prompt(b""));
    }
}
