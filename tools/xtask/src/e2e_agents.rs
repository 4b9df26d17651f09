//! Tier 6: agents end to end on a booted node: the supervisor starts the
//! console agent, `hello` runs, `crasher` is restarted with backoff until
//! the circuit breaker opens, one agent per kind of trap is stopped with
//! its reason while the rest carry on, and four spinners do not starve the
//! console.

use std::time::Duration;

use crate::error::Error;
use crate::paths::Paths;
use crate::report::Checks;
use crate::serial::{Session, Wait};

const READY: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(60);
/// Console round trips sampled per condition (median taken).
const SAMPLES: usize = 5;

/// Runs the scenario on a 2-CPU PVH boot and records its checks.
pub fn run(paths: &Paths, checks: &mut Checks) -> Result<(), Error> {
    println!("xtask: e2e agents, smp=2 mem=512M …");
    let mut session = Session::spawn(&crate::e2e::production_pvh(paths), false)?;
    let outcome = scenario(&mut session, checks);
    let log = session.save_log(&paths.logs(), "e2e-agents")?;
    if let Err(why) = outcome {
        checks.record("agents scenario", Err(session.failure(&why, &log)));
        session.kill();
    }
    Ok(())
}

/// The line a wait found, or what went wrong waiting for `what`.
pub(crate) fn found(wait: Wait, what: &str) -> Result<String, String> {
    match wait {
        Wait::Found(line) => Ok(line.text),
        Wait::Exited => Err(format!("QEMU exited while waiting for {what}")),
        Wait::TimedOut => Err(format!("no {what}")),
    }
}

fn scenario(s: &mut Session, checks: &mut Checks) -> Result<(), String> {
    found(s.wait_for(READY, crate::protocol::is_ready), "ready line")?;
    let console = s.wait_for(READY, |l| {
        l.contains("supervisor: started console as agent")
    });
    checks.record(
        "the supervisor starts the console agent",
        found(console, "console start").map(drop),
    );

    send(s, "spawn hello")?;
    let hello = s.wait_for(STEP, |l| l.contains("hello: hello from agent "));
    checks.record(
        "`spawn hello` logs `hello from agent <id>`",
        found(hello, "hello line").map(drop),
    );

    send(s, "agents")?;
    let header = s.wait_for(STEP, |l| l.contains("ID NAME") && l.contains("RESTARTS"));
    checks.record(
        "`agents` prints the agent table",
        found(header, "agent table").map(drop),
    );

    send(s, "spawn crasher")?;
    let mut delays = Vec::new();
    loop {
        let line = found(
            s.wait_for(STEP, |l| {
                l.contains("supervisor: crasher") || l.contains("circuit breaker open for crasher")
            }),
            "crasher restart or circuit breaker",
        )?;
        if line.contains("circuit breaker open") {
            break;
        }
        if let Some(ms) = line
            .split(" in ")
            .last()
            .and_then(|t| t.strip_suffix(" ms"))
        {
            delays.push(ms.trim().parse::<u64>().unwrap_or(0));
        }
    }
    checks.expect(
        "crasher is restarted with exponential backoff, then the breaker opens",
        delays == [100, 200, 400],
        || format!("restart delays {delays:?}, expected [100, 200, 400]"),
    );
    send(s, "agents")?;
    let row = s.wait_for(STEP, |l| {
        l.contains(" crasher ") && restarts_column(l) == Some(3)
    });
    checks.record(
        "`agents` shows the crasher's 3 restarts",
        found(row, "crasher row with 3 restarts").map(drop),
    );

    crate::e2e_traps::scenario(s, checks)?;

    let idle = round_trips(s)?;
    for _ in 0..4 {
        send(s, "spawn spinner")?;
        found(
            s.wait_for(STEP, |l| l.contains("spawned spinner as agent")),
            "spinner spawn",
        )?;
    }
    let loaded = round_trips(s)?;
    let bound = idle * 2 + Duration::from_millis(50);
    let what = format!(
        "four spinners do not starve the console (round trip {} ms idle, {} ms loaded; bound 2x + 50 ms)",
        idle.as_millis(),
        loaded.as_millis()
    );
    checks.expect(&what, loaded <= bound, || {
        format!("idle {idle:?}, with four spinners {loaded:?}")
    });

    send(s, "poweroff")?;
    let status = s.wait_exit(STEP).map_err(|e| e.to_string())?;
    checks.expect(
        "the kernel stays up and powers off cleanly",
        status.map(crate::process::exit_code) == Some(0),
        || format!("exit {status:?}"),
    );
    Ok(())
}

/// Types `line` and Enter on the console.
pub(crate) fn send(s: &mut Session, line: &str) -> Result<(), String> {
    s.send(&format!("{line}\n")).map_err(|e| e.to_string())
}

/// Median time from sending `info` to its `uptime:` line.
fn round_trips(s: &mut Session) -> Result<Duration, String> {
    let mut samples = Vec::new();
    for _ in 0..SAMPLES {
        let sent = s.elapsed();
        send(s, "info")?;
        let line = s.wait_for(STEP, |l| l.starts_with("uptime: "));
        match line {
            Wait::Found(line) => samples.push(line.at.saturating_sub(sent)),
            other => {
                return found(other, "info reply")
                    .map(drop)
                    .map(|()| Duration::ZERO);
            }
        }
    }
    samples.sort();
    Ok(samples[samples.len() / 2])
}

/// The RESTARTS column of an agent-table row.
fn restarts_column(line: &str) -> Option<u32> {
    line.split_whitespace().nth(5)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::restarts_column;

    #[test]
    fn reads_the_restarts_column() {
        let row = "    7 crasher        trapped    0.0       256        3    0  wasm trap";
        assert_eq!(restarts_column(row), Some(3));
        assert_eq!(restarts_column("   ID NAME STATE"), None);
    }
}
