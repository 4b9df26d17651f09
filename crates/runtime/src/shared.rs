//! What an agent's store and the CPU running it share: the store lives
//! inside the agent's suspended call, so a syscall that parks leaves its
//! reason here for the scheduler, and the scheduler leaves what a parked
//! send resumes with. Also the store's resource limiter.

use crate::park::Park;
use aios_engine::wasmtime;
use core::sync::atomic::{AtomicU32, Ordering};

/// Largest number of table elements an agent may have.
const MAX_TABLE_ELEMENTS: usize = 65_536;

/// Shared between an agent's store and its execution record.
#[derive(Default)]
pub(crate) struct Shared {
    park: spin::Mutex<Option<Park>>,
    wake_value: spin::Mutex<Option<i64>>,
    memory_pages: AtomicU32,
}

impl Shared {
    /// Called by a syscall that suspends the agent.
    pub(crate) fn park(&self, park: Park) {
        *self.park.lock() = Some(park);
    }

    /// Why the agent's call is suspended (`None`: it was preempted or
    /// yielded).
    pub(crate) fn take_park(&self) -> Option<Park> {
        self.park.lock().take()
    }

    /// What a parked send resumes with, left by the scheduler.
    pub(crate) fn set_wake_value(&self, value: Option<i64>) {
        *self.wake_value.lock() = value;
    }

    /// Takes the value a parked send resumes with.
    pub(crate) fn take_wake_value(&self) -> Option<i64> {
        self.wake_value.lock().take()
    }

    /// The agent's linear memory size, in Wasm pages.
    pub(crate) fn memory_pages(&self) -> u32 {
        self.memory_pages.load(Ordering::Relaxed)
    }
}

/// The store's limits: one instance, one memory of at most the manifest's
/// pages, a few tables. A refused `memory.grow` returns -1 to the agent.
pub(crate) struct Limits {
    max_memory_bytes: usize,
    shared: alloc::sync::Arc<Shared>,
}

impl Limits {
    pub(crate) fn new(memory_pages: u32, shared: alloc::sync::Arc<Shared>) -> Limits {
        let bytes = u64::from(memory_pages).saturating_mul(aios_abi::WASM_PAGE);
        Limits {
            max_memory_bytes: usize::try_from(bytes).unwrap_or(usize::MAX),
            shared,
        }
    }
}

impl wasmtime::ResourceLimiter for Limits {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.max_memory_bytes {
            return Ok(false);
        }
        let pages = desired as u64 / aios_abi::WASM_PAGE;
        self.shared
            .memory_pages
            .store(u32::try_from(pages).unwrap_or(u32::MAX), Ordering::Relaxed);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }

    fn instances(&self) -> usize {
        1
    }

    fn memories(&self) -> usize {
        1
    }

    fn tables(&self) -> usize {
        4
    }
}
