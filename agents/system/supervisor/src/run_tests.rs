//! Tests of the supervisor's rounds against the fake kernel: restarts
//! with backoff through `respawn`, the circuit breaker, status, retries.

use super::*;
use crate::fake::FakeKernel;
use crate::fixtures::{agent, image, supervisor_image, trapped};
use aios_sdk::{AgentState, restart_mode};

fn kernel() -> FakeKernel {
    let mut crasher = image("crasher", restart_mode::ON_FAILURE, &[]);
    crasher.start_at_boot = false;
    let mut kernel = FakeKernel::new(vec![
        supervisor_image(),
        image("console", restart_mode::ALWAYS, &[]),
        crasher,
    ]);
    kernel
        .agents
        .push(agent(1, "supervisor", AgentState::Running));
    kernel
}

/// Runs rounds until `until_ms`, as `run` does.
fn rounds(supervisor: &mut Supervisor, kernel: &mut FakeKernel, until_ms: u64) {
    while kernel.now_ms < until_ms {
        kernel.sleep_ms(ROUND_MS);
        supervisor.round(kernel);
    }
}

fn trap(kernel: &mut FakeKernel, id: u64) {
    if let Some(slot) = kernel.agents.iter_mut().find(|a| a.id == id) {
        *slot = trapped(id, "crasher", "unreachable");
    }
}

#[test]
fn a_crasher_is_restarted_with_backoff_until_the_breaker_opens() {
    let mut kernel = kernel();
    let mut supervisor = Supervisor::start(&mut kernel);
    assert_eq!(kernel.text(), ["supervisor: started console as agent 2"]);
    // The console's `spawn crasher`, made by someone else, counts too.
    kernel.agents.push(agent(3, "crasher", AgentState::Blocked));
    kernel.next_id = 4;
    let mut id = 3;
    for (attempt, delay) in [(1u32, 100u64), (2, 200), (3, 400)] {
        trap(&mut kernel, id);
        let crashed_at = kernel.now_ms + ROUND_MS;
        rounds(&mut supervisor, &mut kernel, crashed_at);
        rounds(&mut supervisor, &mut kernel, crashed_at + delay - ROUND_MS);
        assert_eq!(
            kernel.spawns.len(),
            attempt as usize,
            "not before the backoff"
        );
        rounds(&mut supervisor, &mut kernel, crashed_at + delay);
        assert_eq!(kernel.spawns.last(), Some(&("crasher".into(), Some(id))));
        id = kernel.next_id - 1;
        let lines = kernel.text();
        assert!(lines.contains(&format!("supervisor: restarted crasher as agent {id}").as_str()));
        assert!(
            lines
                .iter()
                .any(|l| l.ends_with(&format!("restart {attempt} of 3 in {delay} ms")))
        );
    }
    trap(&mut kernel, id);
    let spawns = kernel.spawns.len();
    let later = kernel.now_ms + 5000;
    rounds(&mut supervisor, &mut kernel, later);
    assert_eq!(kernel.spawns.len(), spawns);
    let open =
        "supervisor: circuit breaker open for crasher: 3 restarts within 60000 ms; not restarting";
    assert_eq!(kernel.text().iter().filter(|l| **l == open).count(), 1);
    rounds(&mut supervisor, &mut kernel, 31_000);
    assert!(
        kernel
            .text()
            .contains(&"supervisor: 2 agents alive, 3 restarts, 1 circuit breakers open")
    );
}

#[test]
fn killed_agents_stay_down_and_clean_exits_follow_the_mode() {
    let mut kernel = kernel();
    let mut supervisor = Supervisor::start(&mut kernel);
    kernel.set(2, AgentState::Killed);
    rounds(&mut supervisor, &mut kernel, 1000);
    assert_eq!(kernel.spawns.len(), 1);
    assert!(
        kernel
            .text()
            .contains(&"supervisor: console (agent 2) was killed; not restarting")
    );
    assert_eq!(supervisor.monitor().pending(), []);
}

#[test]
fn syscall_failures_are_reported_once_and_retried() {
    let mut kernel = kernel();
    kernel.failing_lists = 3;
    let mut supervisor = Supervisor::start(&mut kernel);
    // Three failed looks at start, a round apart, one line for them.
    assert_eq!(kernel.now_ms, 3 * ROUND_MS);
    assert!(kernel.text()[0].starts_with("supervisor: agent_list failed: "));
    assert_eq!(kernel.text().len(), 2);
    kernel.set(2, AgentState::Trapped);
    kernel.failing_lists = 2;
    kernel.failing_spawns = 2;
    let later = kernel.now_ms + 1000;
    rounds(&mut supervisor, &mut kernel, later);
    let lines = kernel.text();
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("agent_list failed"))
            .count(),
        2
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains("restart of console (agent 2) failed"))
            .count(),
        1
    );
    assert_eq!(kernel.spawns.last(), Some(&("console".into(), Some(2))));
    assert!(
        kernel
            .text()
            .contains(&"supervisor: restarted console as agent 3")
    );
}
