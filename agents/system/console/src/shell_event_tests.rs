//! Host tests of `events`: the subscription made once, one line per event
//! kind, the count limit, and failures, through the fake host.

use crate::events::SUBSCRIBED;
use crate::fake::FakeHost;
use crate::shell_messaging_tests::{has, run};
use crate::shell_tests::{lines, session};
use aios_abi::Error as Abi;
use aios_abi::payload::{AgentState, CapKind};
use aios_events::{
    CapAction, DeviceState, Event, EventKind, IpcOutcome, PolicyEffect, SecurityAlert,
};

fn event(seq: u64, time_ns: u64, kind: EventKind) -> Event {
    Event { seq, time_ns, kind }
}

fn lifecycle(seq: u64) -> Event {
    let kind = EventKind::AgentLifecycle {
        agent: seq,
        state: AgentState::Runnable,
    };
    event(seq, seq * 1_000_000, kind)
}

/// The output lines after the `nth` echo of `command` (prompts are
/// already stripped).
fn after<'a>(out: &'a [String], command: &str, nth: usize) -> &'a [String] {
    let mut echoes = out.iter().enumerate().filter(|(_, l)| *l == command);
    let (at, _) = echoes.nth(nth).unwrap_or_else(|| panic!("{out:#?}"));
    &out[at + 1..]
}

#[test]
fn first_events_subscribes_once_and_keeps_the_subscription() {
    let mut host = FakeHost::new();
    host.semantic.events.push_back(Ok(lifecycle(12)));
    let (shell, _) = session(host, &["events\nevents\n"]);
    let out = lines(&shell);
    assert_eq!(
        after(&out, "events", 0)[..3],
        [SUBSCRIBED, "#12 0.012 agent 12 runnable", "events: 1 shown"]
    );
    assert_eq!(after(&out, "events", 1)[..2], ["events: 0 shown", ""]);
    let fake = &shell.host().semantic;
    assert_eq!(fake.subscriptions, 1);
    assert_eq!(fake.polls, [3, 3, 3]);
}

#[test]
fn every_event_kind_has_its_line() {
    let mut host = FakeHost::new();
    let kinds = [
        EventKind::Ipc {
            from: 2,
            to: 3,
            intent: "demo.echo".into(),
            outcome: IpcOutcome::Delivered,
        },
        EventKind::Ipc {
            from: 2,
            to: 3,
            intent: "demo.\x1b[2J".into(),
            outcome: IpcOutcome::PushedBack,
        },
        EventKind::PolicyDecision {
            agent: 4,
            operation: "semantic_send".into(),
            resource: "demo.echo".into(),
            effect: PolicyEffect::Deny,
        },
        EventKind::PolicyDecision {
            agent: 4,
            operation: "spawn".into(),
            resource: String::new(),
            effect: PolicyEffect::ApprovalRequired,
        },
        EventKind::Capability {
            agent: 6,
            kind: CapKind::Console,
            action: CapAction::Granted,
            peer: Some(2),
        },
        EventKind::Capability {
            agent: 6,
            kind: CapKind::EventTopic,
            action: CapAction::Transferred,
            peer: Some(7),
        },
        EventKind::Capability {
            agent: 6,
            kind: CapKind::SpawnBudget,
            action: CapAction::Revoked,
            peer: None,
        },
        EventKind::Security {
            agent: Some(4),
            alert: SecurityAlert::ForgedHandle,
            detail: "handle 0x00000009".into(),
        },
        EventKind::Security {
            agent: None,
            alert: SecurityAlert::ImageRefused,
            detail: String::new(),
        },
        EventKind::Device {
            device: "virtio-blk0".into(),
            state: DeviceState::Ready,
        },
    ];
    for (seq, kind) in (13..).zip(kinds) {
        host.semantic
            .events
            .push_back(Ok(event(seq, 3_520_999_999, kind)));
    }
    let out = run(host, "events\n");
    assert_eq!(
        after(&out, "events", 0)[1..12],
        [
            "#13 3.520 ipc 2 -> 3 demo.echo delivered",
            "#14 3.520 ipc 2 -> 3 demo.?[2J pushed-back",
            "#15 3.520 policy agent 4 semantic_send on demo.echo deny",
            "#16 3.520 policy agent 4 spawn approval-required",
            "#17 3.520 capability agent 6 granted console by 2",
            "#18 3.520 capability agent 6 transferred event-topic to 7",
            "#19 3.520 capability agent 6 revoked spawn-budget",
            "#20 3.520 security agent 4 forged-handle: handle 0x00000009",
            "#21 3.520 security image-refused",
            "#22 3.520 device virtio-blk0 ready",
            "events: 10 shown",
        ]
    );
}

#[test]
fn the_count_limits_each_batch_and_nothing_is_lost() {
    let mut host = FakeHost::new();
    host.semantic
        .events
        .extend((1..=5).map(|seq| Ok(lifecycle(seq))));
    let out = run(host, "events 2\nevents 2\nevents 2\nevents 0\n");
    let first = after(&out, "events 2", 0);
    assert_eq!(
        first[1..4],
        [
            "#1 0.001 agent 1 runnable",
            "#2 0.002 agent 2 runnable",
            "events: 2 shown, more queued"
        ]
    );
    let second = after(&out, "events 2", 1);
    assert_eq!(
        second[..3],
        [
            "#3 0.003 agent 3 runnable",
            "#4 0.004 agent 4 runnable",
            "events: 2 shown, more queued"
        ]
    );
    let third = after(&out, "events 2", 2);
    assert_eq!(third[..2], ["#5 0.005 agent 5 runnable", "events: 1 shown"]);
    assert_eq!(after(&out, "events 0", 0)[0], "events: 0 shown");

    // Counts above the maximum are taken as 1000; the default is 20.
    let mut host = FakeHost::new();
    host.semantic
        .events
        .extend((0..1030).map(|seq| Ok(lifecycle(seq))));
    let out = run(host, "events 99999\nevents\n");
    has(&out, "#999 0.999 agent 999 runnable");
    has(&out, "events: 1000 shown, more queued");
    has(&out, "#1019 1.019 agent 1019 runnable");
    has(&out, "events: 20 shown, more queued");
    assert!(!out.iter().any(|l| l.starts_with("#1020 ")));
}

#[test]
fn failures_print_events_and_a_lost_subscription_is_renewed() {
    let mut host = FakeHost::new();
    host.semantic.event_topic = false;
    let out = run(host, "events\nevents x\n");
    has(&out, "events: the console holds no event-topic capability");
    has(&out, "error: `x` is not a number");

    let mut host = FakeHost::new();
    host.semantic.events.push_back(Ok(lifecycle(1)));
    host.semantic.events.push_back(Err(Abi::StaleHandle.into()));
    let (shell, _) = session(host, &["events\nevents\n"]);
    let out = lines(&shell);
    assert_eq!(
        after(&out, "events", 0)[1..3],
        [
            "#1 0.001 agent 1 runnable",
            "events: stale or unknown handle"
        ]
    );
    assert_eq!(
        after(&out, "events", 1)[..2],
        [SUBSCRIBED, "events: 0 shown"]
    );
    let fake = &shell.host().semantic;
    assert_eq!(fake.subscriptions, 2);
    assert_eq!(fake.polls, [3, 3, 4]);
}
