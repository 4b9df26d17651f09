//! Event subscriptions: which agent owns which, and what a topic allows.

use crate::Inner;
use aios_abi::Error;
use aios_abi::payload::EventFilter;
use aios_events::{Category, CategorySet, Event, Filter, SubscriptionId};
use alloc::collections::BTreeMap;

/// Events a subscription queues before it starts dropping (and counting).
pub(crate) const SUBSCRIPTION_CAPACITY: usize = 256;

/// Subscription id → owning agent.
#[derive(Default)]
pub(crate) struct Subscriptions {
    owner: BTreeMap<u64, u64>,
}

/// The categories an event-topic capability's resource names: `*` for all,
/// else a comma-separated list of `agent`, `ipc`, `capability`, `policy`,
/// `device`, `security`.
pub(crate) fn topic_categories(resource: &str) -> Option<CategorySet> {
    if resource == "*" {
        return Some(Category::ALL.into_iter().collect());
    }
    let mut set = CategorySet::EMPTY;
    for name in resource.split(',').map(str::trim) {
        set = set.with(Category::from_name(name)?);
    }
    (!set.is_empty()).then_some(set)
}

impl Inner {
    /// Subscribes `me` to the events a topic allows, narrowed by `filter`.
    pub(crate) fn subscribe(
        &self,
        me: u64,
        topic: &str,
        filter: &EventFilter,
    ) -> Result<u64, Error> {
        let allowed = topic_categories(topic).ok_or(Error::InvalidArgument)?;
        let wanted: CategorySet = if filter.categories == 0 {
            allowed
        } else {
            Category::ALL
                .into_iter()
                .enumerate()
                .filter(|(bit, _)| filter.categories & (1 << bit) != 0)
                .map(|(_, c)| c)
                .filter(|c| allowed.contains(*c))
                .collect()
        };
        if filter.categories >> Category::ALL.len() != 0 {
            return Err(Error::InvalidArgument);
        }
        if wanted.is_empty() {
            return Err(Error::PermissionDenied);
        }
        let mut bus_filter = Filter::categories(wanted);
        if let Some(agent) = filter.agent {
            bus_filter = bus_filter.for_agent(agent);
        }
        let id = self
            .guard
            .events
            .lock()
            .subscribe(bus_filter, SUBSCRIPTION_CAPACITY)
            .map_err(|_| Error::QuotaExceeded)?
            .to_raw();
        self.guard.subscriptions.lock().owner.insert(id, me);
        Ok(id)
    }

    /// The next event of `me`'s subscription `sub`, if one is queued.
    pub(crate) fn next_event(&self, me: u64, sub: u64) -> Result<Option<Event>, Error> {
        if self.guard.subscriptions.lock().owner.get(&sub) != Some(&me) {
            return Err(Error::StaleHandle);
        }
        self.guard
            .events
            .lock()
            .next(SubscriptionId::from_raw(sub))
            .map_err(|_| Error::StaleHandle)
    }

    /// Drops `me`'s subscription `sub` (if it is `me`'s).
    pub(crate) fn unsubscribe(&self, me: u64, sub: u64) {
        let mut subs = self.guard.subscriptions.lock();
        if subs.owner.get(&sub) != Some(&me) {
            return;
        }
        subs.owner.remove(&sub);
        drop(subs);
        let _ = self
            .guard
            .events
            .lock()
            .unsubscribe(SubscriptionId::from_raw(sub));
    }

    /// Drops every subscription of an agent that stopped.
    pub(crate) fn drop_subscriptions(&self, agent: u64) {
        let mine: alloc::vec::Vec<u64> = {
            let mut subs = self.guard.subscriptions.lock();
            let mine = subs
                .owner
                .iter()
                .filter(|(_, owner)| **owner == agent)
                .map(|(sub, _)| *sub)
                .collect();
            subs.owner.retain(|_, owner| *owner != agent);
            mine
        };
        self.guard.exports.lock().remove(&agent);
        let mut bus = self.guard.events.lock();
        for sub in mine {
            let _ = bus.unsubscribe(SubscriptionId::from_raw(sub));
        }
    }
}
