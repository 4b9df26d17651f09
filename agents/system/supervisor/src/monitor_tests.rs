//! Tests of the restart state machine: policies, backoff, the circuit
//! breaker and failed respawns.

use super::*;
use crate::fixtures::{agent, exited, image, trapped};
use aios_sdk::{AgentState, restart_mode};

fn images() -> Vec<ImageInfo> {
    vec![
        image("crasher", restart_mode::ON_FAILURE, &[]),
        image("daemon", restart_mode::ALWAYS, &[]),
        image("hello", restart_mode::NEVER, &[]),
    ]
}

fn scheduled(notes: &[Note]) -> Vec<(u32, u64)> {
    notes
        .iter()
        .filter_map(|note| match note {
            Note::RestartScheduled {
                attempt, delay_ms, ..
            } => Some((*attempt, *delay_ms)),
            _ => None,
        })
        .collect()
}

#[test]
fn agents_already_ended_at_start_are_ignored() {
    let before = [trapped(3, "crasher", "unreachable"), exited(4, "daemon", 0)];
    let mut monitor = Monitor::new(&images(), &before);
    assert_eq!(monitor.observe(&before, 10), []);
    assert!(monitor.pending().is_empty());
}

#[test]
fn a_crash_loop_backs_off_then_opens_the_breaker() {
    let mut monitor = Monitor::new(&images(), &[]);
    let mut now = 1000;
    let mut id = 10;
    for (attempt, delay) in [(1, 100), (2, 200), (3, 400)] {
        let notes = monitor.observe(&[trapped(id, "crasher", "unreachable")], now);
        assert_eq!(scheduled(&notes), [(attempt, delay)]);
        assert_eq!(
            notes[0].to_string(),
            format!(
                "supervisor: crasher (agent {id}) trapped: unreachable; restart {attempt} of 3 in {delay} ms"
            )
        );
        assert!(monitor.take_due(now + delay - 1).is_empty());
        let due = monitor.take_due(now + delay);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].replaces, id);
        id += 1;
        assert_eq!(
            monitor.restarted(&due[0], id),
            Note::Restarted {
                name: "crasher".into(),
                id
            }
        );
        now += delay + 200;
    }
    let notes = monitor.observe(&[trapped(id, "crasher", "unreachable")], now);
    assert_eq!(
        notes,
        [Note::BreakerOpen {
            name: "crasher".into(),
            restarts: 3,
            window_ms: 60_000
        }]
    );
    // Later failures of the image are neither restarted nor reported.
    assert_eq!(
        monitor.observe(&[trapped(id + 1, "crasher", "x")], now + 90_000),
        []
    );
    assert!(monitor.pending().is_empty());
    assert_eq!(
        monitor.status(&[
            agent(1, "supervisor", AgentState::Blocked),
            trapped(id + 1, "crasher", "x")
        ]),
        Note::Status {
            alive: 1,
            restarts: 3,
            breakers_open: 1
        }
    );
}

#[test]
fn each_ending_is_handled_once() {
    let mut monitor = Monitor::new(&images(), &[]);
    let list = [exited(5, "crasher", 2)];
    assert_eq!(scheduled(&monitor.observe(&list, 0)), [(1, 100)]);
    assert_eq!(monitor.observe(&list, 50), []);
    // Once the kernel forgets the agent, the list no longer names it.
    assert_eq!(monitor.observe(&[], 100), []);
    assert_eq!(monitor.pending().len(), 1);
}

#[test]
fn policies_decide_by_ending() {
    let mut monitor = Monitor::new(&images(), &[]);
    let notes = monitor.observe(
        &[
            agent(1, "crasher", AgentState::Killed),
            agent(2, "hello", AgentState::Killed),
            exited(3, "hello", 0),
            exited(4, "crasher", 0),
            exited(5, "daemon", 0),
            trapped(6, "hello", "out of bounds"),
            agent(7, "unknown", AgentState::Killed),
            agent(8, "daemon", AgentState::Running),
        ],
        0,
    );
    assert_eq!(notes.len(), 3);
    assert_eq!(
        notes[0],
        Note::Killed {
            name: "crasher".into(),
            id: 1
        }
    );
    assert_eq!(scheduled(&notes[1..2]), [(1, 100)]);
    assert_eq!(
        notes[2].to_string(),
        "supervisor: hello (agent 6) trapped: out of bounds; its restart mode is never, not restarting"
    );
    let due = monitor.take_due(100);
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].name.as_str(), due[0].replaces), ("daemon", 5));
}

#[test]
fn failed_respawns_are_retried_then_abandoned() {
    let mut monitor = Monitor::new(&images(), &[]);
    monitor.observe(&[trapped(9, "crasher", "x")], 0);
    let error = Error::Syscall {
        call: "agent_spawn",
        error: aios_sdk::Error::QuotaExceeded,
    };
    let mut reported = 0;
    for round in 1..=MAX_RESPAWN_FAILURES {
        let mut due = monitor.take_due(100 + u64::from(round));
        assert_eq!(due.len(), 1, "round {round}");
        if let Some(note) = monitor.respawn_failed(due.remove(0), error.clone()) {
            reported += 1;
            let giving_up = round == MAX_RESPAWN_FAILURES;
            assert!(matches!(note, Note::RestartFailed { giving_up: g, .. } if g == giving_up));
        }
    }
    assert_eq!(reported, 2);
    assert!(monitor.take_due(u64::MAX).is_empty());
}
