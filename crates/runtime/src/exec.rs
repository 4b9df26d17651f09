//! Running agents: one slice at a time on whichever CPU calls
//! [`Runtime::run_once`]. A slice polls the agent's call once: it runs
//! compiled code on the agent's fiber until the epoch ticks (back on the
//! run queue), a syscall parks it (off the queues until its wake-up), or
//! it returns, traps or is killed (finished). CPU use is charged in
//! nanoseconds of the slice.

use crate::Runtime;
use crate::park::Park;
use crate::state::Execution;
use aios_abi::payload::AgentState;
use alloc::boxed::Box;
use alloc::string::ToString;
use core::task::{Context, Poll, Waker};

/// How often a parked console reader looks for input.
const CONSOLE_POLL_NS: u64 = 10_000_000;
/// How often an agent waiting for the network looks again if no poll of
/// the network service wakes it first (`Runtime::network_moved`).
const NET_POLL_NS: u64 = 1_000_000;

/// What one call of [`Runtime::run_once`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    /// Ran (or retired) an agent; call again.
    Ran,
    /// Nothing to run on this CPU now; the earliest timed wake-up, if any.
    Idle(Option<u64>),
}

/// What to do with the agent after its slice.
enum Next {
    Requeue,
    Park(Park),
    Finish(AgentState, Option<i32>, Option<alloc::string::String>),
}

impl Runtime {
    /// While inference and agents both have work, a CPU alternates: an
    /// inference turn (one token step), then an agent slice. True if this
    /// call took the inference turn.
    fn inference_first(&self, cpu: usize) -> bool {
        use core::sync::atomic::Ordering;
        let inner = &self.inner;
        let Some(flag) = inner.infer_next.get(cpu) else {
            return false;
        };
        if !inner.inference.has_work() {
            return false;
        }
        if flag.swap(false, Ordering::Relaxed) {
            inner.infer_turn()
        } else {
            flag.store(true, Ordering::Relaxed);
            false
        }
    }

    /// Runs one slice of one agent on `cpu` (an index below the CPU count
    /// the runtime was made with).
    pub fn run_once(&self, cpu: usize) -> RunOutcome {
        let platform = &self.inner.platform;
        let now = platform.now_ns();
        self.after_exits();
        if self.inference_first(cpu) {
            return RunOutcome::Ran;
        }
        let (id, mut exec, wake_value) = {
            let mut state = self.inner.state.lock();
            state.expire_messages(now);
            state.sched.wake_expired(now, cpu);
            let Some(id) = state.sched.pick(cpu) else {
                let timer = state.sched.next_wake_ns();
                let deadline = state.post.earliest;
                drop(state);
                // No agent to run: inference may have the CPU.
                if self.inner.inference.has_work() && self.inner.infer_turn() {
                    return RunOutcome::Ran;
                }
                // Idle: sign what the audit log appended meanwhile. Work
                // queued by other CPUs in the meantime kicks this one.
                self.inner.sign_audit_when_idle();
                let next = match (timer, deadline) {
                    (Some(a), Some(b)) => Some(a.min(b.saturating_add(1))),
                    (a, b) => a.or(b.map(|d| d.saturating_add(1))),
                };
                return RunOutcome::Idle(next);
            };
            // Picked to run: a later network poll must not wake it from
            // whatever it waits for next (a sleep would end early).
            state.net_waiters.remove(&id);
            let Some(record) = state.agents.get_mut(&id) else {
                state.sched.remove(id);
                return RunOutcome::Ran;
            };
            if record.kill_requested {
                let exec = state.finish(id, AgentState::Killed, None, Some("killed".into()));
                drop(state);
                drop(exec);
                self.inner.close_endpoints_of(id);
                return RunOutcome::Ran;
            }
            let Some(exec) = record.exec.take() else {
                state.sched.remove(id);
                return RunOutcome::Ran;
            };
            if record.quota.fuel_allowance(now) == 0 {
                // CPU quota used up for this second: park until it refills.
                record.exec = Some(exec);
                record.state = AgentState::Blocked;
                let refill = now + 1_000_000_000 / 100;
                state.sched.throttle_until(id, refill);
                return RunOutcome::Ran;
            }
            record.state = AgentState::Running;
            record.last_cpu = Some(cpu as u32);
            let wake_value = record.wake_value.take();
            (id, exec, wake_value)
        };

        let started = platform.now_ns();
        let next = self.run_slice(&mut exec, wake_value);
        let ended = platform.now_ns();
        let used = ended.saturating_sub(started);

        let mut state = self.inner.state.lock();
        state.sched.charge(id, used);
        let kill_requested = state.agents.get(&id).is_some_and(|r| r.kill_requested);
        let Some(record) = state.agents.get_mut(&id) else {
            return RunOutcome::Ran;
        };
        record.fuel_used = record.fuel_used.saturating_add(used);
        record.quota.charge_fuel(used, ended);
        record.account_cpu(ended.saturating_sub(started), ended);
        record.memory_pages = exec.shared.memory_pages();
        let next = if kill_requested {
            Next::Finish(AgentState::Killed, None, Some("killed".to_string()))
        } else {
            next
        };
        match next {
            Next::Requeue => {
                record.state = AgentState::Runnable;
                record.exec = Some(exec);
                state.sched.requeue(id, cpu);
            }
            Next::Park(park) => {
                record.state = AgentState::Blocked;
                let ready_value = record.wake_value.is_some();
                record.exec = Some(exec);
                let wake = match park {
                    Park::Sleep { until } => Some(until),
                    Park::ConsoleRead { deadline, .. } => {
                        Some(deadline.min(ended + CONSOLE_POLL_NS))
                    }
                    Park::Exit(_) => Some(ended),
                    Park::Event { deadline, .. } => Some(deadline.min(ended + CONSOLE_POLL_NS)),
                    Park::Ping { .. } | Park::Net { .. } => {
                        state.net_waiters.insert(id);
                        Some(ended + NET_POLL_NS)
                    }
                    // Mail that arrived while the slice ended must not be
                    // missed: look again under the lock before sleeping.
                    Park::Recv {
                        filter, deadline, ..
                    } => {
                        if state.post.has_mail(id, &filter, ended) {
                            None
                        } else {
                            state.post.wait_for_mail(id);
                            Some(deadline)
                        }
                    }
                    Park::Send => (!ready_value).then_some(u64::MAX),
                };
                match wake {
                    Some(wake) => state.sched.sleep_until(id, wake),
                    None => {
                        if let Some(record) = state.agents.get_mut(&id) {
                            record.state = AgentState::Runnable;
                        }
                        state.sched.requeue(id, cpu);
                    }
                }
            }
            Next::Finish(final_state, code, reason) => {
                record.exec = Some(exec);
                let exec = state.finish(id, final_state, code, reason);
                drop(state);
                drop(exec);
                self.inner.close_endpoints_of(id);
            }
        }
        RunOutcome::Ran
    }

    /// Runs or resumes the agent's call for one slice; returns what to do
    /// next. `wake_value` is what a parked send resumes with.
    fn run_slice(&self, exec: &mut Box<Execution>, wake_value: Option<i64>) -> Next {
        let Some(mut call) = exec.call.take() else {
            return Next::Finish(
                AgentState::Trapped,
                None,
                Some("lost its call state".into()),
            );
        };
        exec.shared.set_wake_value(wake_value);
        // Nothing wakes an agent's future but the scheduler, which polls
        // it again when the agent is runnable: the waker has nothing to do.
        let mut context = Context::from_waker(Waker::noop());
        match call.as_mut().poll(&mut context) {
            Poll::Pending => {
                exec.call = Some(call);
                match exec.shared.take_park() {
                    Some(park) => Next::Park(park),
                    None => Next::Requeue,
                }
            }
            Poll::Ready(Ok(code)) => Next::Finish(AgentState::Exited, Some(code), None),
            Poll::Ready(Err(error)) => match error.downcast_ref::<Park>() {
                Some(Park::Exit(code)) => Next::Finish(AgentState::Exited, Some(*code), None),
                _ => Next::Finish(AgentState::Trapped, None, Some(trap_reason(&error))),
            },
        }
    }
}

/// A trap or error in one line (consoles and logs are line-based): the
/// trap's kind and the function and module offset where it happened.
fn trap_reason(error: &aios_engine::wasmtime::Error) -> alloc::string::String {
    use aios_engine::wasmtime::{Trap, WasmBacktrace};
    let mut reason = match error.downcast_ref::<Trap>() {
        Some(trap) => trap.to_string(),
        None => alloc::format!("{error:#}"),
    };
    let top = error
        .downcast_ref::<WasmBacktrace>()
        .and_then(|trace| trace.frames().first());
    if let Some(frame) = top {
        let name = frame.func_name().unwrap_or("an unnamed function");
        match frame.module_offset() {
            Some(offset) => reason.push_str(&alloc::format!(" in {name} at {offset:#x}")),
            None => reason.push_str(&alloc::format!(" in {name}")),
        }
    }
    reason.replace('\n', "; ")
}
