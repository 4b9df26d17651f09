//! The event bus: bounded per-subscription queues that never block the
//! publisher and count what they could not hold.

use alloc::collections::{BTreeMap, VecDeque};

use crate::{Event, EventError, EventKind, Filter};

/// Largest queue one subscription may ask for.
pub const MAX_CAPACITY: usize = 4096;

/// Names a subscription. Ids are never reused, so a stale id can never
/// read another subscriber's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubscriptionId(u64);

impl SubscriptionId {
    /// The id as a number, to hand to an agent.
    pub fn to_raw(self) -> u64 {
        self.0
    }

    /// The id an agent handed back. Whether it is live is checked by the bus.
    pub fn from_raw(raw: u64) -> SubscriptionId {
        SubscriptionId(raw)
    }
}

/// Counters of one subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubscriptionStats {
    /// Most events the queue holds.
    pub capacity: usize,
    /// Events waiting in the queue.
    pub pending: usize,
    /// Events taken with [`EventBus::next`].
    pub delivered: u64,
    /// Matching events dropped because the queue was full.
    pub dropped: u64,
}

struct Subscription {
    filter: Filter,
    queue: VecDeque<Event>,
    capacity: usize,
    delivered: u64,
    dropped: u64,
}

impl Subscription {
    fn stats(&self) -> SubscriptionStats {
        SubscriptionStats {
            capacity: self.capacity,
            pending: self.queue.len(),
            delivered: self.delivered,
            dropped: self.dropped,
        }
    }
}

/// Publishes kernel events to filtered subscriptions.
///
/// Memory is bounded by `max_subscriptions` × [`MAX_CAPACITY`] events, all
/// reserved when subscribing: publishing never grows a queue and never
/// waits. The bus does not check who may subscribe; the kernel checks the
/// caller's event-topic capability before calling [`EventBus::subscribe`]
/// and that an agent only reads its own subscriptions.
pub struct EventBus {
    subscriptions: BTreeMap<u64, Subscription>,
    max_subscriptions: usize,
    next_id: u64,
    next_seq: u64,
}

impl EventBus {
    /// A bus that accepts at most `max_subscriptions` live subscriptions.
    pub fn new(max_subscriptions: usize) -> EventBus {
        EventBus {
            subscriptions: BTreeMap::new(),
            max_subscriptions,
            next_id: 1,
            next_seq: 0,
        }
    }

    /// Adds a subscription receiving the events `filter` matches, queueing
    /// at most `capacity` of them (1..=[`MAX_CAPACITY`]).
    pub fn subscribe(
        &mut self,
        filter: Filter,
        capacity: usize,
    ) -> Result<SubscriptionId, EventError> {
        if capacity == 0 || capacity > MAX_CAPACITY {
            return Err(EventError::BadCapacity {
                requested: capacity,
            });
        }
        if filter.categories.is_empty() {
            return Err(EventError::EmptyFilter);
        }
        let max = self.max_subscriptions;
        let id = self.next_id;
        if self.subscriptions.len() >= max {
            return Err(EventError::TooManySubscriptions { max });
        }
        self.next_id = id
            .checked_add(1)
            .ok_or(EventError::TooManySubscriptions { max })?;
        self.subscriptions.insert(
            id,
            Subscription {
                filter,
                queue: VecDeque::with_capacity(capacity),
                capacity,
                delivered: 0,
                dropped: 0,
            },
        );
        Ok(SubscriptionId(id))
    }

    /// Removes a subscription, discarding its queue; returns its final counters.
    pub fn unsubscribe(&mut self, id: SubscriptionId) -> Result<SubscriptionStats, EventError> {
        self.subscriptions
            .remove(&id.0)
            .map(|s| s.stats())
            .ok_or(EventError::UnknownSubscription)
    }

    /// Stamps an event with the next sequence number and queues it for
    /// every matching subscription. A full queue keeps what it holds and
    /// counts the new event as dropped. Returns the event's sequence number.
    pub fn publish(&mut self, time_ns: u64, kind: EventKind) -> u64 {
        let event = Event {
            seq: self.next_seq,
            time_ns,
            kind,
        };
        // 2^64 events cannot be published in the life of a node.
        self.next_seq = self.next_seq.wrapping_add(1);
        for subscription in self.subscriptions.values_mut() {
            if !subscription.filter.matches(&event) {
                continue;
            }
            if subscription.queue.len() < subscription.capacity {
                subscription.queue.push_back(event.clone());
            } else {
                subscription.dropped = subscription.dropped.saturating_add(1);
            }
        }
        event.seq
    }

    /// Takes the oldest queued event of a subscription, if any.
    pub fn next(&mut self, id: SubscriptionId) -> Result<Option<Event>, EventError> {
        let subscription = self
            .subscriptions
            .get_mut(&id.0)
            .ok_or(EventError::UnknownSubscription)?;
        let event = subscription.queue.pop_front();
        if event.is_some() {
            subscription.delivered = subscription.delivered.saturating_add(1);
        }
        Ok(event)
    }

    /// How many matching events a subscription has dropped.
    pub fn dropped(&self, id: SubscriptionId) -> Result<u64, EventError> {
        self.stats(id).map(|s| s.dropped)
    }

    /// A subscription's counters.
    pub fn stats(&self, id: SubscriptionId) -> Result<SubscriptionStats, EventError> {
        self.subscriptions
            .get(&id.0)
            .map(Subscription::stats)
            .ok_or(EventError::UnknownSubscription)
    }

    /// How many events have been published.
    pub fn published(&self) -> u64 {
        self.next_seq
    }

    /// How many subscriptions are live.
    pub fn subscriptions(&self) -> usize {
        self.subscriptions.len()
    }
}
