//! The `ipc` suite: `echo` and `bench-ipc` are spawned from the console
//! and the round-trip figures read off the serial log; the kernel's own
//! `bench-policy` measurement runs at boot. One boot under
//! `-icount shift=0` on one CPU (ns are guest instructions: both agents
//! share the CPU), one for wall time on two CPUs (the agents are placed on
//! different CPUs: an agent starts on CPU `id mod cpus`, and `echo` and
//! `bench-ipc` get consecutive ids).

use std::time::Duration;

use super::Measure;
use super::agents::results::{Outcome, outcome, pairs};
use crate::build::{self, Kernel};
use crate::cli::DEFAULT_CMDLINE;
use crate::error::Error;
use crate::paths::Paths;
use crate::protocol;
use crate::qemu::Machine;
use crate::serial::{Session, Wait};

const READY_TIMEOUT: Duration = Duration::from_secs(180);
const RESULT_TIMEOUT: Duration = Duration::from_secs(600);

/// What one boot measured.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Figures {
    round_trip_ns: f64,
    messages_per_s: f64,
    policy_eval_ns: f64,
    policy_other_op_ns: f64,
}

/// Measures messaging: one boot under icount (one CPU), one for wall time
/// (two CPUs).
pub fn run(paths: &Paths) -> Result<Vec<Measure>, Error> {
    let kernel = build::kernel(paths, Kernel::Production)?;
    build::bundle(paths)?;
    let cmdline = format!("{DEFAULT_CMDLINE} bench-policy");
    let machine = |counted: bool| super::pvh_machine(paths, &kernel, &cmdline, 2, counted);
    println!("xtask: [1/2] bench ipc under -icount shift=0, smp 1 …");
    let counted = measure(paths, &machine(true), "bench-ipc-icount")?;
    println!("xtask: [2/2] bench ipc, wall time, smp 2 …");
    let wall = measure(paths, &machine(false), "bench-ipc-wall")?;
    let measure = |name: &str, value: f64, unit: &str, target: Option<&str>| Measure {
        name: name.to_string(),
        value,
        unit: unit.to_string(),
        target: target.map(String::from),
    };
    Ok(vec![
        measure(
            "round_trip_one_cpu_instructions",
            counted.round_trip_ns,
            "instructions",
            Some("<= 6000"),
        ),
        measure(
            "messages_per_s_one_cpu_icount",
            counted.messages_per_s,
            "msg/s",
            None,
        ),
        measure(
            "policy_eval_100_rules_instructions",
            counted.policy_eval_ns,
            "instructions",
            Some("<= 500"),
        ),
        measure(
            "policy_eval_other_op_instructions",
            counted.policy_other_op_ns,
            "instructions",
            None,
        ),
        measure("round_trip_cross_cpu_wall", wall.round_trip_ns, "ns", None),
        measure(
            "messages_per_s_cross_cpu_wall",
            wall.messages_per_s,
            "msg/s",
            None,
        ),
    ])
}

/// One boot: reads the policy line, spawns `echo` and `bench-ipc`, powers off.
fn measure(paths: &Paths, machine: &Machine, name: &str) -> Result<Figures, Error> {
    super::measure_boot(paths, machine, name, drive)
}

fn drive(session: &mut Session) -> Result<Figures, String> {
    match session.wait_for(READY_TIMEOUT, protocol::is_ready) {
        Wait::Found(_) => {}
        other => return Err(format!("no ready line ({other:?})")),
    }
    let policy = match session.wait_for(READY_TIMEOUT, |line| {
        protocol::without_prompt(line).starts_with("bench: policy")
    }) {
        Wait::Found(line) => pairs(protocol::without_prompt(&line.text)),
        other => return Err(format!("no policy measurement ({other:?})")),
    };
    let value = |pairs: &[(String, f64)], key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| *v)
            .ok_or_else(|| format!("no `{key}` in the results"))
    };
    session
        .send("spawn echo\nspawn bench-ipc\n")
        .map_err(|e| format!("typing the spawn commands: {e}"))?;
    let wait = session.wait_for(RESULT_TIMEOUT, |line| outcome(line, "bench-ipc").is_some());
    let Wait::Found(line) = wait else {
        return Err(format!("no result from bench-ipc ({wait:?})"));
    };
    let Some(Outcome::Result(ipc)) = outcome(&line.text, "bench-ipc") else {
        return Err(format!("bench-ipc failed: {}", line.text));
    };
    Ok(Figures {
        round_trip_ns: value(&ipc, "ipc_round_trip_ns")?,
        messages_per_s: value(&ipc, "ipc_messages_per_s")?,
        policy_eval_ns: value(&policy, "policy_eval_ns")?,
        policy_other_op_ns: value(&policy, "policy_eval_other_op_ns")?,
    })
}

#[cfg(test)]
mod tests {
    use super::pairs;

    #[test]
    fn the_policy_line_parses() {
        let got =
            pairs("bench: policy_eval_ns=412.5 policy_eval_other_op_ns=30.0 policy_rules=100");
        assert_eq!(got[0], ("policy_eval_ns".to_string(), 412.5));
        assert_eq!(got[2], ("policy_rules".to_string(), 100.0));
    }
}
