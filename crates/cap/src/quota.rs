//! Per-agent resource quotas from the manifest, and their enforcement.

use crate::bucket::TokenBucket;
use crate::error::CapError;

/// The limits an agent's manifest grants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotas {
    /// Most 64 KiB Wasm pages its linear memory may have.
    pub memory_pages: u32,
    /// Fuel it may burn per second (its CPU share).
    pub fuel_per_second: u64,
    /// Messages it may send per second.
    pub messages_per_second: u32,
    /// Bytes it may keep in the object store.
    pub storage_bytes: u64,
    /// Network endpoints it may have open at once.
    pub net_endpoints: u32,
    /// Bytes per second it may send and receive on the network (`None`:
    /// unlimited).
    pub net_bytes_per_second: Option<u64>,
}

/// Enforcement state of one agent's [`Quotas`]. Rates are token buckets
/// holding at most one second's worth, starting full.
#[derive(Debug, Clone)]
pub struct QuotaState {
    quotas: Quotas,
    fuel: TokenBucket,
    messages: TokenBucket,
    net: Option<TokenBucket>,
}

impl QuotaState {
    /// Fresh state for an agent with quotas `q`.
    pub fn new(q: Quotas) -> Self {
        QuotaState {
            quotas: q,
            fuel: TokenBucket::new(q.fuel_per_second),
            messages: TokenBucket::new(u64::from(q.messages_per_second)),
            net: q.net_bytes_per_second.map(TokenBucket::new),
        }
    }

    /// The quotas being enforced.
    pub fn quotas(&self) -> Quotas {
        self.quotas
    }

    /// Allows growing linear memory from `current_pages` by `extra` pages if
    /// the result stays within `memory_pages`.
    pub fn try_grow_memory(&mut self, current_pages: u32, extra: u32) -> Result<(), CapError> {
        let total = current_pages
            .checked_add(extra)
            .ok_or(CapError::QuotaExceeded)?;
        if total > self.quotas.memory_pages {
            return Err(CapError::QuotaExceeded);
        }
        Ok(())
    }

    /// Accounts `fuel` burnt by the agent. Burning more than the allowance
    /// is recorded as debt that later refills repay.
    pub fn charge_fuel(&mut self, fuel: u64, now_ns: u64) {
        self.fuel.charge(fuel, now_ns);
    }

    /// Fuel the agent may still burn now: refilled at `fuel_per_second`,
    /// holding at most one second's worth.
    pub fn fuel_allowance(&mut self, now_ns: u64) -> u64 {
        self.fuel.available(now_ns)
    }

    /// Takes one message from the `messages_per_second` budget, or refuses
    /// with [`CapError::QuotaExceeded`] if none is left.
    pub fn try_message(&mut self, now_ns: u64) -> Result<(), CapError> {
        if self.messages.try_take(1, now_ns) {
            Ok(())
        } else {
            Err(CapError::QuotaExceeded)
        }
    }

    /// Network bytes the agent may move now (`u64::MAX`: unlimited).
    pub fn net_allowance(&mut self, now_ns: u64) -> u64 {
        self.net.as_mut().map_or(u64::MAX, |b| b.available(now_ns))
    }

    /// Accounts `bytes` moved on the network.
    pub fn charge_net(&mut self, bytes: u64, now_ns: u64) {
        if let Some(bucket) = self.net.as_mut() {
            bucket.charge(bytes, now_ns);
        }
    }

    /// Allows storing `extra` bytes on top of `used_bytes` if the total stays
    /// within `storage_bytes`.
    pub fn try_store(&mut self, used_bytes: u64, extra: u64) -> Result<(), CapError> {
        let total = used_bytes
            .checked_add(extra)
            .ok_or(CapError::QuotaExceeded)?;
        if total > self.quotas.storage_bytes {
            return Err(CapError::QuotaExceeded);
        }
        Ok(())
    }
}
