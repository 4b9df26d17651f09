//! Property test: random operation sequences against a model of task states.

use std::collections::BTreeMap;

use aios_sched::{Scheduler, TaskId, TaskState};
use proptest::prelude::*;

/// Task ids 0..TASKS: small, so operations often hit known tasks and
/// sometimes unknown ones.
const TASKS: u64 = 10;

#[derive(Debug, Clone)]
enum Op {
    Add(TaskId, u32, usize),
    Pick(usize),
    Charge(TaskId, u64),
    Requeue(TaskId, usize),
    Block(TaskId),
    Sleep(TaskId, u64),
    Wake(TaskId, usize),
    WakeExpired(u64, usize),
    Remove(TaskId),
    SetWeight(TaskId, u32),
}

fn op() -> impl Strategy<Value = Op> {
    let task = 0..TASKS;
    let cpu = 0usize..6;
    let fuel = prop_oneof![0u64..300_000, Just(u64::MAX)];
    prop_oneof![
        3 => (task.clone(), 0u32..400, cpu.clone()).prop_map(|(t, w, c)| Op::Add(t, w, c)),
        6 => cpu.clone().prop_map(Op::Pick),
        3 => (task.clone(), fuel).prop_map(|(t, f)| Op::Charge(t, f)),
        4 => (task.clone(), cpu.clone()).prop_map(|(t, c)| Op::Requeue(t, c)),
        1 => task.clone().prop_map(Op::Block),
        2 => (task.clone(), 0u64..1_000).prop_map(|(t, w)| Op::Sleep(t, w)),
        2 => (task.clone(), cpu.clone()).prop_map(|(t, c)| Op::Wake(t, c)),
        2 => (0u64..1_000, cpu.clone()).prop_map(|(n, c)| Op::WakeExpired(n, c)),
        1 => task.clone().prop_map(Op::Remove),
        1 => (task, 0u32..400).prop_map(|(t, w)| Op::SetWeight(t, w)),
    ]
}

/// Applies `op` to the scheduler and checks its results against `model`,
/// the state every known task should be in.
fn step(scheduler: &mut Scheduler, model: &mut BTreeMap<TaskId, TaskState>, op: Op) {
    let cpus = scheduler.cpus();
    match op {
        Op::Add(task, weight, cpu) => {
            scheduler.add(task, weight, cpu);
            model
                .entry(task)
                .or_insert(TaskState::Runnable { cpu: cpu % cpus });
        }
        Op::Pick(cpu) => {
            let lowest_here = model
                .iter()
                .filter(|&(_, state)| *state == TaskState::Runnable { cpu })
                .filter_map(|(&task, _)| scheduler.vruntime(task))
                .min();
            let steals = scheduler.steals();
            let picked = scheduler.pick(cpu);
            if cpu >= cpus {
                assert_eq!(picked, None);
                return;
            }
            if lowest_here.is_some() {
                assert!(picked.is_some(), "CPU {cpu} has queued work");
            }
            if let Some(task) = picked {
                assert!(
                    matches!(model.get(&task), Some(TaskState::Runnable { .. })),
                    "picked {task} in state {:?}",
                    model.get(&task)
                );
                if scheduler.steals() == steals {
                    assert_eq!(scheduler.vruntime(task), lowest_here);
                }
                model.insert(task, TaskState::Running { cpu });
            }
        }
        Op::Charge(task, fuel) => scheduler.charge(task, fuel),
        Op::Requeue(task, cpu) => {
            scheduler.requeue(task, cpu);
            if let Some(state @ TaskState::Running { .. }) = model.get_mut(&task) {
                *state = TaskState::Runnable { cpu: cpu % cpus };
            }
        }
        Op::Block(task) => {
            scheduler.block(task);
            model.entry(task).and_modify(|s| *s = TaskState::Blocked);
        }
        Op::Sleep(task, until) => {
            scheduler.sleep_until(task, until);
            model
                .entry(task)
                .and_modify(|s| *s = TaskState::Sleeping { until });
        }
        Op::Wake(task, cpu) => {
            let parked = matches!(
                model.get(&task),
                Some(TaskState::Blocked | TaskState::Sleeping { .. })
            );
            assert_eq!(scheduler.wake(task, cpu), parked);
            if parked {
                model.insert(task, TaskState::Runnable { cpu: cpu % cpus });
            }
        }
        Op::WakeExpired(now, cpu) => {
            let mut due = 0;
            for state in model.values_mut() {
                if matches!(*state, TaskState::Sleeping { until } if until <= now) {
                    *state = TaskState::Runnable { cpu: cpu % cpus };
                    due += 1;
                }
            }
            assert_eq!(scheduler.wake_expired(now, cpu), due);
        }
        Op::Remove(task) => {
            scheduler.remove(task);
            model.remove(&task);
        }
        Op::SetWeight(task, weight) => scheduler.set_weight(task, weight),
    }
}

/// Where the model and the scheduler must agree after every step; the model
/// then follows the queue each runnable task is really in.
fn check(scheduler: &Scheduler, model: &mut BTreeMap<TaskId, TaskState>) {
    assert_eq!(scheduler.audit(), Ok(()));
    assert_eq!(scheduler.len(), model.len());
    for task in 0..TASKS {
        let expected = model.get(&task).copied();
        match (scheduler.state(task), expected) {
            // A steal may have moved a queued task to another CPU.
            (Some(actual @ TaskState::Runnable { .. }), Some(TaskState::Runnable { .. })) => {
                model.insert(task, actual);
            }
            (actual, expected) => assert_eq!(actual, expected, "task {task}"),
        }
    }
    let runnable = model
        .values()
        .filter(|state| matches!(state, TaskState::Runnable { .. }))
        .count();
    let queued: usize = (0..scheduler.cpus())
        .map(|cpu| scheduler.runnable_on(cpu))
        .sum();
    assert_eq!(queued, runnable);
    let next_wake = model
        .values()
        .filter_map(|state| match state {
            TaskState::Sleeping { until } => Some(*until),
            _ => None,
        })
        .min();
    assert_eq!(scheduler.next_wake_ns(), next_wake);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn random_operations_keep_every_task_in_exactly_one_place(
        cpus in 0usize..5,
        ops in proptest::collection::vec(op(), 1..200),
    ) {
        let mut scheduler = Scheduler::new(cpus);
        let mut model = BTreeMap::new();
        for op in ops {
            step(&mut scheduler, &mut model, op);
            check(&scheduler, &mut model);
        }
    }
}
