//! Subscriptions, filters, bounded queues and drop counters.

use aios_abi::payload::{AgentState, CapKind};
use aios_events::{
    CapAction, Category, CategorySet, DeviceState, Event, EventBus, EventError, EventKind, Filter,
    IpcOutcome, MAX_CAPACITY, PolicyEffect, SecurityAlert, SubscriptionId,
};

fn lifecycle(agent: u64) -> EventKind {
    EventKind::AgentLifecycle {
        agent,
        state: AgentState::Running,
    }
}

fn ipc(from: u64, to: u64) -> EventKind {
    EventKind::Ipc {
        from,
        to,
        intent: "demo.echo".into(),
        outcome: IpcOutcome::Delivered,
    }
}

#[test]
fn events_are_delivered_in_order_with_gap_free_sequence_numbers() {
    let mut bus = EventBus::new(4);
    let id = bus.subscribe(Filter::all(), 8).expect("subscribes");
    assert_eq!(bus.publish(10, lifecycle(1)), 0);
    assert_eq!(bus.publish(20, ipc(1, 2)), 1);
    let first = bus.next(id).expect("live").expect("queued");
    assert_eq!(
        first,
        Event {
            seq: 0,
            time_ns: 10,
            kind: lifecycle(1)
        }
    );
    assert_eq!(bus.next(id).expect("live").map(|e| e.seq), Some(1));
    assert_eq!(bus.next(id), Ok(None));
    assert_eq!(bus.published(), 2);
    let stats = bus.stats(id).expect("live");
    assert_eq!((stats.delivered, stats.dropped, stats.pending), (2, 0, 0));
}

#[test]
fn a_full_queue_drops_the_new_event_and_counts_it() {
    let mut bus = EventBus::new(4);
    let id = bus.subscribe(Filter::all(), 2).expect("subscribes");
    for agent in 0..5 {
        bus.publish(agent, lifecycle(agent));
    }
    assert_eq!(bus.dropped(id), Ok(3));
    assert_eq!(bus.stats(id).map(|s| s.pending), Ok(2));
    // The oldest events are kept; the newest were dropped.
    assert_eq!(bus.next(id).expect("live").map(|e| e.seq), Some(0));
    assert_eq!(bus.next(id).expect("live").map(|e| e.seq), Some(1));
    assert_eq!(bus.next(id), Ok(None));
    bus.publish(9, lifecycle(9));
    assert_eq!(bus.next(id).expect("live").map(|e| e.seq), Some(5));
}

#[test]
fn one_full_subscriber_does_not_affect_another() {
    let mut bus = EventBus::new(4);
    let small = bus.subscribe(Filter::all(), 1).expect("subscribes");
    let large = bus.subscribe(Filter::all(), 10).expect("subscribes");
    for agent in 0..5 {
        bus.publish(agent, lifecycle(agent));
    }
    assert_eq!(bus.dropped(small), Ok(4));
    assert_eq!(bus.dropped(large), Ok(0));
    assert_eq!(bus.stats(large).map(|s| s.pending), Ok(5));
}

#[test]
fn filters_select_by_category_and_agent() {
    let mut bus = EventBus::new(8);
    let security = bus
        .subscribe(
            Filter::categories(CategorySet::EMPTY.with(Category::Security)),
            8,
        )
        .expect("subscribes");
    let agent7 = bus
        .subscribe(Filter::all().for_agent(7), 8)
        .expect("subscribes");
    let ipc_of_7 = [Category::Ipc].into_iter().collect::<CategorySet>();
    let ipc7 = bus
        .subscribe(Filter::categories(ipc_of_7).for_agent(7), 8)
        .expect("subscribes");

    bus.publish(0, lifecycle(7)); // 0
    bus.publish(0, ipc(3, 7)); // 1
    bus.publish(0, ipc(3, 4)); // 2
    let capability = EventKind::Capability {
        agent: 3,
        kind: CapKind::Intent,
        action: CapAction::Transferred,
        peer: Some(7),
    };
    bus.publish(0, capability); // 3
    let alert = EventKind::Security {
        agent: None,
        alert: SecurityAlert::ImageRefused,
        detail: "bad signature".into(),
    };
    bus.publish(0, alert); // 4
    let device = EventKind::Device {
        device: "virtio-blk0".into(),
        state: DeviceState::Ready,
    };
    bus.publish(0, device); // 5
    let policy = EventKind::PolicyDecision {
        agent: 7,
        operation: "SemanticSend".into(),
        resource: "demo.echo".into(),
        effect: PolicyEffect::Deny,
    };
    bus.publish(0, policy); // 6

    let drain = |bus: &mut EventBus, id: SubscriptionId| {
        let mut seqs = Vec::new();
        while let Some(event) = bus.next(id).expect("live") {
            seqs.push(event.seq);
        }
        seqs
    };
    assert_eq!(drain(&mut bus, security), [4]);
    assert_eq!(drain(&mut bus, agent7), [0, 1, 3, 6]);
    assert_eq!(drain(&mut bus, ipc7), [1]);
}

#[test]
fn subscriptions_are_bounded_and_validated() {
    let mut bus = EventBus::new(2);
    assert_eq!(
        bus.subscribe(Filter::all(), 0),
        Err(EventError::BadCapacity { requested: 0 })
    );
    let too_big = MAX_CAPACITY + 1;
    assert_eq!(
        bus.subscribe(Filter::all(), too_big),
        Err(EventError::BadCapacity { requested: too_big })
    );
    assert_eq!(
        bus.subscribe(Filter::categories(CategorySet::EMPTY), 1),
        Err(EventError::EmptyFilter)
    );
    let a = bus.subscribe(Filter::all(), 1).expect("first");
    bus.subscribe(Filter::all(), MAX_CAPACITY).expect("second");
    assert_eq!(
        bus.subscribe(Filter::all(), 1),
        Err(EventError::TooManySubscriptions { max: 2 })
    );
    bus.unsubscribe(a).expect("live");
    assert_eq!(bus.subscriptions(), 1);
    assert!(bus.subscribe(Filter::all(), 1).is_ok());
}

#[test]
fn an_unsubscribed_id_is_dead_for_good() {
    let mut bus = EventBus::new(4);
    let old = bus.subscribe(Filter::all(), 4).expect("subscribes");
    bus.publish(0, lifecycle(1));
    bus.publish(0, lifecycle(2));
    bus.next(old).expect("live");
    let last = bus.unsubscribe(old).expect("live");
    assert_eq!((last.delivered, last.pending, last.capacity), (1, 1, 4));
    let new = bus.subscribe(Filter::all(), 4).expect("subscribes");
    assert_ne!(new, old);
    assert_eq!(bus.next(old), Err(EventError::UnknownSubscription));
    assert_eq!(bus.dropped(old), Err(EventError::UnknownSubscription));
    assert_eq!(bus.unsubscribe(old), Err(EventError::UnknownSubscription));
    assert_eq!(SubscriptionId::from_raw(new.to_raw()), new);
    assert_eq!(
        bus.next(SubscriptionId::from_raw(999)),
        Err(EventError::UnknownSubscription)
    );
}

#[test]
fn events_round_trip_through_cbor() {
    let kinds = [
        lifecycle(1),
        ipc(1, 2),
        EventKind::Security {
            agent: Some(5),
            alert: SecurityAlert::ForgedHandle,
            detail: "handle 0x10002".into(),
        },
    ];
    for (seq, kind) in kinds.into_iter().enumerate() {
        let event = Event {
            seq: seq as u64,
            time_ns: 77,
            kind,
        };
        let bytes = minicbor::to_vec(&event).expect("encodes");
        let back: Event = minicbor::decode(&bytes).expect("decodes");
        assert_eq!(back, event);
    }
}

#[test]
fn errors_say_what_was_refused() {
    let text = EventError::BadCapacity { requested: 0 }.to_string();
    assert!(text.contains(&MAX_CAPACITY.to_string()), "{text}");
    assert!(
        EventError::TooManySubscriptions { max: 3 }
            .to_string()
            .contains('3')
    );
}
