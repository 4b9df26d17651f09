//! Unknown tasks, out-of-range CPUs and repeated calls are harmless.

use aios_sched::{NORMAL_WEIGHT, Scheduler, TaskState};

#[test]
fn operations_on_unknown_tasks_change_nothing() {
    let mut scheduler = Scheduler::new(2);
    scheduler.add(1, NORMAL_WEIGHT, 0);
    scheduler.charge(9, 1_000);
    scheduler.requeue(9, 0);
    scheduler.block(9);
    scheduler.sleep_until(9, 5);
    scheduler.set_weight(9, 7);
    scheduler.remove(9);
    assert!(!scheduler.wake(9, 0));
    assert_eq!(scheduler.state(9), None);
    assert_eq!(scheduler.vruntime(9), None);
    assert_eq!(scheduler.len(), 1);
    assert_eq!(scheduler.next_wake_ns(), None);
    assert_eq!(scheduler.state(1), Some(TaskState::Runnable { cpu: 0 }));
    assert_eq!(scheduler.audit(), Ok(()));
}

#[test]
fn zero_cpus_means_one_and_cpu_hints_wrap() {
    let mut scheduler = Scheduler::new(0);
    assert_eq!(scheduler.cpus(), 1);
    scheduler.add(1, NORMAL_WEIGHT, 5);
    assert_eq!(scheduler.state(1), Some(TaskState::Runnable { cpu: 0 }));

    let mut scheduler = Scheduler::new(3);
    scheduler.add(1, NORMAL_WEIGHT, 4);
    assert_eq!(scheduler.state(1), Some(TaskState::Runnable { cpu: 1 }));
    assert_eq!(scheduler.pick(3), None);
    assert_eq!(scheduler.pick(usize::MAX), None);
    assert_eq!(scheduler.runnable_on(usize::MAX), 0);
    assert_eq!(scheduler.pick(1), Some(1));
    scheduler.requeue(1, usize::MAX);
    assert_eq!(
        scheduler.state(1),
        Some(TaskState::Runnable {
            cpu: usize::MAX % 3
        })
    );
    assert_eq!(scheduler.audit(), Ok(()));
}

#[test]
fn adding_a_known_task_or_requeueing_an_idle_one_is_a_no_op() {
    let mut scheduler = Scheduler::new(2);
    scheduler.add(1, NORMAL_WEIGHT, 0);
    assert_eq!(scheduler.pick(0), Some(1));
    scheduler.add(1, NORMAL_WEIGHT, 1);
    assert_eq!(scheduler.state(1), Some(TaskState::Running { cpu: 0 }));
    assert_eq!(scheduler.len(), 1);

    scheduler.block(1);
    scheduler.requeue(1, 0);
    assert_eq!(scheduler.state(1), Some(TaskState::Blocked));
    assert_eq!(scheduler.pick(0), None);
    assert_eq!(scheduler.pick(1), None);
    assert_eq!(scheduler.audit(), Ok(()));
}

#[test]
fn removal_works_from_every_state() {
    let mut scheduler = Scheduler::new(2);
    for task in 1..=4 {
        scheduler.add(task, NORMAL_WEIGHT, 0);
    }
    let running = scheduler.pick(0).expect("runnable");
    scheduler.block(2);
    scheduler.sleep_until(3, 10);
    for task in [running, 2, 3, 4] {
        scheduler.remove(task);
        assert_eq!(scheduler.state(task), None);
        assert_eq!(scheduler.audit(), Ok(()));
    }
    assert!(scheduler.is_empty());
    assert_eq!(scheduler.next_wake_ns(), None);
    assert_eq!(scheduler.wake_expired(u64::MAX, 0), 0);
    assert_eq!((scheduler.runnable_on(0), scheduler.pick(0)), (0, None));
}
