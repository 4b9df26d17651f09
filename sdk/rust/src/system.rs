//! Time, scheduling, the console and the machine: the syscalls that are
//! not about agents or capabilities.

use crate::reply::query;
use crate::status::{check, check_wide, clamp_ns, duration_to_ns};
use aios_abi::payload::SystemInfo;
use aios_abi::{Error, Handle};
use core::time::Duration;

/// First guess at the size of an encoded `SystemInfo`.
const INFO_REPLY: usize = 2048;

/// The null syscall: does nothing, for measuring the syscall path.
pub fn null() -> Result<(), Error> {
    check(crate::sys::null()).map(drop)
}

/// Nanoseconds since boot, monotonic.
pub fn clock_ns() -> u64 {
    // The clock never reads negative; 0 is the safe floor if it ever did.
    check_wide(crate::sys::clock()).unwrap_or(0)
}

/// Gives up the rest of this time slice to other agents.
pub fn yield_now() {
    // Yield cannot fail in a way the caller could act on.
    crate::sys::yield_now();
}

/// Parks the agent for at least `duration`; it uses no CPU meanwhile.
pub fn sleep(duration: Duration) -> Result<(), Error> {
    sleep_ns(duration_to_ns(duration))
}

/// Parks the agent for at least `ns` nanoseconds.
pub fn sleep_ns(ns: u64) -> Result<(), Error> {
    check(crate::sys::sleep(clamp_ns(ns))).map(drop)
}

/// Writes `bytes` to the serial console (needs write on a console
/// capability); returns how many were written.
pub fn console_write(console: Handle, bytes: &[u8]) -> Result<usize, Error> {
    // SAFETY: `bytes` is a live buffer of `bytes.len()` bytes for the whole
    // call; the kernel only reads it.
    let ret = unsafe { crate::sys::console_write(console.raw(), bytes.as_ptr(), bytes.len()) };
    written(ret)
}

/// Reads the bytes available on the serial console into `out`, waiting up
/// to `timeout_ns` for the first (needs read on a console capability);
/// returns how many were read. [`Error::TimedOut`] if none came.
pub fn console_read(console: Handle, out: &mut [u8], timeout_ns: u64) -> Result<usize, Error> {
    // SAFETY: `out` is a live, writable buffer of `out.len()` bytes for the
    // whole call; the kernel writes at most that many.
    let ret = unsafe {
        crate::sys::console_read(
            console.raw(),
            out.as_mut_ptr(),
            out.len(),
            clamp_ns(timeout_ns),
        )
    };
    written(ret)
}

/// Facts about the machine and its boot (needs inspect on a system
/// capability).
pub fn system_info(system: Handle) -> Result<SystemInfo, Error> {
    query(INFO_REPLY, |out| {
        // SAFETY: `out` is a live, writable buffer of `out.len()` bytes for
        // the whole call; the kernel writes at most that many.
        unsafe { crate::sys::system_info(system.raw(), out.as_mut_ptr(), out.len()) }
    })
}

/// Switches the machine off (needs control on a system capability). Returns
/// only if refused.
pub fn system_poweroff(system: Handle) -> Result<(), Error> {
    check(crate::sys::system_poweroff(system.raw())).map(drop)
}

/// A byte count returned by the kernel.
fn written(ret: i32) -> Result<usize, Error> {
    usize::try_from(check(ret)?).map_err(|_| Error::BadLength)
}
