//! `top`: the agent table and per-CPU load, redrawn every second until a
//! key is pressed. Agents keep running on this CPU meanwhile.

use crate::println;
use core::sync::atomic::Ordering;

const REFRESH_NS: u64 = 1_000_000_000;

/// Runs the live view until any key.
pub fn run() {
    let Some(runtime) = crate::agents::runtime() else {
        println!("error: the agent runtime is not running");
        return;
    };
    let mut idle_before = idle_times();
    let mut at = aios_hal::clock::now_ns();
    loop {
        aios_hal::serial::write_bytes(b"\x1b[2J\x1b[H");
        let now = aios_hal::clock::now_ns();
        let idle_now = idle_times();
        println!(
            "AIOS top — uptime {} s — any key exits",
            now / 1_000_000_000
        );
        for (cpu, (before, after)) in idle_before.iter().zip(idle_now.iter()).enumerate() {
            if let (Some(before), Some(after)) = (before, after) {
                let span = now.saturating_sub(at).max(1);
                let busy = 100u64.saturating_sub(after.saturating_sub(*before) * 100 / span);
                println!("cpu {}: {}% busy", cpu, busy);
            }
        }
        super::agents::print_table(&runtime.list());
        idle_before = idle_now;
        at = now;
        let deadline = now + REFRESH_NS;
        while aios_hal::clock::now_ns() < deadline {
            if aios_hal::serial::try_read().is_some() {
                return;
            }
            if !crate::agents::step(0) {
                aios_hal::percpu::idle();
            }
        }
    }
}

fn idle_times() -> [Option<u64>; aios_hal::percpu::MAX_CPUS] {
    let mut out = [None; aios_hal::percpu::MAX_CPUS];
    for cpu in aios_hal::percpu::all() {
        if cpu.online.load(Ordering::Acquire) {
            out[cpu.index] = Some(cpu.idle_ns.load(Ordering::Relaxed));
        }
    }
    out
}
