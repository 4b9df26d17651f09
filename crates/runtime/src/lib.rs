//! The agent runtime: WebAssembly agents under `wasmi`, preempted by fuel,
//! scheduled on every CPU, talking to the kernel through the syscalls of
//! `aios-abi`, with capabilities and quotas from `aios-cap`.
//!
//! The runtime is portable: the kernel supplies a [`Platform`] (clock,
//! console, log, system facts) and calls [`Runtime::run_once`] from each
//! CPU's main loop. Host tests drive it the same way with a fake platform.
#![no_std]

extern crate alloc;

mod ai;
mod error;
mod exec;
mod guard;
mod images;
mod memory;
mod messaging;
mod park;
mod platform;
mod post;
mod resume;
mod spawn;
mod state;
mod storage;
mod syscalls;

pub use ai::InferenceStats;
pub use error::SpawnError;
pub use exec::RunOutcome;
pub use guard::BASELINE_POLICY;
pub use platform::Platform;
pub use storage::{Disk, MountError, StoreStatus};

use alloc::sync::Arc;
use images::Images;
use state::State;

/// Fuel given to an agent's start function (module initialisation).
pub const START_FUEL: u64 = 10_000_000;

/// The runtime: agents, their capabilities, and the scheduler.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    platform: Arc<dyn Platform>,
    engine: wasmi::Engine,
    linker: wasmi::Linker<AgentCtx>,
    images: spin::Mutex<Images>,
    state: spin::Mutex<State>,
    guard: guard::Guard,
    storage: Arc<storage::Storage>,
    models: spin::Mutex<ai::Models>,
    /// The memory fabric (`None` only if it could not be set up).
    memory: spin::Mutex<Option<ai::Memory>>,
    /// The inference scheduler.
    inference: ai::Inference,
    /// Per CPU: whether its next turn goes to inference (turns alternate
    /// with agent slices while both have work).
    infer_next: alloc::vec::Vec<core::sync::atomic::AtomicBool>,
    cpus: usize,
}

impl Runtime {
    /// Mounts `disk` as the object store behind the `store_*` syscalls
    /// (replaying its journal after a crash) and reloads the persistent
    /// memory-fabric regions kept there.
    pub fn attach_store(&self, disk: Disk) -> Result<StoreStatus, MountError> {
        let mut status = self.inner.storage.mount(disk)?;
        status.audit = self.inner.resume_audit();
        self.inner.reload_memory();
        self.inner.models.lock().retry();
        Ok(status)
    }

    /// The mounted store's state, if there is one.
    pub fn store_status(&self) -> Option<StoreStatus> {
        self.inner.storage.status()
    }

    /// Checkpoints the store so the next mount replays nothing. Every
    /// acknowledged write is already durable; this only shortens recovery.
    pub fn sync_store(&self) -> Result<(), aios_store::Error> {
        self.inner.flush_audit();
        self.inner.storage.sync()
    }
}

/// What every agent's `wasmi::Store` carries.
pub(crate) struct AgentCtx {
    id: u64,
    runtime: alloc::sync::Weak<Inner>,
    limits: wasmi::StoreLimits,
    /// Fuel left when the agent called `yield`, which ends the slice by
    /// emptying the tank: not to be charged to the agent.
    unburnt_fuel: Option<u64>,
    /// Who the agent is, for the policy engine.
    subject: guard::Subject,
}

impl Runtime {
    /// A runtime for `cpus` CPUs on `platform`, with no images loaded.
    pub fn new(platform: Arc<dyn Platform>, cpus: usize) -> Runtime {
        let mut config = wasmi::Config::default();
        config.consume_fuel(true);
        // Compile whole modules when images load: lazy compilation would
        // charge the compile to the agent's fuel in a way that cannot be
        // resumed after preemption.
        config.compilation_mode(wasmi::CompilationMode::Eager);
        let engine = wasmi::Engine::new(&config);
        let guard = guard::Guard::new(platform.random_seed(), platform.now_ns());
        let storage = Arc::new(storage::Storage::new());
        let memory = ai::Memory::new(storage.clone(), platform.clone());
        let inner = Arc::new_cyclic(|_| Inner {
            platform,
            linker: syscalls::linker(&engine),
            engine,
            images: spin::Mutex::new(Images::default()),
            state: spin::Mutex::new(State::new(cpus.max(1))),
            guard,
            storage,
            models: spin::Mutex::new(ai::Models::default()),
            memory: spin::Mutex::new(memory),
            inference: ai::Inference::default(),
            infer_next: (0..cpus.max(1))
                .map(|_| core::sync::atomic::AtomicBool::new(true))
                .collect(),
            cpus: cpus.max(1),
        });
        Runtime { inner }
    }
}
