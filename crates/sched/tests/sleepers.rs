//! Blocking, sleeping and waking: parked tasks never run, sleepers wake on
//! time and run promptly, without banking the time they slept.

mod support;

use aios_sched::{NORMAL_WEIGHT, SLICE_FUEL, Scheduler, TaskState};
use support::run_slice;

const MS: u64 = 1_000_000;

/// Four busy tasks and task 5, which runs briefly and sleeps `nap` each
/// time. Returns, for every wake, how many other tasks ran before task 5.
fn sleeper_latencies(sleeper_fuel: u64, nap: u64) -> Vec<usize> {
    let mut scheduler = Scheduler::new(1);
    for task in 1..=5 {
        scheduler.add(task, NORMAL_WEIGHT, 0);
    }
    let mut latencies = Vec::new();
    let mut waiting = None;
    let mut now = 0;
    for _ in 0..3_000 {
        now += MS;
        if scheduler.wake_expired(now, 0) == 1 {
            waiting = Some(0);
        }
        let task = scheduler.pick(0).expect("busy tasks are runnable");
        if task == 5 {
            latencies.extend(waiting.take());
            scheduler.charge(5, sleeper_fuel);
            scheduler.sleep_until(5, now + nap);
        } else {
            waiting = waiting.map(|ran| ran + 1);
            scheduler.charge(task, SLICE_FUEL);
            scheduler.requeue(task, 0);
        }
        assert_eq!(scheduler.audit(), Ok(()));
    }
    latencies
}

#[test]
fn a_light_sleeper_runs_as_soon_as_it_wakes() {
    let latencies = sleeper_latencies(SLICE_FUEL / 100, 3 * MS);
    assert!(latencies.len() > 500, "{} wakes", latencies.len());
    assert!(latencies.iter().all(|&ran| ran == 0), "{latencies:?}");
}

#[test]
fn a_heavy_sleeper_runs_within_one_round_of_waking() {
    let latencies = sleeper_latencies(SLICE_FUEL, MS);
    assert!(latencies.len() > 300, "{} wakes", latencies.len());
    assert!(latencies.iter().all(|&ran| ran <= 4), "{latencies:?}");
}

#[test]
fn a_long_sleeper_gets_no_unbounded_credit() {
    let mut scheduler = Scheduler::new(1);
    for task in 1..=3 {
        scheduler.add(task, NORMAL_WEIGHT, 0);
    }
    scheduler.sleep_until(3, 1_000 * MS);
    for _ in 0..1_000 {
        run_slice(&mut scheduler, 0, SLICE_FUEL);
    }
    assert_eq!(scheduler.wake_expired(1_000 * MS, 0), 1);
    let ran: Vec<u64> = (0..30)
        .map(|_| run_slice(&mut scheduler, 0, SLICE_FUEL).expect("runnable"))
        .collect();
    assert_eq!(ran[0], 3, "the woken task runs first");
    let sleeper = ran.iter().filter(|&&task| task == 3).count();
    assert!(
        (10..=12).contains(&sleeper),
        "{sleeper} of 30 slices: {ran:?}"
    );
}

#[test]
fn blocked_and_sleeping_tasks_are_never_picked() {
    let mut scheduler = Scheduler::new(2);
    for task in 1..=4 {
        scheduler.add(task, NORMAL_WEIGHT, task as usize);
    }
    scheduler.block(1);
    scheduler.sleep_until(2, 100);
    for _ in 0..50 {
        for cpu in 0..2 {
            let task = run_slice(&mut scheduler, cpu, SLICE_FUEL);
            assert!(matches!(task, Some(3 | 4)), "{task:?}");
        }
    }
    assert_eq!(scheduler.state(1), Some(TaskState::Blocked));
    assert_eq!(scheduler.wake_expired(99, 0), 0);
    assert_eq!(scheduler.wake_expired(100, 1), 1);
    assert_eq!(scheduler.state(2), Some(TaskState::Runnable { cpu: 1 }));
    assert_eq!(scheduler.state(1), Some(TaskState::Blocked));
    assert!(scheduler.wake(1, 0));
    assert_eq!(scheduler.state(1), Some(TaskState::Runnable { cpu: 0 }));
}

#[test]
fn wake_expired_wakes_exactly_the_due_sleepers() {
    let mut scheduler = Scheduler::new(2);
    for (task, until) in [(1, 10), (2, 20), (3, 20), (4, 30), (5, 40)] {
        scheduler.add(task, NORMAL_WEIGHT, 0);
        scheduler.sleep_until(task, until);
    }
    assert_eq!(scheduler.next_wake_ns(), Some(10));
    assert_eq!(scheduler.wake_expired(9, 0), 0);
    assert_eq!(scheduler.wake_expired(20, 1), 3);
    for task in 1..=3 {
        assert_eq!(scheduler.state(task), Some(TaskState::Runnable { cpu: 1 }));
    }
    assert_eq!(scheduler.state(4), Some(TaskState::Sleeping { until: 30 }));
    assert_eq!(scheduler.next_wake_ns(), Some(30));

    // An early wake takes the sleeper off the timer; a second one is refused.
    assert!(scheduler.wake(4, 0));
    assert!(!scheduler.wake(4, 0));
    assert!(!scheduler.wake(1, 0), "runnable tasks are not woken");
    assert_eq!(scheduler.next_wake_ns(), Some(40));
    assert_eq!(scheduler.wake_expired(u64::MAX, 0), 1);
    assert_eq!(scheduler.next_wake_ns(), None);
    assert_eq!(scheduler.audit(), Ok(()));
}

#[test]
fn a_new_deadline_or_a_block_replaces_the_old_one() {
    let mut scheduler = Scheduler::new(1);
    scheduler.add(1, NORMAL_WEIGHT, 0);
    scheduler.add(2, NORMAL_WEIGHT, 0);
    scheduler.sleep_until(1, 50);
    scheduler.sleep_until(1, 500);
    scheduler.sleep_until(2, 60);
    scheduler.block(2);
    assert_eq!(scheduler.next_wake_ns(), Some(500));
    assert_eq!(scheduler.wake_expired(499, 0), 0);
    assert_eq!(scheduler.state(2), Some(TaskState::Blocked));
    assert_eq!(scheduler.wake_expired(500, 0), 1);
    assert_eq!(scheduler.audit(), Ok(()));
}

#[test]
fn a_throttled_task_wakes_behind_a_sleeper() {
    let mut scheduler = Scheduler::new(1);
    for task in [1, 2, 3] {
        scheduler.add(task, NORMAL_WEIGHT, 0);
    }
    // Task 1 (a spinner) uses its quota; task 2 sleeps; task 3 keeps running.
    for _ in 0..4 {
        for task in [1, 2, 3] {
            assert!(scheduler.pick(0).is_some());
            scheduler.charge(task, SLICE_FUEL);
            scheduler.requeue(task, 0);
        }
    }
    scheduler.throttle_until(1, 1_000);
    scheduler.sleep_until(2, 1_000);
    for _ in 0..20 {
        let task = scheduler.pick(0).expect("task 3 runs");
        assert_eq!(task, 3);
        scheduler.charge(3, SLICE_FUEL);
        scheduler.requeue(3, 0);
    }
    assert_eq!(scheduler.wake_expired(1_000, 0), 2);
    // The sleeper gets its credit and runs first; the throttled task does
    // not jump ahead of the task that kept running.
    assert_eq!(scheduler.pick(0), Some(2));
    scheduler.charge(2, SLICE_FUEL);
    scheduler.requeue(2, 0);
    assert_eq!(scheduler.pick(0), Some(3));
    scheduler.audit().expect("consistent");
}
