//! Property test: whatever the interleaving of operations, queues stay
//! within capacity and every matching event is delivered once, in order,
//! or counted as dropped.

use std::collections::{BTreeMap, VecDeque};

use aios_abi::payload::AgentState;
use aios_events::{Category, CategorySet, EventBus, EventKind, Filter, SubscriptionId};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Subscribe {
        categories: u8,
        agent: Option<u64>,
        capacity: usize,
    },
    Publish {
        lifecycle: bool,
        agent: u64,
    },
    Next {
        which: usize,
    },
    Unsubscribe {
        which: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (1u8..4, proptest::option::of(0u64..4), 1usize..6)
            .prop_map(|(categories, agent, capacity)| Op::Subscribe { categories, agent, capacity }),
        6 => (any::<bool>(), 0u64..4).prop_map(|(lifecycle, agent)| Op::Publish { lifecycle, agent }),
        4 => (0usize..8).prop_map(|which| Op::Next { which }),
        1 => (0usize..8).prop_map(|which| Op::Unsubscribe { which }),
    ]
}

/// What the test expects of one subscription (its filter is modelled
/// separately, as category bits 1 = lifecycle, 2 = ipc, and an agent).
struct Model {
    id: SubscriptionId,
    capacity: usize,
    matched: Vec<u64>,
    queued: VecDeque<u64>,
    delivered: Vec<u64>,
    dropped: u64,
}

fn kind(lifecycle: bool, agent: u64) -> EventKind {
    if lifecycle {
        EventKind::AgentLifecycle {
            agent,
            state: AgentState::Runnable,
        }
    } else {
        EventKind::Ipc {
            from: agent,
            to: agent + 1,
            intent: "x".into(),
            outcome: aios_events::IpcOutcome::Delivered,
        }
    }
}

fn categories(bits: u8) -> CategorySet {
    let mut set = CategorySet::EMPTY;
    if bits & 1 != 0 {
        set = set.with(Category::AgentLifecycle);
    }
    if bits & 2 != 0 {
        set = set.with(Category::Ipc);
    }
    set
}

proptest! {
    #[test]
    fn every_event_is_delivered_once_or_counted(ops in proptest::collection::vec(op(), 1..200)) {
        let mut bus = EventBus::new(6);
        let mut models: BTreeMap<usize, Model> = BTreeMap::new();
        let mut filters = BTreeMap::new();
        let mut next_slot = 0;
        for op in ops {
            match op {
                Op::Subscribe { categories: bits, agent, capacity } => {
                    let filter = Filter { categories: categories(bits), agent };
                    let live = models.len();
                    match bus.subscribe(filter, capacity) {
                        Ok(id) => {
                            prop_assert!(live < 6);
                            models.insert(next_slot, Model {
                                id, capacity, matched: Vec::new(), queued: VecDeque::new(),
                                delivered: Vec::new(), dropped: 0,
                            });
                            filters.insert(next_slot, (bits, agent));
                            next_slot += 1;
                        }
                        Err(_) => prop_assert_eq!(live, 6),
                    }
                }
                Op::Publish { lifecycle, agent } => {
                    let seq = bus.publish(0, kind(lifecycle, agent));
                    for (slot, model) in models.iter_mut() {
                        let (bits, wanted): (u8, Option<u64>) = filters[slot];
                        let category = if lifecycle { 1 } else { 2 };
                        let involved = wanted.is_none_or(|w| {
                            w == agent || (!lifecycle && w == agent + 1)
                        });
                        if bits & category != 0 && involved {
                            model.matched.push(seq);
                            if model.queued.len() < model.capacity {
                                model.queued.push_back(seq);
                            } else {
                                model.dropped += 1;
                            }
                        }
                    }
                }
                Op::Next { which } => {
                    if let Some(model) = models.values_mut().nth(which % 8) {
                        let got = bus.next(model.id).expect("live").map(|e| e.seq);
                        prop_assert_eq!(got, model.queued.pop_front());
                        model.delivered.extend(got);
                    }
                }
                Op::Unsubscribe { which } => {
                    let slot = models.keys().nth(which % 8).copied();
                    if let Some(model) = slot.and_then(|s| models.remove(&s)) {
                        let stats = bus.unsubscribe(model.id).expect("live");
                        prop_assert_eq!(stats.dropped, model.dropped);
                        prop_assert_eq!(stats.pending, model.queued.len());
                    }
                }
            }
            for model in models.values() {
                let stats = bus.stats(model.id).expect("live");
                prop_assert!(stats.pending <= model.capacity);
                prop_assert_eq!(stats.dropped, model.dropped);
                prop_assert_eq!(stats.delivered, model.delivered.len() as u64);
                // Conservation: each matching event is delivered, pending or
                // dropped, exactly once; delivered ones in publication order.
                prop_assert_eq!(
                    stats.delivered + stats.pending as u64 + stats.dropped,
                    model.matched.len() as u64
                );
                let mut seen: Vec<u64> = model.delivered.iter().chain(&model.queued).copied().collect();
                prop_assert!(seen.windows(2).all(|w| w[0] < w[1]));
                seen.retain(|s| !model.matched.contains(s));
                prop_assert!(seen.is_empty());
            }
        }
    }
}
