//! Work stealing: idle or lightly loaded CPUs take work from busy ones.

mod support;

use std::collections::BTreeSet;

use aios_sched::{NORMAL_WEIGHT, SLICE_FUEL, Scheduler, TaskState};
use support::run_slice;

/// One round on every CPU at once: all pick, then all run a slice and are
/// requeued where they ran. Returns the CPU each picked task ran on.
fn round(scheduler: &mut Scheduler) -> Vec<(usize, u64)> {
    let picked: Vec<(usize, u64)> = (0..scheduler.cpus())
        .filter_map(|cpu| scheduler.pick(cpu).map(|task| (cpu, task)))
        .collect();
    for &(cpu, task) in &picked {
        scheduler.charge(task, SLICE_FUEL);
        scheduler.requeue(task, cpu);
    }
    assert_eq!(scheduler.audit(), Ok(()));
    picked
}

#[test]
fn eight_tasks_added_on_cpu_0_spread_over_four_cpus() {
    let mut scheduler = Scheduler::new(4);
    for task in 0..8 {
        scheduler.add(task, NORMAL_WEIGHT, 0);
    }
    assert_eq!(scheduler.runnable_on(0), 8);

    // Every CPU has work from the first round on.
    assert_eq!(round(&mut scheduler).len(), 4);
    round(&mut scheduler);
    let loads: Vec<usize> = (0..4).map(|cpu| scheduler.runnable_on(cpu)).collect();
    assert_eq!(loads, [2, 2, 2, 2]);
    let steals = scheduler.steals();
    assert_eq!(steals, 6, "three idle CPUs, then three to even out");

    // Once balanced, tasks stay put: no ping-pong between CPUs.
    let mut placements = BTreeSet::new();
    for _ in 0..100 {
        let picked = round(&mut scheduler);
        assert_eq!(picked.len(), 4);
        placements.extend(picked);
    }
    assert_eq!(scheduler.steals(), steals);
    assert_eq!(
        placements.len(),
        8,
        "each task runs on one CPU: {placements:?}"
    );
}

#[test]
fn a_cpus_last_task_is_never_stolen() {
    let mut scheduler = Scheduler::new(2);
    scheduler.add(1, NORMAL_WEIGHT, 0);
    assert_eq!(scheduler.pick(1), None);
    assert_eq!(scheduler.state(1), Some(TaskState::Runnable { cpu: 0 }));

    // Running task 1 and queued task 2: the idle CPU takes the queued one.
    assert_eq!(scheduler.pick(0), Some(1));
    assert_eq!(scheduler.pick(1), None, "a running task is not stolen");
    scheduler.add(2, NORMAL_WEIGHT, 0);
    assert_eq!(scheduler.pick(1), Some(2));
    assert_eq!(scheduler.state(2), Some(TaskState::Running { cpu: 1 }));
    assert_eq!(scheduler.steals(), 1);
    assert_eq!(scheduler.audit(), Ok(()));
}

#[test]
fn the_thief_takes_the_task_with_the_highest_virtual_runtime() {
    let mut scheduler = Scheduler::new(2);
    for task in 1..=3 {
        scheduler.add(task, NORMAL_WEIGHT, 0);
    }
    scheduler.charge(2, 5 * SLICE_FUEL);
    scheduler.charge(3, SLICE_FUEL);
    assert_eq!(scheduler.pick(1), Some(2));
    assert_eq!(scheduler.pick(0), Some(1));
}

#[test]
fn a_stolen_task_keeps_its_place_relative_to_its_new_queue() {
    let mut scheduler = Scheduler::new(2);
    // CPU 1's clock runs far ahead of CPU 0's.
    scheduler.add(10, NORMAL_WEIGHT, 1);
    for _ in 0..1_000 {
        run_slice(&mut scheduler, 1, SLICE_FUEL);
    }
    for task in 1..=3 {
        scheduler.add(task, NORMAL_WEIGHT, 0);
    }
    scheduler.block(10);
    let stolen = scheduler.pick(1).expect("CPU 1 steals");
    scheduler.charge(stolen, SLICE_FUEL);
    scheduler.requeue(stolen, 1);
    assert!(scheduler.wake(10, 1));

    // On CPU 1 the two now share evenly: the thief's task did not carry
    // CPU 0's low virtual runtimes over as a head start.
    let mut runs = [0usize; 2];
    for _ in 0..40 {
        let task = run_slice(&mut scheduler, 1, SLICE_FUEL).expect("runnable");
        runs[usize::from(task == 10)] += 1;
    }
    assert!((18..=22).contains(&runs[0]), "{runs:?}");
    assert_eq!(scheduler.steals(), 1);
}
