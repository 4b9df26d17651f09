//! The scheduler's state: per-agent queues, deficits and quota buckets.

use aios_cap::TokenBucket;
use alloc::collections::{BTreeMap, VecDeque};

/// Bytes of credit an agent earns per round.
pub const QUANTUM: u64 = 128 * 1024;

/// A request waiting for, or holding, the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ticket(u64);

/// The agent's I/O quota is spent: retry at `retry_at_ns`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttled {
    /// When the agent's balance is positive again.
    pub retry_at_ns: u64,
}

/// What one agent did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IoStats {
    /// Requests admitted.
    pub requests: u64,
    /// Bytes charged.
    pub bytes: u64,
    /// Requests refused by the quota.
    pub throttled: u64,
}

#[derive(Debug, Default)]
struct AgentQueue {
    quota: Option<TokenBucket>,
    deficit: u64,
    waiting: VecDeque<(Ticket, u64)>,
    stats: IoStats,
}

/// Fair queueing of device access between agents.
#[derive(Debug, Default)]
pub struct IoScheduler {
    agents: BTreeMap<u64, AgentQueue>,
    /// Agents with waiting requests, in round-robin order.
    round: VecDeque<u64>,
    holder: Option<Ticket>,
    next_ticket: u64,
}

impl IoScheduler {
    /// An idle scheduler.
    pub fn new() -> IoScheduler {
        IoScheduler::default()
    }

    /// Sets `agent`'s quota in bytes per second (`None`: unlimited).
    pub fn set_quota(&mut self, agent: u64, bytes_per_second: Option<u64>) {
        self.agents.entry(agent).or_default().quota = bytes_per_second.map(TokenBucket::new);
    }

    /// Queues a request of `cost` bytes from `agent`, or refuses it when
    /// the agent's quota is spent. The request may use the device once
    /// [`IoScheduler::may_run`] says so, and must then be [`finish`]ed.
    ///
    /// [`finish`]: IoScheduler::finish
    pub fn request(&mut self, agent: u64, cost: u64, now_ns: u64) -> Result<Ticket, Throttled> {
        let queue = self.agents.entry(agent).or_default();
        if let Some(bucket) = queue.quota.as_mut() {
            let wait = bucket.wait_ns(now_ns);
            if wait > 0 {
                queue.stats.throttled += 1;
                return Err(Throttled {
                    retry_at_ns: now_ns.saturating_add(wait),
                });
            }
            bucket.charge(cost, now_ns);
        }
        queue.stats.requests += 1;
        queue.stats.bytes = queue.stats.bytes.saturating_add(cost);
        let ticket = Ticket(self.next_ticket);
        self.next_ticket += 1;
        if queue.waiting.is_empty() {
            self.round.push_back(agent);
        }
        queue.waiting.push_back((ticket, cost));
        if self.holder.is_none() {
            self.dispatch();
        }
        Ok(ticket)
    }

    /// Whether `ticket` holds the device now.
    pub fn may_run(&self, ticket: Ticket) -> bool {
        self.holder == Some(ticket)
    }

    /// Releases the device held by `ticket` and hands it to the next
    /// request. Finishing a ticket that does not hold the device withdraws
    /// it from its queue (its owner gave up waiting).
    pub fn finish(&mut self, ticket: Ticket) {
        if self.holder == Some(ticket) {
            self.holder = None;
        } else {
            for queue in self.agents.values_mut() {
                queue.waiting.retain(|(t, _)| *t != ticket);
            }
            let agents = &self.agents;
            self.round
                .retain(|a| agents.get(a).is_some_and(|q| !q.waiting.is_empty()));
        }
        if self.holder.is_none() {
            self.dispatch();
        }
    }

    /// What `agent` has done.
    pub fn stats(&self, agent: u64) -> IoStats {
        self.agents.get(&agent).map(|q| q.stats).unwrap_or_default()
    }

    /// Forgets an agent that exited (its waiting requests are dropped).
    pub fn forget(&mut self, agent: u64) {
        self.agents.remove(&agent);
        self.round.retain(|a| *a != agent);
    }

    /// Deficit round robin: the agent at the head of the round earns a
    /// quantum; if its credit covers its first request, that request gets
    /// the device; otherwise it goes to the back with its credit.
    fn dispatch(&mut self) {
        while let Some(agent) = self.round.pop_front() {
            let Some(queue) = self.agents.get_mut(&agent) else {
                continue;
            };
            let Some(&(ticket, cost)) = queue.waiting.front() else {
                queue.deficit = 0;
                continue;
            };
            if queue.deficit < cost {
                queue.deficit = queue.deficit.saturating_add(QUANTUM);
            }
            if queue.deficit >= cost {
                queue.deficit -= cost;
                queue.waiting.pop_front();
                if queue.waiting.is_empty() {
                    queue.deficit = 0;
                } else {
                    self.round.push_front(agent);
                    // Its turn lasts while its credit does; the rotation
                    // happens in the next dispatch if credit ran out.
                    if queue.deficit < queue.waiting.front().map_or(0, |w| w.1) {
                        self.round.rotate_left(1);
                    }
                }
                self.holder = Some(ticket);
                return;
            }
            self.round.push_back(agent);
        }
    }
}
