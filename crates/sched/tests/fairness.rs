//! Fair share: CPU time follows weights, and newcomers join fairly.

mod support;

use std::collections::BTreeMap;

use aios_sched::{NORMAL_WEIGHT, SLICE_FUEL, Scheduler, TaskState};
use support::run_slice;

/// Fuel each task received over `slices` slices on CPU 0.
fn share(scheduler: &mut Scheduler, slices: usize) -> BTreeMap<u64, u64> {
    let mut fuel = BTreeMap::new();
    for _ in 0..slices {
        let task = run_slice(scheduler, 0, SLICE_FUEL).expect("tasks are runnable");
        *fuel.entry(task).or_insert(0) += SLICE_FUEL;
    }
    fuel
}

#[test]
fn cpu_time_follows_weights() {
    let mut scheduler = Scheduler::new(1);
    scheduler.add(1, 100, 0);
    scheduler.add(2, 200, 0);
    let fuel = share(&mut scheduler, 3_000);
    let ratio = fuel[&2] as f64 / fuel[&1] as f64;
    assert!((ratio - 2.0).abs() <= 0.1, "ratio {ratio}");
}

#[test]
fn a_new_weight_changes_the_share() {
    let mut scheduler = Scheduler::new(1);
    scheduler.add(1, NORMAL_WEIGHT, 0);
    scheduler.add(2, NORMAL_WEIGHT, 0);
    share(&mut scheduler, 100);
    scheduler.set_weight(1, 300);
    let fuel = share(&mut scheduler, 4_000);
    let ratio = fuel[&1] as f64 / fuel[&2] as f64;
    assert!((ratio - 3.0).abs() <= 0.15, "ratio {ratio}");
}

#[test]
fn a_newcomer_neither_starves_nor_is_starved() {
    let mut scheduler = Scheduler::new(1);
    for task in 1..=3 {
        scheduler.add(task, NORMAL_WEIGHT, 0);
    }
    share(&mut scheduler, 3_000);
    scheduler.add(4, NORMAL_WEIGHT, 0);

    // It runs within one round of the three others...
    let first_round: Vec<u64> = (0..4)
        .map(|_| run_slice(&mut scheduler, 0, SLICE_FUEL).expect("runnable"))
        .collect();
    assert!(first_round.contains(&4), "{first_round:?}");

    // ...and from then on everyone gets a quarter.
    let fuel = share(&mut scheduler, 400);
    for task in 1..=4 {
        let slices = fuel[&task] / SLICE_FUEL;
        assert!((95..=105).contains(&slices), "task {task}: {slices} slices");
    }
}

#[test]
fn charges_scale_with_weight_and_saturate() {
    let mut scheduler = Scheduler::new(1);
    scheduler.add(1, 200, 0);
    scheduler.add(2, 0, 0);
    let start = scheduler.vruntime(1).expect("known");
    scheduler.charge(1, 1_000);
    assert_eq!(scheduler.vruntime(1), Some(start + 500));

    // Weight zero is taken as one; an enormous charge saturates.
    scheduler.charge(2, u64::MAX);
    assert_eq!(scheduler.vruntime(2), Some(u64::MAX));
    scheduler.charge(2, SLICE_FUEL);
    assert_eq!(scheduler.vruntime(2), Some(u64::MAX));
    assert_eq!(scheduler.pick(0), Some(1));
    assert_eq!(scheduler.state(1), Some(TaskState::Running { cpu: 0 }));
    assert_eq!(scheduler.audit(), Ok(()));
}
