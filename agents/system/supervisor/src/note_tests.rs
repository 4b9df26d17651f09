//! Tests of the log lines' wording and levels.

use super::*;

#[test]
fn lines_read_as_documented() {
    let scheduled = Note::RestartScheduled {
        name: "crasher".into(),
        id: 7,
        ending: Ending::Trapped(Some("unreachable".into())),
        attempt: 2,
        max: 3,
        delay_ms: 200,
    };
    assert_eq!(
        scheduled.to_string(),
        "supervisor: crasher (agent 7) trapped: unreachable; restart 2 of 3 in 200 ms"
    );
    assert_eq!(scheduled.level(), Level::Warn);
    let open = Note::BreakerOpen {
        name: "crasher".into(),
        restarts: 3,
        window_ms: 60000,
    };
    assert_eq!(
        open.to_string(),
        "supervisor: circuit breaker open for crasher: 3 restarts within 60000 ms; not restarting"
    );
    let status = Note::Status {
        alive: 4,
        restarts: 3,
        breakers_open: 1,
    };
    assert_eq!(
        status.to_string(),
        "supervisor: 4 agents alive, 3 restarts, 1 circuit breakers open"
    );
    assert_eq!(
        Note::Killed {
            name: "svc".into(),
            id: 9
        }
        .to_string(),
        "supervisor: svc (agent 9) was killed; not restarting"
    );
    assert_eq!(
        Note::Started {
            name: "console".into(),
            id: 2
        }
        .to_string(),
        "supervisor: started console as agent 2"
    );
    let failed = Note::RestartFailed {
        name: "svc".into(),
        replaces: 9,
        error: Error::MissingCapability {
            kind: "spawn-budget",
        },
        giving_up: true,
    };
    assert_eq!(
        failed.to_string(),
        "supervisor: restart of svc (agent 9) failed: no spawn-budget capability; giving up"
    );
    assert_eq!(failed.level(), Level::Error);
}
