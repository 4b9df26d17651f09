//! The agent runtime: WebAssembly agents compiled ahead of time and run by
//! Wasmtime (through `aios-engine`), each on its own fiber, preempted when
//! the engine's epoch ticks, scheduled on every CPU, talking to the kernel
//! through the syscalls of `aios-abi`, with capabilities and quotas from
//! `aios-cap`.
//!
//! The runtime is portable: the kernel supplies a [`Platform`] (clock,
//! console, log, system facts), calls [`Runtime::run_once`] from each CPU's
//! main loop and [`Runtime::tick`] from its timer. Host tests drive it the
//! same way with a fake platform and a ticking thread.
#![no_std]

extern crate alloc;

mod ai;
mod api;
mod deploy;
mod error;
mod exec;
mod guard;
mod images;
mod memory;
mod messaging;
mod network;
mod park;
mod peers;
mod platform;
mod post;
mod resume;
mod shared;
mod spawn;
mod state;
mod storage;
mod syscalls;
mod tokens;

pub use ai::InferenceStats;
pub use api::{ApiError, ApiReply, AuditCheck, AuditSlice, memory_region};
pub use deploy::{DeployedImage, MAX_DEPLOYED};
pub use error::{SpawnError, StartError};
pub use exec::RunOutcome;
pub use guard::BASELINE_POLICY;
pub use network::TRUST_STORE;
pub use peers::{MAX_PEERS, MAX_REMOTE_INTENTS};
pub use platform::Platform;
pub use storage::{Disk, MountError, StoreStatus};
pub use tokens::{API_TOKENS, TokenRefused};

use aios_engine::wasmtime;
use alloc::sync::Arc;
use images::Images;
use state::State;

/// The runtime: agents, their capabilities, and the scheduler.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    platform: Arc<dyn Platform>,
    engine: wasmtime::Engine,
    linker: wasmtime::Linker<AgentCtx>,
    images: spin::Mutex<Images>,
    state: spin::Mutex<State>,
    guard: guard::Guard,
    storage: Arc<storage::Storage>,
    models: spin::Mutex<ai::Models>,
    /// The memory fabric (`None` only if it could not be set up).
    memory: spin::Mutex<Option<ai::Memory>>,
    /// The inference scheduler.
    inference: ai::Inference,
    /// The API's requests waiting for replies.
    api: spin::Mutex<api::Waiting>,
    /// Linked nodes (taken before `state`).
    peers: spin::Mutex<peers::Peers>,
    /// The network service, once the kernel attached one.
    net: spin::Once<Arc<aios_net::Net>>,
    /// Which agent owns each open endpoint.
    net_owners: spin::Mutex<network::Owners>,
    /// What agents' TLS streams verify servers with, once the kernel
    /// attached it (the error says why there is none).
    /// The configuration and the number of roots it trusts.
    tls_client: spin::Once<Result<(aios_tls::ClientConfig, usize), alloc::string::String>>,
    /// The API tokens: the bundle's and the minted ones.
    tokens: spin::Mutex<tokens::ApiTokens>,
    /// Per CPU: whether its next turn goes to inference (turns alternate
    /// with agent slices while both have work).
    infer_next: alloc::vec::Vec<core::sync::atomic::AtomicBool>,
    cpus: usize,
}

impl Runtime {
    /// Mounts `disk` as the object store behind the `store_*` syscalls
    /// (replaying its journal after a crash) and reloads the persistent
    /// memory-fabric regions, the minted API tokens and the deployed
    /// agent images kept there (call [`load_bundle`](Self::load_bundle)
    /// first: deployed images are verified against its publishers).
    pub fn attach_store(&self, disk: Disk) -> Result<StoreStatus, MountError> {
        let mut status = self.inner.storage.mount(disk)?;
        status.audit = self.inner.resume_audit();
        self.inner.reload_memory();
        self.inner.reload_tokens();
        self.reload_images();
        self.inner.models.lock().retry();
        Ok(status)
    }

    /// Hands the network service to the `net_*` syscalls (once; a second
    /// call is ignored).
    pub fn attach_network(&self, net: Arc<aios_net::Net>) {
        self.inner.net.call_once(|| net);
    }

    /// Sets up TLS for agents' streams (once; a second call is ignored):
    /// servers are verified against the PEM certificates in `trust` (the
    /// bundle's [`TRUST_STORE`] entry) with `crypto` and `clock`, the
    /// hybrid group offered first. Returns how many roots it trusts, or
    /// why agents cannot use TLS (then `net_connect_tls` is `Unavailable`).
    pub fn attach_tls(
        &self,
        crypto: &'static aios_tls::Crypto,
        clock: Arc<dyn aios_tls::Clock>,
        trust: Option<&[u8]>,
    ) -> Result<usize, alloc::string::String> {
        let outcome = self.inner.tls_client.call_once(|| {
            let trust = trust.ok_or_else(|| alloc::format!("the bundle has no {TRUST_STORE}"))?;
            let roots = aios_tls::TrustStore::from_pem(trust)
                .map_err(|e| alloc::format!("{TRUST_STORE}: {e}"))?;
            aios_tls::ClientConfig::new(crypto, clock, &roots, &aios_tls::Policy::default())
                .map(|config| (config, roots.len()))
                .map_err(|e| alloc::format!("TLS client: {e}"))
        });
        outcome
            .as_ref()
            .map(|(_, roots)| *roots)
            .map_err(Clone::clone)
    }

    /// The network service has just been polled (frames came or went, or
    /// a timer fired): agents waiting in network syscalls look again now
    /// rather than at their next 1 ms check.
    pub fn network_moved(&self) {
        if self.inner.state.lock().wake_net_waiters() > 0 {
            self.inner.platform.kick();
        }
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

/// What every agent's `wasmtime::Store` carries.
pub(crate) struct AgentCtx {
    id: u64,
    runtime: alloc::sync::Weak<Inner>,
    limits: shared::Limits,
    /// The agent's exported linear memory, once instantiated.
    memory: Option<wasmtime::Memory>,
    /// What the agent's syscalls and the CPU that runs it tell each other.
    shared: Arc<shared::Shared>,
    /// Who the agent is, for the policy engine.
    subject: guard::Subject,
    /// The policy's allows this agent has had, for the policy in force.
    decisions: guard::DecisionCache,
}

impl Runtime {
    /// A runtime for `cpus` CPUs on `platform`, with no images loaded.
    /// Fails only if the engine cannot run here (a CPU feature compiled
    /// agents use is missing).
    pub fn new(platform: Arc<dyn Platform>, cpus: usize) -> Result<Runtime, StartError> {
        let engine = aios_engine::runtime_engine().map_err(StartError)?;
        let guard = guard::Guard::new(platform.random_seed(), platform.now_ns());
        let storage = Arc::new(storage::Storage::new());
        let memory = ai::Memory::new(storage.clone(), platform.clone());
        let state = State::new(cpus.max(1), engine.clone());
        let inner = Arc::new_cyclic(|_| Inner {
            platform,
            linker: syscalls::linker(&engine),
            engine,
            images: spin::Mutex::new(Images::default()),
            state: spin::Mutex::new(state),
            guard,
            storage,
            models: spin::Mutex::new(ai::Models::default()),
            memory: spin::Mutex::new(memory),
            inference: ai::Inference::default(),
            api: spin::Mutex::new(api::Waiting::default()),
            peers: spin::Mutex::new(peers::Peers::default()),
            net: spin::Once::new(),
            net_owners: spin::Mutex::new(network::Owners::default()),
            tls_client: spin::Once::new(),
            tokens: spin::Mutex::new(tokens::ApiTokens::default()),
            infer_next: (0..cpus.max(1))
                .map(|_| core::sync::atomic::AtomicBool::new(true))
                .collect(),
            cpus: cpus.max(1),
        });
        Ok(Runtime { inner })
    }

    /// Advances the engine's epoch: every agent running now ends its slice
    /// at its next loop head or call. The kernel calls this from its timer
    /// interrupt (it is one atomic add); host tests from a thread.
    pub fn tick(&self) {
        self.inner.engine.increment_epoch();
    }

    /// A handle that ticks this runtime's epoch without keeping the
    /// runtime alive (for a timer thread on the host).
    pub fn ticker(&self) -> Ticker {
        Ticker(Arc::downgrade(&self.inner))
    }
}

/// Ticks a runtime's epoch while the runtime exists.
#[derive(Clone)]
pub struct Ticker(alloc::sync::Weak<Inner>);

impl Ticker {
    /// Advances the epoch; false once the runtime is gone.
    pub fn tick(&self) -> bool {
        match self.0.upgrade() {
            Some(inner) => {
                inner.engine.increment_epoch();
                true
            }
            None => false,
        }
    }
}
