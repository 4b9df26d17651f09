//! The runtime's shared state: agent records, capabilities, scheduler.

use crate::post::{Post, RETRY, Wake};
use crate::shared::Shared;
use aios_abi::payload::{AgentInfo, AgentState};
use aios_cap::{CapSpace, QuotaState};
use aios_sched::Scheduler;
use alloc::boxed::Box;
use alloc::collections::{BTreeMap, VecDeque};
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;

/// How many finished agents stay visible (for `agents` and supervisors).
pub(crate) const FINISHED_KEPT: usize = 64;
/// Window over which CPU share is measured.
pub(crate) const CPU_WINDOW_NS: u64 = 1_000_000_000;

/// An agent's whole life as one future: instantiation, then its `main`
/// on its own fiber. It owns the agent's store; polling it runs the agent
/// until it ends, yields to the epoch, or parks in a syscall.
pub(crate) type Call = Pin<Box<dyn Future<Output = aios_engine::wasmtime::Result<i32>> + Send>>;

/// An agent's execution state: moved out of the table while a CPU runs it.
pub(crate) struct Execution {
    /// Taken while a slice runs.
    pub(crate) call: Option<Call>,
    /// What the agent's syscalls and the scheduler tell each other.
    pub(crate) shared: Arc<Shared>,
}

/// Everything the kernel tracks about one agent.
pub(crate) struct AgentRecord {
    pub(crate) name: String,
    pub(crate) state: AgentState,
    pub(crate) exit_code: Option<i32>,
    pub(crate) reason: Option<String>,
    pub(crate) parent: Option<u64>,
    pub(crate) last_cpu: Option<u32>,
    pub(crate) fuel_used: u64,
    pub(crate) memory_pages: u32,
    pub(crate) quota: QuotaState,
    /// Set by `kill` while another CPU runs the agent.
    pub(crate) kill_requested: bool,
    /// Present unless a CPU is running the agent or it has finished.
    pub(crate) exec: Option<Box<Execution>>,
    pub(crate) window_start_ns: u64,
    pub(crate) window_run_ns: u64,
    pub(crate) last_window_permille: u32,
    pub(crate) restarts: u32,
    pub(crate) ipc: aios_abi::payload::IpcCounters,
    /// The value a syscall parked in (a blocked send) resumes with, once
    /// the post office has decided it.
    pub(crate) wake_value: Option<i64>,
}

impl AgentRecord {
    pub(crate) fn info(&self, id: u64) -> AgentInfo {
        AgentInfo {
            id,
            name: self.name.clone(),
            state: self.state,
            exit_code: self.exit_code,
            reason: self.reason.clone(),
            memory_pages: self.memory_pages,
            fuel_used: self.fuel_used,
            cpu_permille: self.last_window_permille,
            parent: self.parent,
            last_cpu: self.last_cpu,
            restarts: self.restarts,
            ipc: self.ipc,
        }
    }

    /// Accounts `ns` of CPU time at `now`, rolling the 1 s window.
    pub(crate) fn account_cpu(&mut self, ns: u64, now: u64) {
        if now.saturating_sub(self.window_start_ns) >= CPU_WINDOW_NS {
            let span = now.saturating_sub(self.window_start_ns).max(1);
            self.last_window_permille = ((u128::from(self.window_run_ns) * 1000 / u128::from(span))
                as u64)
                .min(1000) as u32;
            self.window_start_ns = now;
            self.window_run_ns = 0;
        }
        self.window_run_ns = self.window_run_ns.saturating_add(ns);
    }
}

/// The lock-protected part of the runtime.
pub(crate) struct State {
    pub(crate) agents: BTreeMap<u64, AgentRecord>,
    pub(crate) finished: VecDeque<u64>,
    pub(crate) caps: CapSpace,
    pub(crate) sched: Scheduler,
    pub(crate) next_id: u64,
    pub(crate) post: Post,
    /// Agents finished since the runtime last ran its after-exit work
    /// (audit, events, subscriptions), with how they ended.
    pub(crate) ended: Vec<(u64, AgentState, Option<String>)>,
    /// Agents parked in a network syscall, woken when the network service
    /// has moved (see [`State::wake_net_waiters`]).
    pub(crate) net_waiters: alloc::collections::BTreeSet<u64>,
    /// The engine, whose epoch a wake-up advances (see [`State::wake`]).
    engine: aios_engine::wasmtime::Engine,
}

impl State {
    pub(crate) fn new(cpus: usize, engine: aios_engine::wasmtime::Engine) -> State {
        State {
            engine,
            agents: BTreeMap::new(),
            finished: VecDeque::new(),
            caps: CapSpace::new(),
            sched: Scheduler::new(cpus),
            next_id: 1,
            post: Post::new(),
            ended: Vec::new(),
            net_waiters: alloc::collections::BTreeSet::new(),
        }
    }

    /// Moves an agent to a final state: drops its execution, capabilities
    /// and scheduler entry; keeps the record for a while for inspection.
    pub(crate) fn finish(
        &mut self,
        id: u64,
        state: AgentState,
        exit_code: Option<i32>,
        reason: Option<String>,
    ) -> Option<Box<Execution>> {
        let record = self.agents.get_mut(&id)?;
        if record.state.is_final() {
            return None;
        }
        record.state = state;
        record.exit_code = exit_code;
        record.reason = reason.clone();
        record.kill_requested = false;
        let exec = record.exec.take();
        self.sched.remove(id);
        self.caps.remove_agent(id);
        let wakes = self.post.remove_agent(id);
        self.apply(&wakes);
        let detail = match (exit_code, reason) {
            (Some(code), _) => Some(alloc::format!("exit code {code}")),
            (None, reason) => reason,
        };
        self.ended.push((id, state, detail));
        self.finished.push_back(id);
        while self.finished.len() > FINISHED_KEPT {
            if let Some(old) = self.finished.pop_front() {
                self.agents.remove(&old);
            }
        }
        exec
    }
}

impl State {
    /// Resumes the agents the post office finished with: a parked sender
    /// gets its result, a parked receiver looks at its mailbox again.
    pub(crate) fn apply(&mut self, wakes: &[Wake]) {
        for wake in wakes {
            if wake.value == RETRY {
                self.wake_receiver(wake.agent);
                continue;
            }
            if let Some(record) = self.agents.get_mut(&wake.agent) {
                if record.state.is_final() {
                    continue;
                }
                record.wake_value = Some(wake.value);
                self.wake(wake.agent);
            }
        }
    }

    /// Wakes an agent parked in `semantic_recv` (and only such an agent:
    /// a sleeper must not wake early).
    pub(crate) fn wake_receiver(&mut self, agent: u64) {
        if !self.post.receiving.contains(&agent) {
            return;
        }
        self.wake(agent);
    }

    /// Wakes every agent parked in a network syscall; each looks at its
    /// endpoint or probe and parks again if it still has to wait. Returns
    /// how many were woken.
    pub(crate) fn wake_net_waiters(&mut self) -> usize {
        let waiters = core::mem::take(&mut self.net_waiters);
        for &agent in &waiters {
            self.wake(agent);
        }
        waiters.len()
    }

    /// Makes a blocked agent runnable on the CPU it last ran on and advances the epoch, so
    /// the agents running now end their slices at their next check and
    /// each CPU picks again by fair share: a woken agent (a message's
    /// receiver, a sender given room) runs within microseconds, not at
    /// the next timer tick, even on CPUs busy with spinners.
    fn wake(&mut self, agent: u64) {
        let cpu = self
            .agents
            .get(&agent)
            .and_then(|r| r.last_cpu)
            .unwrap_or(0) as usize;
        self.sched.wake(agent, cpu);
        self.engine.increment_epoch();
    }
}
