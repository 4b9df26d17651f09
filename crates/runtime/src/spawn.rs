//! Agent lifecycle: spawn, kill, inspection.

use crate::network::DEFAULT_NET_ENDPOINTS;
use crate::shared::{Limits, Shared};
use crate::state::{AgentRecord, Execution};
use crate::{AgentCtx, Runtime, SpawnError};
use aios_abi::ENTRY_POINT;
use aios_abi::payload::{AgentInfo, AgentState, CapKind};
use aios_cap::{QuotaState, Quotas, Resource};
use aios_engine::wasmtime::{InstancePre, Store};
use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec::Vec;

/// Default scheduling weight (fair share) of an agent.
pub const DEFAULT_WEIGHT: u32 = 100;

impl Runtime {
    /// Starts an agent from the image `name`. `parent` is the spawning
    /// agent (none for agents the kernel starts). Returns the new id.
    pub fn spawn(&self, name: &str, parent: Option<u64>) -> Result<u64, SpawnError> {
        self.spawn_replacing(name, parent, None)
    }

    /// Like [`spawn`](Self::spawn), for a restart: the new agent replaces
    /// the finished agent `replaces` (of the same image) and its restart
    /// count continues from there.
    pub fn spawn_replacing(
        &self,
        name: &str,
        parent: Option<u64>,
        replaces: Option<u64>,
    ) -> Result<u64, SpawnError> {
        let images = self.inner.images.lock();
        let Some(image) = images.loaded.get(name) else {
            return Err(match images.refused.get(name) {
                Some(reason) => SpawnError::Refused {
                    name: name.to_string(),
                    reason: reason.clone(),
                },
                None => SpawnError::UnknownImage(name.to_string()),
            });
        };
        let linked = image.linked.clone();
        let manifest = image.manifest.clone();
        let publisher = image.publisher;
        drop(images);

        let now = self.inner.platform.now_ns();
        let quotas = Quotas {
            memory_pages: manifest.quotas.memory_pages,
            fuel_per_second: manifest.quotas.fuel_per_second,
            messages_per_second: manifest.quotas.messages_per_second,
            storage_bytes: manifest.quotas.storage_bytes,
            net_endpoints: manifest
                .quotas
                .net_endpoints
                .unwrap_or(DEFAULT_NET_ENDPOINTS),
            net_bytes_per_second: manifest.quotas.net_bytes_per_second,
        };
        let id = {
            let mut state = self.inner.state.lock();
            let restarts = replaces
                .and_then(|old| state.agents.get(&old))
                .filter(|old| old.name == name)
                .map_or(0, |old| old.restarts.saturating_add(1));
            let id = state.next_id;
            state.next_id += 1;
            self.inner
                .storage
                .set_io_quota(id, manifest.quotas.io_bytes_per_second);
            state.agents.insert(
                id,
                AgentRecord {
                    name: String::from(name),
                    state: AgentState::Starting,
                    exit_code: None,
                    reason: None,
                    parent,
                    last_cpu: None,
                    fuel_used: 0,
                    memory_pages: 0,
                    quota: QuotaState::new(quotas),
                    kill_requested: false,
                    exec: None,
                    window_start_ns: now,
                    window_run_ns: 0,
                    last_window_permille: 0,
                    restarts,
                    ipc: aios_abi::payload::IpcCounters::default(),
                    wake_value: None,
                },
            );
            state.caps.add_agent(id);
            id
        };

        let subject = crate::guard::Subject {
            name: String::from(name),
            publisher,
            labels: manifest.labels.clone(),
        };
        let exec = match self.instantiate(id, linked, quotas.memory_pages, subject) {
            Ok(exec) => exec,
            Err(reason) => {
                let mut state = self.inner.state.lock();
                state.finish(id, AgentState::Trapped, None, Some(reason.clone()));
                return Err(SpawnError::Instantiate {
                    name: name.to_string(),
                    reason,
                });
            }
        };

        let mut state = self.inner.state.lock();
        for request in &manifest.capabilities {
            let resource = match resource_for(request.kind, &request.resource) {
                Some(r) => r,
                None => {
                    drop(state.finish(
                        id,
                        AgentState::Trapped,
                        None,
                        Some("bad capability request".into()),
                    ));
                    return Err(SpawnError::Capabilities(alloc::format!(
                        "cannot issue a {:?} capability",
                        request.kind
                    )));
                }
            };
            if let Err(e) = state
                .caps
                .mint(id, resource, request.rights, request.quota, None)
            {
                drop(state.finish(id, AgentState::Trapped, None, Some("capabilities".into())));
                return Err(SpawnError::Capabilities(alloc::format!("{e:?}")));
            }
        }
        if let Err(reason) = self.serve_intents(&mut state, id, &manifest) {
            drop(state.finish(id, AgentState::Trapped, None, Some(reason.clone())));
            return Err(SpawnError::Capabilities(reason));
        }
        let killed_meanwhile = state.agents.get(&id).is_none_or(|r| r.state.is_final());
        if killed_meanwhile {
            return Ok(id);
        }
        if let Some(record) = state.agents.get_mut(&id) {
            record.state = AgentState::Runnable;
            record.exec = Some(exec);
        }
        let cpu = (id as usize) % self.inner.cpus;
        state.sched.add(id, DEFAULT_WEIGHT, cpu);
        drop(state);
        let detail = match parent {
            Some(parent) => alloc::format!("{name} spawned by agent {parent}"),
            None => alloc::format!("{name} spawned by the kernel"),
        };
        self.inner.audit(aios_audit::Kind::Spawn, id, &detail);
        self.inner.publish(aios_events::EventKind::AgentLifecycle {
            agent: id,
            state: AgentState::Runnable,
        });
        self.inner.platform.kick();
        Ok(id)
    }

    /// Registers the intents the manifest declares, with their schemas, and
    /// gives the agent a READ capability on each (serving is receiving).
    fn serve_intents(
        &self,
        state: &mut crate::state::State,
        id: u64,
        manifest: &aios_image::Manifest,
    ) -> Result<(), String> {
        let mut specs = Vec::with_capacity(manifest.intents.len());
        for intent in &manifest.intents {
            let spec = aios_ipc::IntentSpec::new(
                &intent.name,
                &intent.description,
                &intent.input,
                &intent.output,
            )
            .map_err(|e| alloc::format!("intent `{}`: {e}", intent.name))?;
            specs.push(spec);
            state
                .caps
                .mint(
                    id,
                    Resource::Intent(intent.name.clone()),
                    aios_abi::payload::rights::READ,
                    None,
                    None,
                )
                .map_err(|e| alloc::format!("intent capability: {e:?}"))?;
        }
        state.post.add_agent(id, specs)
    }

    /// The agent's store and its whole call as one future. The module is
    /// instantiated by the first poll, on the agent's own fiber and in its
    /// first slice, so a start function that spins is preempted like
    /// `main`.
    fn instantiate(
        &self,
        id: u64,
        linked: Result<InstancePre<AgentCtx>, String>,
        memory_pages: u32,
        subject: crate::guard::Subject,
    ) -> Result<Box<Execution>, String> {
        let linked = linked?;
        let shared = Arc::new(Shared::default());
        let ctx = AgentCtx {
            id,
            runtime: Arc::downgrade(&self.inner),
            limits: Limits::new(memory_pages, shared.clone()),
            memory: None,
            shared: shared.clone(),
            subject,
            decisions: crate::guard::DecisionCache::new(self.inner.guard.generation.clone()),
        };
        let mut store = Store::new(&self.inner.engine, ctx);
        store.limiter(|ctx| &mut ctx.limits);
        store.set_epoch_deadline(1);
        store.epoch_deadline_async_yield_and_update(1);
        let call = Box::pin(async move {
            let instance = linked.instantiate_async(&mut store).await?;
            store.data_mut().memory = instance.get_memory(&mut store, "memory");
            let main = instance.get_typed_func::<(), i32>(&mut store, ENTRY_POINT)?;
            main.call_async(&mut store, ()).await
        });
        Ok(Box::new(Execution {
            call: Some(call),
            shared,
        }))
    }

    /// Stops an agent. A running agent stops at the end of its slice.
    /// Returns false if it was not alive.
    pub fn kill(&self, id: u64) -> bool {
        let mut state = self.inner.state.lock();
        let Some(record) = state.agents.get_mut(&id) else {
            return false;
        };
        if record.state.is_final() {
            return false;
        }
        if record.exec.is_none() && record.state == AgentState::Running {
            record.kill_requested = true;
            return true;
        }
        let exec = state.finish(id, AgentState::Killed, None, Some("killed".into()));
        drop(state);
        drop(exec);
        self.inner.close_endpoints_of(id);
        // Audit and announce it now: a killed agent that never ran again
        // would otherwise wait for the next slice on some CPU.
        self.after_exits();
        true
    }

    /// One agent's record.
    pub fn info(&self, id: u64) -> Option<AgentInfo> {
        self.inner.state.lock().agents.get(&id).map(|r| r.info(id))
    }

    /// All agents still tracked (live and recently finished), by id.
    pub fn list(&self) -> Vec<AgentInfo> {
        let state = self.inner.state.lock();
        state.agents.iter().map(|(id, r)| r.info(*id)).collect()
    }

    /// Capabilities of an agent, as `cap_list` reports them.
    pub fn caps_of(&self, id: u64) -> Vec<aios_abi::payload::CapInfo> {
        let now = self.inner.platform.now_ns();
        let state = self.inner.state.lock();
        crate::syscalls::cap_infos(&state.caps, id, now)
    }

    /// Agents alive (not in a final state).
    pub fn live_count(&self) -> usize {
        let state = self.inner.state.lock();
        state
            .agents
            .values()
            .filter(|r| !r.state.is_final())
            .count()
    }

    /// Live agents holding a console capability: while there is one, the
    /// kernel leaves the serial line to it.
    pub fn console_agents(&self) -> usize {
        let now = self.inner.platform.now_ns();
        let state = self.inner.state.lock();
        state
            .agents
            .iter()
            .filter(|(id, r)| {
                !r.state.is_final() && state.caps.holds_kind(**id, CapKind::Console, now)
            })
            .count()
    }

    /// Whether the bundle has a console agent that starts at boot.
    pub fn has_boot_console(&self) -> bool {
        self.inner.images.lock().loaded.iter().any(|(_, image)| {
            image.start_at_boot
                && image
                    .manifest
                    .capabilities
                    .iter()
                    .any(|c| c.kind == CapKind::Console)
        })
    }

    /// Live capabilities in the whole system (for leak checks).
    pub fn capability_count(&self) -> usize {
        self.inner.state.lock().caps.count()
    }
}

/// The resource a manifest's capability request designates.
fn resource_for(kind: CapKind, resource: &str) -> Option<Resource> {
    let text = || String::from(resource);
    Some(match kind {
        CapKind::Agent => return None,
        CapKind::SpawnBudget => Resource::SpawnBudget,
        CapKind::Intent => Resource::Intent(text()),
        CapKind::MemoryRegion => Resource::MemoryRegion(text()),
        CapKind::StoreNamespace => Resource::StoreNamespace(text()),
        CapKind::NetEndpoint => Resource::NetEndpoint(text()),
        CapKind::Model => Resource::Model(text()),
        CapKind::EventTopic => Resource::EventTopic(text()),
        CapKind::Console => Resource::Console,
        CapKind::System => Resource::System,
        CapKind::Policy => Resource::Policy,
    })
}
