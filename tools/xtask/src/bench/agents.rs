//! The `agents` suite: the bench agents are spawned from the console of a
//! booted node and their result lines read off the serial log, once under
//! `-icount shift=0` (ns are guest instructions) and once for wall time.
//! The same boot runs the agent-compute work natively in the kernel
//! (`bench-compute` on the command line) for the compiled agent's ratio.

pub(super) mod results;

use std::time::Duration;

use super::Measure;
use crate::build::{self, Kernel};
use crate::cli::DEFAULT_CMDLINE;
use crate::error::Error;
use crate::paths::Paths;
use crate::protocol;
use crate::qemu::Machine;
use crate::serial::{Session, Wait};

use results::{Figures, Outcome};

const READY_TIMEOUT: Duration = Duration::from_secs(180);
/// Per bench agent: 200 spawns under icount take a few minutes of TCG.
const RESULT_TIMEOUT: Duration = Duration::from_secs(600);

/// Both yield instances hand the CPU over on every yield: 2 × 20,000.
const SWITCHES: f64 = 40_000.0;

/// Measures the agents: one boot under icount (one CPU), one for wall time
/// (two CPUs).
pub fn run(paths: &Paths) -> Result<Vec<Measure>, Error> {
    let kernel = build::kernel(paths, Kernel::Production)?;
    build::bundle(paths)?;
    let cmdline = format!("{DEFAULT_CMDLINE} bench-compute");
    let machine = |counted: bool| super::pvh_machine(paths, &kernel, &cmdline, 2, counted);
    println!("xtask: [1/2] bench agents under -icount shift=0, smp 1 …");
    let counted = measure(paths, &machine(true), "bench-agents-icount")?;
    println!("xtask: [2/2] bench agents, wall time, smp 2 …");
    let wall = measure(paths, &machine(false), "bench-agents-wall")?;

    let instructions = |name: &str, value: f64, target: Option<&str>| Measure {
        name: format!("{name}_instructions"),
        value,
        unit: "instructions".to_string(),
        target: target.map(String::from),
    };
    let wall_ns = |name: &str, value: f64| Measure {
        name: format!("{name}_wall"),
        value,
        unit: "ns".to_string(),
        target: None,
    };
    let ratio = |name: &str, value: f64| Measure {
        name: name.to_string(),
        value,
        unit: "x native".to_string(),
        target: Some(">= 0.5".to_string()),
    };
    Ok(vec![
        instructions("null_syscall", counted.null_ns, Some("<= 100")),
        instructions("null_syscall_net", counted.null_net_ns, None),
        instructions("spawn_to_run", counted.spawn_ns, Some("<= 100000")),
        instructions("spawn_to_exit", counted.spawn_exit_ns, None),
        instructions("switch", counted.switch_ns(SWITCHES), Some("<= 1000")),
        instructions("compute_sha3_agent", counted.compute.agent_sha3_ns, None),
        instructions("compute_sha3_native", counted.compute.native_sha3_ns, None),
        instructions("compute_cbor_agent", counted.compute.agent_cbor_ns, None),
        instructions("compute_cbor_native", counted.compute.native_cbor_ns, None),
        ratio("compute_sha3_speed", counted.compute.sha3_speed()),
        ratio("compute_cbor_speed", counted.compute.cbor_speed()),
        wall_ns("null_syscall", wall.null_ns),
        wall_ns("null_syscall_net", wall.null_net_ns),
        wall_ns("spawn_to_run", wall.spawn_ns),
        wall_ns("spawn_to_exit", wall.spawn_exit_ns),
        wall_ns("switch", wall.switch_ns(SWITCHES)),
    ])
}

/// One boot: spawns the bench agents in turn and powers off.
fn measure(paths: &Paths, machine: &Machine, name: &str) -> Result<Figures, Error> {
    super::measure_boot(paths, machine, name, drive)
}

/// Types the spawn commands and collects the result lines; `Err` says what
/// went wrong.
fn drive(session: &mut Session) -> Result<Figures, String> {
    match session.wait_for(READY_TIMEOUT, protocol::is_ready) {
        Wait::Found(_) => {}
        other => return Err(format!("no ready line ({other:?})")),
    }
    let native = match session.wait_for(READY_TIMEOUT, |line| {
        protocol::without_prompt(line).starts_with("bench: native_")
    }) {
        Wait::Found(line) => results::pairs(protocol::without_prompt(&line.text)),
        other => return Err(format!("no native compute measurement ({other:?})")),
    };
    let null = spawn_and_wait(session, "bench-null", 1)?;
    let spawn = spawn_and_wait(session, "bench-spawn", 1)?;
    let yields = spawn_and_wait(session, "bench-yield", 2)?;
    let compute = spawn_and_wait(session, "bench-compute", 1)?;
    Figures::from_results(&null[0], &spawn[0], &yields, &compute[0], &native)
}

/// Spawns `count` instances of `agent` (the commands typed in one go) and
/// waits for one result line from each.
fn spawn_and_wait(
    session: &mut Session,
    agent: &str,
    count: usize,
) -> Result<Vec<Vec<(String, f64)>>, String> {
    let command = format!("spawn {agent}\n").repeat(count);
    session
        .send(&command)
        .map_err(|e| format!("typing `spawn {agent}`: {e}"))?;
    let mut results = Vec::with_capacity(count);
    while results.len() < count {
        let wait = session.wait_for(RESULT_TIMEOUT, |line| {
            results::outcome(line, agent).is_some()
        });
        let Wait::Found(line) = wait else {
            return Err(format!("no result from {agent} ({wait:?})"));
        };
        match results::outcome(&line.text, agent) {
            Some(Outcome::Result(pairs)) => results.push(pairs),
            _ => return Err(format!("{agent} failed: {}", line.text)),
        }
    }
    Ok(results)
}
