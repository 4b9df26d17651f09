//! Resuming a parked syscall: the value it returns once what it waited
//! for (time, console input, mail, room in a mailbox, an event) is there.

use crate::Runtime;
use crate::memory::write_store;
use crate::park::Park;
use crate::state::Execution;
use alloc::boxed::Box;
use wasmi::Val;

impl Runtime {
    /// The value a parked syscall returns when resumed, or the park to keep
    /// if it is not ready. `wake_value` is what the post office decided for
    /// a parked send.
    pub(crate) fn resume_value(
        &self,
        exec: &mut Box<Execution>,
        park: Park,
        now: u64,
        wake_value: Option<i64>,
    ) -> Result<Val, Park> {
        match park {
            Park::Sleep { .. } => Ok(Val::I32(0)),
            Park::Exit(code) => Ok(Val::I32(code)),
            Park::ConsoleRead { ptr, cap, deadline } => {
                let mut buf = alloc::vec![0u8; cap.min(4096) as usize];
                let n = self.inner.platform.console_read(&mut buf);
                if n > 0 {
                    return Ok(Val::I32(
                        match write_store(&mut exec.store, exec.memory, ptr, &buf[..n]) {
                            Ok(()) => n as i32,
                            Err(e) => e.code(),
                        },
                    ));
                }
                if now >= deadline {
                    Ok(Val::I32(aios_abi::Error::TimedOut.code()))
                } else {
                    Err(park)
                }
            }
            Park::Send => wake_value.map(Val::I64).ok_or(park),
            Park::Recv {
                ref filter,
                ptr,
                cap,
                deadline,
            } => {
                let me = exec.store.data().id;
                match self.take_message(me, filter, cap, now) {
                    Ok(Some(bytes)) => Ok(Val::I32(
                        match write_store(&mut exec.store, exec.memory, ptr, &bytes) {
                            Ok(()) => bytes.len() as i32,
                            Err(e) => e.code(),
                        },
                    )),
                    Ok(None) if now < deadline => Err(park),
                    Ok(None) => {
                        self.inner.state.lock().post.stop_waiting(me);
                        Ok(Val::I32(aios_abi::Error::TimedOut.code()))
                    }
                    Err(error) => {
                        self.inner.state.lock().post.stop_waiting(me);
                        Ok(Val::I32(error.code()))
                    }
                }
            }
            Park::Event {
                sub,
                ptr,
                cap,
                deadline,
            } => {
                let me = exec.store.data().id;
                match self.inner.next_event(me, sub) {
                    Ok(Some(event)) => {
                        let bytes = minicbor::to_vec(&event).unwrap_or_default();
                        Ok(Val::I32(if bytes.len() > cap as usize {
                            aios_abi::Error::BufferTooSmall.code()
                        } else {
                            match write_store(&mut exec.store, exec.memory, ptr, &bytes) {
                                Ok(()) => bytes.len() as i32,
                                Err(e) => e.code(),
                            }
                        }))
                    }
                    Ok(None) if now < deadline => Err(park),
                    Ok(None) => Ok(Val::I32(aios_abi::Error::TimedOut.code())),
                    Err(error) => Ok(Val::I32(error.code())),
                }
            }
        }
    }
}
