//! Parked syscalls: the agent's fiber waits inside the syscall until what
//! it waited for (time, console input, mail, room in a mailbox, an event)
//! is there, then the syscall returns its value.

use crate::AgentCtx;
use crate::Runtime;
use crate::memory::write_at;
use crate::park::Park;
use crate::syscalls::context;
use aios_engine::wasmtime::{AsContextMut, Caller, Result};
use core::task::Poll;

/// A syscall's first step: its value, or a reason to wait.
pub(crate) enum Step<R> {
    /// Return this now.
    Done(R),
    /// Suspend the agent until the park resolves.
    Park(Park),
}

/// A syscall result type a resumed park can produce.
pub(crate) trait Resumed: Sized {
    fn from_value(value: i64) -> Self;
}

impl Resumed for i32 {
    fn from_value(value: i64) -> i32 {
        i32::try_from(value).unwrap_or(aios_abi::Error::InvalidArgument.code())
    }
}

impl Resumed for i64 {
    fn from_value(value: i64) -> i64 {
        value
    }
}

/// Finishes a syscall whose first step was `step`: returns its value, or
/// suspends the agent (leaving the park for the scheduler) and, each time
/// the scheduler runs the agent again, looks whether the park resolved.
/// Once it has, the agent gets a fresh slice.
pub(crate) async fn finish<R: Resumed>(
    caller: &mut Caller<'_, AgentCtx>,
    step: Step<R>,
) -> Result<R> {
    let park = match step {
        Step::Done(value) => return Ok(value),
        Step::Park(Park::Exit(code)) => {
            return Err(aios_engine::wasmtime::Error::new(Park::Exit(code)));
        }
        Step::Park(park) => park,
    };
    let mut waiting = Some(park);
    let mut first = true;
    let value = core::future::poll_fn(|_| {
        let Some(park) = waiting.take() else {
            return Poll::Ready(aios_abi::Error::NotSupported.code().into());
        };
        if first {
            first = false;
            caller.data().shared.park(park.clone());
            waiting = Some(park);
            return Poll::Pending;
        }
        let Ok((rt, _)) = context(caller) else {
            return Poll::Ready(aios_abi::Error::NotSupported.code().into());
        };
        let now = rt.inner.platform.now_ns();
        let wake_value = caller.data().shared.take_wake_value();
        match rt.resume_value(caller, park, now, wake_value) {
            Ok(value) => Poll::Ready(value),
            Err(still) => {
                caller.data().shared.park(still.clone());
                waiting = Some(still);
                Poll::Pending
            }
        }
    })
    .await;
    caller.as_context_mut().set_epoch_deadline(1);
    Ok(R::from_value(value))
}

/// `yield`: ends the caller's slice; the agent runs again when the
/// scheduler picks it, and the syscall returns 0.
pub(crate) async fn end_slice() -> i32 {
    let mut yielded = false;
    core::future::poll_fn(|_| {
        if yielded {
            Poll::Ready(0)
        } else {
            yielded = true;
            Poll::Pending
        }
    })
    .await
}

impl Runtime {
    /// The value a parked syscall returns when resumed, or the park to keep
    /// if it is not ready. `wake_value` is what the post office decided for
    /// a parked send.
    pub(crate) fn resume_value(
        &self,
        caller: &mut Caller<'_, AgentCtx>,
        park: Park,
        now: u64,
        wake_value: Option<i64>,
    ) -> core::result::Result<i64, Park> {
        let code = |e: aios_abi::Error| i64::from(e.code());
        match park {
            Park::Sleep { .. } => Ok(0),
            Park::Exit(code) => Ok(i64::from(code)),
            Park::ConsoleRead { ptr, cap, deadline } => {
                let mut buf = alloc::vec![0u8; cap.min(4096) as usize];
                let n = self.inner.platform.console_read(&mut buf);
                if n > 0 {
                    return Ok(match write_at(caller, ptr, &buf[..n]) {
                        Ok(()) => n as i64,
                        Err(e) => code(e),
                    });
                }
                if now >= deadline {
                    Ok(code(aios_abi::Error::TimedOut))
                } else {
                    Err(park)
                }
            }
            Park::Send => wake_value.ok_or(park),
            Park::Net {
                wait,
                endpoint,
                handle,
                deadline,
            } => crate::syscalls::net_outcome(caller, wait, endpoint, handle, deadline).ok_or(park),
            Park::Ping {
                probe,
                ptr,
                cap,
                deadline,
            } => {
                // The service ends the probe at its deadline; a second of
                // grace covers a stack that was not polled in time.
                let give_up = now > deadline.saturating_add(1_000_000_000);
                crate::syscalls::ping_outcome(caller, probe, ptr, cap, give_up).ok_or(park)
            }
            Park::Recv {
                ref filter,
                ptr,
                cap,
                deadline,
            } => {
                let me = caller.data().id;
                match self.take_message(me, filter, cap, now) {
                    Ok(Some(bytes)) => Ok(match write_at(caller, ptr, &bytes) {
                        Ok(()) => bytes.len() as i64,
                        Err(e) => code(e),
                    }),
                    Ok(None) if now < deadline => Err(park),
                    Ok(None) => {
                        self.inner.state.lock().post.stop_waiting(me);
                        Ok(code(aios_abi::Error::TimedOut))
                    }
                    Err(error) => {
                        self.inner.state.lock().post.stop_waiting(me);
                        Ok(code(error))
                    }
                }
            }
            Park::Event {
                sub,
                ptr,
                cap,
                deadline,
            } => {
                let me = caller.data().id;
                match self.inner.next_event(me, sub) {
                    Ok(Some(event)) => {
                        let bytes = minicbor::to_vec(&event).unwrap_or_default();
                        Ok(if bytes.len() > cap as usize {
                            code(aios_abi::Error::BufferTooSmall)
                        } else {
                            match write_at(caller, ptr, &bytes) {
                                Ok(()) => bytes.len() as i64,
                                Err(e) => code(e),
                            }
                        })
                    }
                    Ok(None) if now < deadline => Err(park),
                    Ok(None) => Ok(code(aios_abi::Error::TimedOut)),
                    Err(error) => Ok(code(error)),
                }
            }
        }
    }
}
