//! Tests of messaging in the running kernel, in every machine shape: `ping`
//! and `echo` (real agents from the bundle) talk, across CPUs where there
//! are several, and the audit chain verifies afterwards.

use super::agent_tests::{drive, runtime};
use super::{ensure, ktests};
use aios_abi::payload::AgentState;
use alloc::string::String;

ktests!(
    ping_and_echo_talk_on_any_cpus,
    the_audit_chain_verifies_after_agents_ran,
);

fn ping_and_echo_talk_on_any_cpus() -> Result<(), String> {
    let rt = runtime()?;
    let spawn = |name: &str| rt.spawn(name, None).map_err(|e| alloc::format!("{e}"));
    let echo = spawn("echo")?;
    let ping = spawn("ping")?;
    let finished = drive(20_000, || rt.info(ping).is_none_or(|i| i.state.is_final()));
    let ping_info = rt.info(ping).ok_or("ping forgotten")?;
    let echo_info = rt.info(echo).ok_or("echo forgotten")?;
    rt.kill(echo);
    drive(2_000, || rt.info(echo).is_none_or(|i| i.state.is_final()));
    ensure!(finished, "ping did not finish in 20 s");
    ensure!(
        ping_info.state == AgentState::Exited && ping_info.exit_code == Some(0),
        "ping ended {:?} with {:?} ({:?})",
        ping_info.state,
        ping_info.exit_code,
        ping_info.reason
    );
    ensure!(
        ping_info.ipc.messages_out == 100 && ping_info.ipc.messages_in == 100,
        "ping sent {} and received {}",
        ping_info.ipc.messages_out,
        ping_info.ipc.messages_in
    );
    ensure!(
        echo_info.ipc.messages_in == 100 && echo_info.ipc.messages_out == 100,
        "echo received {} and sent {}",
        echo_info.ipc.messages_in,
        echo_info.ipc.messages_out
    );
    Ok(())
}

fn the_audit_chain_verifies_after_agents_ran() -> Result<(), String> {
    let rt = runtime()?;
    ensure!(rt.audit_len() > 0, "the audit log is empty");
    ensure!(rt.audit_verifies(), "the audit chain does not verify");
    Ok(())
}
