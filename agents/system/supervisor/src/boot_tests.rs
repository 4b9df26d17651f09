//! Tests of the boot sequence against the fake kernel.

use super::*;
use crate::fake::FakeKernel;
use crate::fixtures::{image, supervisor_image};
use aios_sdk::{Level, restart_mode};

const NEVER: u8 = restart_mode::NEVER;

#[test]
fn starts_dependencies_first_and_logs_each_start() {
    let mut kernel = FakeKernel::new(vec![
        supervisor_image(),
        image("web", NEVER, &["store"]),
        image("store", NEVER, &["supervisor"]),
    ]);
    let images = kernel.images.clone();
    let started = boot(&mut kernel, &images);
    assert_eq!(started, [("store".into(), 2), ("web".into(), 3)]);
    assert_eq!(
        kernel.text(),
        [
            "supervisor: started store as agent 2",
            "supervisor: started web as agent 3"
        ]
    );
    assert_eq!(
        kernel.spawns,
        [("store".into(), None), ("web".into(), None)]
    );
    // The store was alive at once: no waiting.
    assert_eq!(kernel.now_ms, 0);
}

#[test]
fn a_dependency_that_never_comes_alive_skips_its_dependents_after_5_s() {
    let mut kernel = FakeKernel::new(vec![
        image("slow", NEVER, &[]),
        image("web", NEVER, &["slow"]),
        image("cache", NEVER, &["web"]),
        image("console", NEVER, &[]),
    ]);
    kernel.stuck.push("slow".into());
    let images = kernel.images.clone();
    let started = boot(&mut kernel, &images);
    assert_eq!(started, [("slow".into(), 2), ("console".into(), 3)]);
    assert_eq!(kernel.now_ms, DEPENDENCY_WAIT_MS);
    assert_eq!(
        kernel.text(),
        [
            "supervisor: started slow as agent 2",
            "supervisor: not starting web: dependency slow not alive after 5000 ms",
            "supervisor: not starting cache: dependency web is not started",
            "supervisor: started console as agent 3",
        ]
    );
}

#[test]
fn waits_in_small_steps_until_the_dependency_is_alive() {
    let mut kernel = FakeKernel::new(vec![image("db", NEVER, &[]), image("app", NEVER, &["db"])]);
    // Two failed looks at the agent list cost two steps, then db is alive.
    kernel.failing_lists = 2;
    let images = kernel.images.clone();
    let started = boot(&mut kernel, &images);
    assert_eq!(started.len(), 2);
    assert_eq!(kernel.now_ms, 2 * DEPENDENCY_POLL_MS);
}

#[test]
fn planning_problems_and_spawn_failures_are_logged_as_errors() {
    let mut bad = image("bad", NEVER, &[]);
    bad.refused = Some("malformed module".into());
    let mut kernel = FakeKernel::new(vec![
        bad,
        image("loop-a", NEVER, &["loop-b"]),
        image("loop-b", NEVER, &["loop-a"]),
        image("first", NEVER, &[]),
        image("second", NEVER, &["first"]),
    ]);
    kernel.failing_spawns = 1;
    let images = kernel.images.clone();
    assert_eq!(boot(&mut kernel, &images), []);
    let lines = kernel.text();
    assert_eq!(
        lines[0],
        "supervisor: not starting bad: image refused: malformed module"
    );
    assert_eq!(
        lines[1],
        "supervisor: not starting loop-a: it is on a dependency cycle"
    );
    assert_eq!(
        lines[2],
        "supervisor: not starting loop-b: it is on a dependency cycle"
    );
    assert!(lines[3].starts_with("supervisor: not starting first: agent_spawn failed: "));
    assert_eq!(
        lines[4],
        "supervisor: not starting second: dependency first is not started"
    );
    assert!(kernel.lines.iter().all(|(level, _)| *level == Level::Error));
}
