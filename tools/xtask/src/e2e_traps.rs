//! Tier 6, the traps: one example agent per kind of trap is spawned from
//! the console on the booted node; each is stopped with the trap and the
//! function it happened in, the supervisor logs it and `agents` shows it,
//! and the kernel and the other agents carry on.

use std::time::Duration;

use crate::e2e_agents::{found, send};
use crate::report::Checks;
use crate::serial::Session;

const STEP: Duration = Duration::from_secs(60);

/// A trap agent, the trap Wasmtime reports for it and (part of) the name of
/// the function that traps.
struct Expected {
    agent: &'static str,
    trap: &'static str,
    function: &'static str,
}

const TRAPS: [Expected; 4] = [
    Expected {
        agent: "trap-bounds",
        trap: "wasm trap: out of bounds memory access",
        function: "read_past_the_end",
    },
    Expected {
        agent: "trap-divide",
        trap: "wasm trap: integer divide by zero",
        function: "divide",
    },
    Expected {
        agent: "trap-stack",
        trap: "wasm trap: call stack exhausted",
        function: "nest",
    },
    Expected {
        agent: "trap-indirect",
        trap: "wasm trap: indirect call type mismatch",
        function: "call_slot",
    },
];

/// Runs the traps on a node whose console is up and records the checks.
pub(crate) fn scenario(s: &mut Session, checks: &mut Checks) -> Result<(), String> {
    for expected in &TRAPS {
        let agent = expected.agent;
        send(s, &format!("spawn {agent}"))?;
        let about = format!("supervisor: {agent} (agent ");
        let line = found(
            s.wait_for(STEP, |l| l.contains(&about)),
            &format!("supervisor line about {agent}"),
        )?;
        let reason = trap_reason(&line).unwrap_or_default();
        checks.expect(
            &format!("`spawn {agent}` is trapped ({reason}) and not restarted"),
            expected.matches(reason) && line.ends_with("not restarting"),
            || format!("the supervisor logged `{line}`"),
        );
    }

    send(s, "agents")?;
    let mut missing = Vec::new();
    for expected in &TRAPS {
        let row = s.wait_for(STEP, |l| expected.is_row(l));
        if let Err(why) = found(row, &format!("`trapped` row of {}", expected.agent)) {
            missing.push(why);
        }
    }
    checks.record(
        "`agents` shows each trap agent trapped, with its reason",
        if missing.is_empty() {
            Ok(())
        } else {
            Err(missing.join("; "))
        },
    );

    send(s, "spawn hello")?;
    let hello = s.wait_for(STEP, |l| l.contains("hello: hello from agent "));
    checks.record(
        "after the traps, `spawn hello` still runs",
        found(hello, "hello line").map(drop),
    );
    Ok(())
}

impl Expected {
    /// Whether a trap `reason` is this trap, in this function.
    fn matches(&self, reason: &str) -> bool {
        reason.starts_with(self.trap)
            && reason
                .split_once(" in ")
                .is_some_and(|(_, place)| place.contains(self.function))
    }

    /// Whether `line` is this agent's row of the agent table, trapped for
    /// this reason.
    fn is_row(&self, line: &str) -> bool {
        let mut columns = line.split_whitespace().skip_while(|c| *c != self.agent);
        columns.next().is_some()
            && columns.next() == Some("trapped")
            && line
                .split_once(self.trap)
                .is_some_and(|(_, rest)| rest.contains(self.function))
    }
}

/// The reason in a supervisor line `… trapped: <reason>; …`.
fn trap_reason(line: &str) -> Option<&str> {
    let (_, rest) = line.split_once(" trapped: ")?;
    Some(rest.split_once("; ").map_or(rest, |(reason, _)| reason))
}

#[cfg(test)]
mod tests {
    use super::{TRAPS, trap_reason};

    #[test]
    fn reads_the_reason_of_a_supervisor_line() {
        let line = "supervisor: trap-divide (agent 9) trapped: wasm trap: integer divide by zero in divide at 0x5b; its restart mode is never, not restarting";
        let reason = trap_reason(line).expect("a reason");
        assert_eq!(
            reason,
            "wasm trap: integer divide by zero in divide at 0x5b"
        );
        assert!(TRAPS[1].matches(reason));
        assert!(!TRAPS[0].matches(reason));
        assert!(!TRAPS[1].matches("wasm trap: integer divide by zero in main at 0x5b"));
        assert_eq!(trap_reason("supervisor: hello (agent 3) exited"), None);
    }

    #[test]
    fn finds_a_trapped_row_of_the_agent_table() {
        let row = "   12 trap-stack     trapped     0.0       192        0    1        0        0       0  wasm trap: call stack exhausted in _ZN16agent_trap_stack4nest17hce5432c0cec4839cE at 0x117";
        assert!(TRAPS[2].is_row(row));
        assert!(!TRAPS[2].is_row(&row.replace("trapped", "exited ")));
        assert!(!TRAPS[2].is_row(&row.replace("nest", "main")));
        assert!(!TRAPS[1].is_row(row));
        let supervisor = "supervisor: trap-stack (agent 12) trapped: wasm trap: call stack exhausted in _ZN16agent_trap_stack4nest17hce5432c0cec4839cE at 0x117; its restart mode is never, not restarting";
        assert!(!TRAPS[2].is_row(supervisor));
    }
}
