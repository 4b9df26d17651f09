//! Tier 7: messaging, policy and audit end to end, on one CPU under
//! `-icount shift=0` (guest time is instructions, so the latency figures
//! repeat bit for bit): the issue's transcript (`echo`, `send`, `ping`,
//! `audit verify`), typed errors for a schema-invalid body and an intent
//! nobody serves, a ping-pong pair whose latency four spinners do not
//! double, a policy deny that is enforced and audited, approval by an
//! approver agent, the event bus seen through `events`, a malformed policy
//! refused with its position, `trace` and `ipc`, and the exported audit
//! log verified, then altered and caught, by the host tool.

use std::time::Duration;

use crate::error::Error;
use crate::paths::Paths;
use crate::qemu::Machine;
use crate::report::Checks;
use crate::serial::Session;

const READY: Duration = Duration::from_secs(120);
const STEP: Duration = Duration::from_secs(120);
/// The kernel's timer period (100 Hz), the longest an agent's slice lasts.
const TIMER_TICK_US: f64 = 10_000.0;

/// Runs the scenario and records its checks.
pub fn run(paths: &Paths, checks: &mut Checks) -> Result<(), Error> {
    println!("xtask: e2e messaging, smp=1 mem=512M, -icount shift=0 …");
    let machine = Machine {
        smp: 1,
        extra: crate::bench::ICOUNT.iter().map(|s| s.to_string()).collect(),
        ..crate::e2e::production_pvh(paths)
    };
    let mut session = Session::spawn(&machine, false)?;
    let outcome = scenario(&mut session, paths, checks);
    let log = session.save_log(&paths.logs(), "e2e-ipc")?;
    if let Err(why) = outcome {
        checks.record("messaging scenario", Err(session.failure(&why, &log)));
        session.kill();
    }
    Ok(())
}

use crate::e2e_agents::{found, send};

/// Types `command` and waits for a line containing `wanted`.
fn expect_line(s: &mut Session, command: &str, wanted: &str) -> Result<String, String> {
    send(s, command)?;
    found(s.wait_for(STEP, |l| l.contains(wanted)), wanted)
}

/// Spawns `ping` and returns its average round trip (µs of guest time).
fn ping_average(s: &mut Session) -> Result<f64, String> {
    send(s, "spawn ping")?;
    let line = found(s.wait_for(STEP, |l| l.contains("ping: ")), "ping's result")?;
    average_us(&line).ok_or_else(|| format!("ping failed: {line}"))
}

/// The average in `ping: 100 round trips to demo.echo, average 12.3 us`.
fn average_us(line: &str) -> Option<f64> {
    line.split("average ")
        .nth(1)?
        .strip_suffix(" us")?
        .trim()
        .parse()
        .ok()
}

fn scenario(s: &mut Session, paths: &Paths, checks: &mut Checks) -> Result<(), String> {
    found(s.wait_for(READY, crate::protocol::is_ready), "ready line")?;
    found(
        s.wait_for(READY, |l| {
            l.contains("supervisor: started console as agent")
        }),
        "console start",
    )?;
    expect_line(s, "spawn echo", "spawned echo as agent")?;

    send(s, r#"send demo.echo {"text":"hi"}"#)?;
    let reply = found(
        s.wait_for(STEP, |l| {
            l.contains("reply from agent") || l.contains("send: ")
        }),
        "send's reply",
    )?;
    checks.expect(
        "`send demo.echo {\"text\":\"hi\"}` prints the echoed reply",
        reply.contains(r#"reply from agent"#) && reply.contains(r#"{"text":"hi"}"#),
        || reply.clone(),
    );
    let invalid = expect_line(s, r#"send demo.echo {"text":5}"#, "send:")?;
    checks.expect(
        "a schema-invalid body is refused with a typed error",
        invalid.contains("schema"),
        || invalid.clone(),
    );
    let nobody = expect_line(s, "send demo.nobody {}", "send:")?;
    checks.expect(
        "an intent nobody serves gives a typed error",
        nobody.contains("no such intent"),
        || nobody.clone(),
    );
    let trace = expect_line(s, "trace 1", "demo.echo")?;
    checks.expect(
        "`trace 1` shows the first conversation",
        trace.trim_start().starts_with("1 "),
        || trace.clone(),
    );

    let idle = ping_average(s);
    checks.record(
        "`ping` logs the average round trip to demo.echo",
        idle.as_ref().map(drop).map_err(Clone::clone),
    );
    let idle = idle?;
    let mut spinners = Vec::new();
    for _ in 0..4 {
        let line = expect_line(s, "spawn spinner", "spawned spinner as agent")?;
        spinners.extend(line.split_whitespace().last().map(String::from));
    }
    let loaded = ping_average(s)?;
    // Idle, a round trip of the compiled pair is tens of microseconds of
    // guest time; loaded, a hop may find a spinner's slice in the way. A
    // pair left to wait for the spinners' slices to end would wait up to a
    // timer tick (10 ms) a hop; the bound is twice the idle figure plus one
    // tick. (Under the interpreter both figures were hundreds of
    // microseconds of interpretation and the bound was 2x idle alone.)
    checks.expect(
        &format!(
            "four spinners leave a ping-pong pair within 2x of its idle latency plus one timer tick ({idle} us idle, {loaded} us loaded)"
        ),
        loaded <= 2.0 * idle + TIMER_TICK_US,
        || format!("idle {idle} us, loaded {loaded} us"),
    );
    for id in &spinners {
        send(s, &format!("kill {id}"))?;
    }

    let installed = expect_line(
        s,
        r#"policy set deny agent "ping" op "semantic_send"; default allow;"#,
        "policy:",
    )?;
    checks.expect(
        "`policy set` installs a policy",
        installed.contains("installed"),
        || installed.clone(),
    );
    send(s, "spawn ping")?;
    let denied = found(s.wait_for(STEP, |l| l.contains("ping: ")), "ping's result")?;
    checks.expect(
        "a policy deny is enforced",
        denied.contains("denied by policy"),
        || denied.clone(),
    );
    let audited = expect_line(s, "audit tail 6", "denial")?;
    checks.expect(
        "the denial is audited",
        audited.contains("ping semantic_send"),
        || audited.clone(),
    );
    expect_line(s, "spawn approver", "spawned approver as agent")?;
    expect_line(
        s,
        r#"policy set require approval from "approver" for agent "ping" op "semantic_send"; default allow;"#,
        "policy:",
    )?;
    let approved = ping_average(s);
    checks.record(
        "with `require approval`, ping's messages go once the approver agrees",
        approved.map(drop),
    );
    // Each approved message leaves two records (the approver's answer,
    // then its use); ping's exit and perhaps a checkpoint follow.
    let asked = expect_line(s, "audit tail 8", "approved by approver");
    checks.record("approvals are audited, with who approved", asked.map(drop));
    expect_line(s, "events", "events:")?;
    let hello = expect_line(s, "spawn hello", "spawned hello as agent")?;
    let id = hello.split_whitespace().last().unwrap_or("?").to_string();
    let event = expect_line(s, "events", &format!("agent {id} "))?;
    checks.expect(
        "`events` shows the lifecycle events of a new agent",
        event.contains(&format!("agent {id} ")),
        || event.clone(),
    );
    let refused = expect_line(s, r#"policy set deny agent "x" op"#, "policy:")?;
    checks.expect(
        "a malformed policy is refused with line and column, the previous one kept",
        refused.contains("refused") && refused.contains("line 1"),
        || refused.clone(),
    );
    let stats = expect_line(s, "ipc", "round-trip latency")?;
    checks.expect(
        "`ipc` shows the latency histogram",
        !stats.is_empty(),
        String::new,
    );

    let verified = expect_line(s, "audit verify", "audit:")?;
    checks.expect(
        "`audit verify` verifies the chain",
        verified.contains("chain verified"),
        || verified.clone(),
    );
    send(s, "audit export")?;
    found(
        s.wait_for(STEP, |l| l.contains("audit-export-end")),
        "audit export",
    )?;
    host_tool(paths, s.transcript(), checks)?;

    send(s, "poweroff")?;
    let status = s.wait_exit(STEP).map_err(|e| e.to_string())?;
    checks.expect(
        "the node powers off cleanly",
        status.map(crate::process::exit_code) == Some(0),
        || format!("exit {status:?}"),
    );
    Ok(())
}

/// The exported log passes the host tool; a copy with one record altered
/// fails it, naming that record.
fn host_tool(paths: &Paths, transcript: &[u8], checks: &mut Checks) -> Result<(), String> {
    let export = aios_audit_tool::export_bytes(transcript).map_err(|e| e.to_string())?;
    let dir = paths.logs();
    let good = dir.join("audit-export.bin");
    std::fs::write(&good, &export).map_err(|e| e.to_string())?;
    let summary = aios_audit_tool::verify(&export, None);
    checks.expect(
        "the host tool verifies the exported log",
        summary.is_ok(),
        || format!("{summary:?}"),
    );
    let records = summary.map(|s| (s.first_seq, s.records)).unwrap_or((0, 0));
    let target = records.0 + records.1 / 2;
    let (altered, _) = aios_audit_tool::tamper(&export, target).map_err(|e| e.to_string())?;
    let bad = dir.join("audit-export-altered.bin");
    std::fs::write(&bad, &altered).map_err(|e| e.to_string())?;
    let output = std::process::Command::new(env!("CARGO"))
        .args(["run", "--quiet", "-p", "aios-audit-tool", "--", "verify"])
        .arg(&bad)
        .current_dir(&paths.root)
        .output()
        .map_err(|e| e.to_string())?;
    let said = String::from_utf8_lossy(&output.stdout).into_owned();
    checks.expect(
        &format!("the host tool names altered record {target}"),
        output.status.code() == Some(1)
            && said.contains(&format!("first altered record: {target} ")),
        || said.clone(),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::average_us;

    #[test]
    fn reads_pings_average() {
        let line =
            "[ 5.1] INFO  agent 4 ping: ping: 100 round trips to demo.echo, average 1865.1 us";
        assert_eq!(average_us(line), Some(1865.1));
        assert_eq!(
            average_us("agent 4 ping: ping: no agent serves the intent"),
            None
        );
    }
}
