//! Benchmark agent: TCP bulk receive. Listens on port 5201, accepts one
//! connection and reads it with a 64 KiB buffer until the peer closes,
//! then reports the bytes, the guest time from the accept to the end of
//! the stream, and how much of that time the CPUs spent halted (the
//! `net` suite's busy instructions are the difference). A 100 ms sleep
//! before it checks the idle counter: nearly all of it must be idle.

use aios_sdk::{CapKind, Error, Handle, TcpListener};
use core::time::Duration;

/// The port the host connects to (through QEMU's host forward).
const PORT: u16 = 5201;
/// The idle counter's check.
const SLEEP: Duration = Duration::from_millis(100);
/// Bytes asked for per read.
const BUFFER: usize = 64 * 1024;
/// The host connects once the agent says it listens; it has no useful
/// deadline after that.
const FOREVER: Duration = Duration::from_secs(1 << 40);

fn main() -> i32 {
    match run() {
        Ok(()) => 0,
        Err(error) => {
            aios_sdk::error!("bench-tcp-sink: {error}");
            1
        }
    }
}

fn run() -> Result<(), Error> {
    let system = aios_sdk::find_cap(CapKind::System).ok_or(Error::PermissionDenied)?;
    let system = Handle(system.handle);
    let (sleep_elapsed, sleep_idle) = timed(system, || aios_sdk::sleep(SLEEP))?;
    let listen = aios_sdk::net_cap("listen").ok_or(Error::PermissionDenied)?;
    let listener = TcpListener::bind(listen, PORT)?;
    aios_sdk::info!("bench-tcp-sink: listening on port {PORT}");
    let stream = listener.accept(FOREVER)?;
    // On the heap: the agent's stack is 128 KiB.
    let mut buf = vec![0u8; BUFFER];
    let mut bytes = 0u64;
    let mut reads = 0u64;
    let (elapsed, idle) = timed(system, || {
        loop {
            match stream.read(&mut buf, FOREVER)? {
                0 => return Ok(()),
                n => {
                    bytes += n as u64;
                    reads += 1;
                }
            }
        }
    })?;
    aios_sdk::info!(
        "bench: bytes={bytes} reads={reads} elapsed_ns={elapsed} idle_ns={idle} busy_ns={} \
         sleep_elapsed_ns={sleep_elapsed} sleep_idle_ns={sleep_idle}",
        elapsed.saturating_sub(idle)
    );
    Ok(())
}

/// Runs `work`; returns the guest time it took and the part of it the
/// CPUs spent halted.
fn timed(system: Handle, work: impl FnOnce() -> Result<(), Error>) -> Result<(u64, u64), Error> {
    let start = aios_sdk::clock_ns();
    let idle_start = aios_sdk::system_info(system)?.idle_ns;
    work()?;
    let idle = aios_sdk::system_info(system)?
        .idle_ns
        .saturating_sub(idle_start);
    Ok((aios_sdk::clock_ns().saturating_sub(start), idle))
}

aios_sdk::entry!(main);
