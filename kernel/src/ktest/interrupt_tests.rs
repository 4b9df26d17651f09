//! Tests of the exception and interrupt paths.

use super::{ensure, ktests};
use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

ktests!(
    breakpoint_is_reported_and_resumed,
    timer_ticks_on_every_online_cpu
);

fn breakpoint_is_reported_and_resumed() -> Result<(), String> {
    let before = aios_hal::interrupts::breakpoint_count();
    aios_hal::cpu::breakpoint();
    aios_hal::cpu::breakpoint();
    let after = aios_hal::interrupts::breakpoint_count();
    ensure!(
        after == before + 2,
        "expected 2 more breakpoints, saw {}",
        after - before
    );
    Ok(())
}

fn timer_ticks_on_every_online_cpu() -> Result<(), String> {
    let cpus: Vec<_> = aios_hal::percpu::all()
        .iter()
        .filter(|c| c.online.load(Ordering::Acquire))
        .collect();
    let before: Vec<u64> = cpus
        .iter()
        .map(|c| c.ticks.load(Ordering::Relaxed))
        .collect();
    aios_hal::clock::spin_ns(50_000_000);
    for (cpu, was) in cpus.iter().zip(before) {
        let now = cpu.ticks.load(Ordering::Relaxed);
        ensure!(now > was, "cpu {} took no timer tick in 50 ms", cpu.index);
    }
    Ok(())
}
